"""Sign-in and password-reset limits: tight per account, loose per address, because a whole
school signs in from one address (LOGIN_RATE_LIMIT, LOGIN_ACCOUNT_RATE_LIMIT,
LOGIN_IP_RATE_LIMIT)."""

from mentorhub.accounts.models import Role
from tests.conftest import PASSWORD

SCHOOL_ADDRESS = "10.20.30.40"  # the school network's one public address


def _sign_in(app, email: str, password: str = PASSWORD, address: str = SCHOOL_ADDRESS):
    """A sign-in from a browser of its own (fresh session) behind the given address."""
    return app.test_client().post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_a_whole_class_signs_in_from_one_school_address_twice_within_a_minute(app, make_user):
    # given a class of 30 pupils behind the school's one address
    pupils = [make_user(Role.PUPIL) for _ in range(30)]
    # when they all sign in, and then all again (a second lesson, a new Chromebook cart)
    answers = [_sign_in(app, p.email).status_code for _ in range(2) for p in pupils]
    # then every one of the 60 sign-ins got in
    assert answers == [302] * 60


def test_the_eleventh_wrong_password_for_one_account_is_refused_in_swedish(app, make_user):
    # given a pupil who mistypes their password ten times from the school network
    pupil, classmate = make_user(Role.PUPIL), make_user(Role.PUPIL)
    wrong = [_sign_in(app, pupil.email, "wrong-password").status_code for _ in range(10)]
    assert wrong == [422] * 10
    # when they try an eleventh time, even with the right password
    refused = _sign_in(app, pupil.email)
    # then they are told, in Swedish, to wait
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "För många försök" in page
    assert "Vänta en minut och försök igen." in page
    # and a classmate on the same network still signs in
    assert _sign_in(app, classmate.email).status_code == 302


def test_one_account_is_protected_against_guessing_from_many_addresses(app, make_user):
    # given someone guessing one account's password from many addresses, a few tries each
    pupil = make_user(Role.PUPIL)
    for n in range(20):
        _sign_in(app, pupil.email, "guess-guess", address=f"192.0.2.{n // 5}")
    # when one more address tries
    response = _sign_in(app, pupil.email, "guess-guess", address="198.51.100.1")
    # then the account is closed to further attempts for a while
    assert response.status_code == 429


def test_many_accounts_from_one_address_beyond_the_loose_ceiling_are_refused(app, monkeypatch):
    # given a ceiling of 60 a minute per address (the default, 200, is the same rule; a lower
    # one keeps the test well inside its minute on a busy machine)
    monkeypatch.setitem(app.config, "LOGIN_IP_RATE_LIMIT", "60 per minute")
    # and one address that has tried 60 different accounts
    answers = {_sign_in(app, f"pupil{n}@example.se", "guess-guess").status_code for n in range(60)}
    assert answers == {422}
    # when it tries one more account
    response = _sign_in(app, "pupil-more@example.se", "guess-guess")
    # then it is refused, and another address is not
    assert response.status_code == 429
    assert _sign_in(app, "pupil-more@example.se", "guess-guess", "10.9.9.9").status_code == 422


def test_password_resets_for_a_whole_class_from_one_address_pass(app, make_user, outbox):
    # given 30 pupils who all forgot their passwords, on the school network
    pupils = [make_user(Role.PUPIL) for _ in range(30)]
    # when each asks for a reset link
    answers = [
        app.test_client()
        .post(
            "/password/forgot",
            data={"email": p.email},
            environ_base={"REMOTE_ADDR": SCHOOL_ADDRESS},
        )
        .status_code
        for p in pupils
    ]
    # then every request is answered and every pupil gets a link
    assert answers == [302] * 30
    assert {mail.recipient for mail in outbox()} == {p.email for p in pupils}


def test_the_eleventh_reset_request_for_one_account_is_refused(app, make_user):
    pupil = make_user(Role.PUPIL)
    client = app.test_client()

    def ask():
        return client.post(
            "/password/forgot",
            data={"email": pupil.email},
            environ_base={"REMOTE_ADDR": SCHOOL_ADDRESS},
        )

    assert [ask().status_code for _ in range(10)] == [302] * 10
    refused = ask()
    assert refused.status_code == 429
    assert "För många försök" in refused.get_data(as_text=True)
