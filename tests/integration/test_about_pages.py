"""The public pages about the service (mentorhub/about/): the privacy notice and the
accessibility statement, reached from every page's footer before signing in, in Swedish by
default and in English; the notice's figures come from the settings the code uses; the
accessibility feedback form stores, tells the coordinators after the commit, refuses bad input
and is rate-limited; only coordinators read what was sent."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from mentorhub import mail
from mentorhub.about.models import AccessibilityFeedback
from mentorhub.accounts.models import Role
from mentorhub.extensions import db
from tests.conftest import login

FEEDBACK = "/om/tillganglighet/synpunkter"
PROBLEM = "Knappen Skicka i chatten går inte att nå med tangentbordet på min Chromebook."


def _footer_href(page: str, text: str) -> str:
    """The address of the footer link with this text, as the page gives it."""
    footer = re.search(r'<footer class="site-footer">(.*?)</footer>', page, re.DOTALL)
    assert footer, "the page has no site footer"
    link = re.search(rf'<a href="([^"]+)">\s*{re.escape(text)}\s*</a>', footer.group(1))
    assert link, f"no footer link {text!r} in {footer.group(1)!r}"
    return html.unescape(link.group(1))


def _h1(page: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", page, re.DOTALL)
    assert match, "the page has no h1"
    return html.unescape(match.group(1)).strip()


def _text(page: str) -> str:
    """The page's text with tags removed and white space collapsed, for reading sentences."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _feedback_rows(app) -> list[AccessibilityFeedback]:
    with app.app_context():
        rows = db.session.scalars(sa.select(AccessibilityFeedback)).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def _send(app, data: dict, address: str = "10.20.30.40", client=None):
    client = client or app.test_client()
    return client.post(FEEDBACK, data=data, environ_base={"REMOTE_ADDR": address})


# --- reaching the pages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "heading"),
    [
        ("Integritet och personuppgifter", "Integritet och personuppgifter"),
        ("Tillgänglighetsredogörelse", "Tillgänglighetsredogörelse"),
    ],
)
def test_each_page_is_reached_from_the_sign_in_page_footer_in_swedish(client, link, heading):
    # given a visitor who is not signed in, on the sign-in page
    sign_in = client.get("/login")
    assert sign_in.status_code == 200
    # when they follow the footer link
    page = client.get(_footer_href(sign_in.get_data(as_text=True), link))
    # then the page opens without signing in, in Swedish
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="sv">' in body
    assert _h1(body) == heading


@pytest.mark.parametrize(
    ("link", "heading", "swedish"),
    [
        ("Privacy and personal data", "Privacy and personal data", "Vad som sparas"),
        ("Accessibility statement", "Accessibility statement", "Tillsyn"),
    ],
)
def test_each_page_is_in_english_after_the_visitor_switches_language(
    client, link, heading, swedish
):
    # given a visitor who chose English in the language select
    assert client.post("/language", data={"locale": "en", "next": "/login"}).status_code == 302
    sign_in = client.get("/login").get_data(as_text=True)
    # when they follow the footer link
    body = client.get(_footer_href(sign_in, link)).get_data(as_text=True)
    # then the page is in English, with no Swedish section left over
    assert '<html lang="en">' in body
    assert _h1(body) == heading
    assert swedish not in body


def test_the_footer_links_are_on_error_pages_and_signed_in_pages_too(client, make_user):
    # an error page, before signing in
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert _footer_href(missing.get_data(as_text=True), "Tillgänglighetsredogörelse")
    # a page behind sign-in
    assert login(client, make_user(Role.PUPIL)).status_code == 302
    start = client.get("/").get_data(as_text=True)
    assert _footer_href(start, "Integritet och personuppgifter")


def test_the_accessibility_statement_names_digg_and_links_the_feedback_form(client):
    body = client.get("/om/tillganglighet").get_data(as_text=True)
    assert '<a href="https://www.digg.se/">' in body
    assert "Myndigheten för digital förvaltning" in body
    assert f'href="{FEEDBACK}"' in body
    assert "KaTeX" in body


# --- the privacy notice's figures come from the settings ---------------------------------------


def test_the_privacy_notice_shows_the_configured_threshold_and_retention(client, app, monkeypatch):
    # given the defaults
    default = _text(client.get("/om/integritet").get_data(as_text=True))
    assert "i 12 månader efter elevens sista termin" in default
    assert "ett antal under 5 visas som ”<5”" in default
    assert "En inbjudningslänk gäller i 7 dagar." in default
    assert "gäller i 60 minuter" in default
    # when the settings change
    monkeypatch.setitem(app.config, "REPORT_THRESHOLD", 10)
    monkeypatch.setitem(app.config, "RETENTION_MONTHS", "18")
    monkeypatch.setitem(app.config, "INVITATION_DAYS", 3)
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MINUTES", 30)
    changed = _text(client.get("/om/integritet").get_data(as_text=True))
    # then the notice says what the code now does
    assert "i 18 månader efter elevens sista termin" in changed
    assert "ett antal under 10 visas som ”<10”" in changed
    assert "En inbjudningslänk gäller i 3 dagar." in changed
    assert "gäller i 30 minuter" in changed
    assert "12 månader" not in changed


def test_one_month_of_retention_reads_in_the_singular(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_MONTHS", "1")
    assert "i 1 månad efter" in _text(client.get("/om/integritet").get_data(as_text=True))


@pytest.mark.parametrize("malformed", ["", "tolv", "-3", "1.5", "0", "12 months"])
def test_a_malformed_retention_setting_gives_a_neutral_sentence_not_an_error(
    client, app, monkeypatch, malformed
):
    # given a retention setting that is not a whole number of months
    monkeypatch.setitem(app.config, "RETENTION_MONTHS", malformed)
    # when the notice is read
    response = client.get("/om/integritet")
    # then it opens and says neutrally that there is a set period, without the bad value
    page = _text(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "under en bestämd tid efter elevens sista termin" in page
    assert "månader efter" not in page


# --- the feedback form ----------------------------------------------------------------------


def test_feedback_from_a_visitor_is_stored_and_each_active_coordinator_is_mailed(
    app, make_user, outbox
):
    # given two active coordinators and one who has left
    first = make_user(Role.COORDINATOR, email="karin@example.se")
    second = make_user(Role.COORDINATOR, email="omar@example.se")
    make_user(Role.COORDINATOR, email="gone@example.se", active=False)
    # when a visitor who is not signed in reports a problem and asks for an answer
    response = _send(app, {"message": PROBLEM, "reply_to": "Förälder@Example.se"})
    # then they are thanked on the statement
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/om/tillganglighet")
    # and the feedback is stored, with no account behind it
    [row] = _feedback_rows(app)
    assert (row.message, row.reply_to, row.user_id) == (PROBLEM, "förälder@example.se", None)
    # and each active coordinator got a mail linking to the list, without the text itself
    mails = outbox()
    assert sorted(m.recipient for m in mails) == sorted([first.email, second.email])
    for m in mails:
        assert m.subject == "Nya synpunkter på tillgängligheten i MentorHub"
        assert app.config["SERVER_BASE_URL"].rstrip("/") + "/om/tillganglighet/inkomna" in m.body
        assert PROBLEM not in m.body


def test_feedback_from_a_signed_in_pupil_names_them(app, client, make_user):
    pupil = make_user(Role.PUPIL)
    assert login(client, pupil).status_code == 302
    assert client.post(FEEDBACK, data={"message": PROBLEM}).status_code == 302
    [row] = _feedback_rows(app)
    assert (row.user_id, row.reply_to) == (pupil.id, "")


def test_the_smtp_mail_leaves_only_after_the_feedback_is_committed(app, make_user, monkeypatch):
    # given mail over SMTP, with the sending watched
    make_user(Role.COORDINATOR, email="karin@example.se")
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    sent = []

    def fake_smtp(recipient, subject, body):
        # what another connection sees at the moment of sending: the committed rows only
        with db.engine.connect() as other:
            stored = other.scalar(sa.select(sa.func.count()).select_from(AccessibilityFeedback))
        sent.append((recipient, stored))

    monkeypatch.setattr(mail, "_send_smtp", fake_smtp)
    # when a refused form is sent, nothing leaves
    assert _send(app, {"message": "   "}).status_code == 422
    assert sent == []
    # when good feedback is sent
    assert _send(app, {"message": PROBLEM}).status_code == 302
    # then the mail left once, after the feedback was committed
    assert sent == [("karin@example.se", 1)]


def test_an_empty_message_is_refused_in_swedish_and_nothing_is_stored(app, make_user, outbox):
    make_user(Role.COORDINATOR)
    # when the message is left empty (only spaces) but an address is given
    response = _send(app, {"message": "  \n ", "reply_to": "elev@example.se"})
    # then the form is shown again with 422 and a clear message, the address kept
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Skriv vad som inte fungerade för dig." in page
    assert 'value="elev@example.se"' in page
    # and nothing is stored or mailed
    assert _feedback_rows(app) == []
    assert outbox() == []


def test_a_too_long_message_and_a_bad_address_are_refused_with_the_text_kept(app):
    long_text = "å" * 2001
    response = _send(app, {"message": long_text, "reply_to": "inte-en-adress"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Högst 2000 tecken." in page
    assert "Ange en e-postadress, till exempel namn@skola.se." in page
    assert long_text in page
    assert _feedback_rows(app) == []


def test_the_form_is_refused_in_english_for_an_english_reader(app):
    client = app.test_client()
    client.post("/language", data={"locale": "en", "next": "/login"})
    response = _send(app, {"message": ""}, client=client)
    assert response.status_code == 422
    assert "Write what did not work for you." in response.get_data(as_text=True)


def test_too_many_reports_from_one_address_are_answered_429_in_swedish(app):
    # given five reports from one address within a minute
    answers = [_send(app, {"message": f"{PROBLEM} ({n})"}).status_code for n in range(5)]
    assert answers == [302] * 5
    # when a sixth comes
    refused = _send(app, {"message": PROBLEM})
    # then it is refused in Swedish, and not stored
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "För många försök" in page
    assert "Vänta en minut och försök igen." in page
    assert len(_feedback_rows(app)) == 5
    # and another address still gets through
    assert _send(app, {"message": PROBLEM}, address="10.9.9.9").status_code == 302


# --- the coordinators' list ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.PUPIL, Role.MENTOR, Role.HOME_TEACHER, Role.SPECIAL_EDUCATOR]
)
def test_only_coordinators_read_the_feedback_list(app, client, make_user, role):
    _send(app, {"message": PROBLEM})
    assert login(client, make_user(role)).status_code == 302
    response = client.get("/om/tillganglighet/inkomna")
    assert response.status_code == 403
    assert PROBLEM not in response.get_data(as_text=True)
    assert "/om/tillganglighet/inkomna" not in client.get("/").get_data(as_text=True)


def test_a_visitor_is_sent_to_sign_in_for_the_feedback_list(client):
    response = client.get("/om/tillganglighet/inkomna")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_coordinator_reads_the_feedback_from_the_menu(app, client, coordinator, make_user):
    pupil = make_user(Role.PUPIL, name="Alva Lindgren")
    _send(app, {"message": "Kontrasten på knapparna är för svag.", "reply_to": "a@example.se"})
    pupil_client = app.test_client()
    login(pupil_client, pupil)
    pupil_client.post(FEEDBACK, data={"message": PROBLEM})
    assert login(client, coordinator).status_code == 302
    # the menu leads to the list
    start = client.get("/").get_data(as_text=True)
    assert 'href="/om/tillganglighet/inkomna"' in start
    page = client.get("/om/tillganglighet/inkomna").get_data(as_text=True)
    # newest first, who sent it (or that a visitor did), and where to answer
    assert page.index(PROBLEM) < page.index("Kontrasten på knapparna är för svag.")
    assert "Alva Lindgren" in page
    assert "En besökare som inte var inloggad" in page
    assert 'href="mailto:a@example.se"' in page


def test_feedback_without_a_csrf_token_is_refused_and_not_stored(app, csrf_enabled):
    # the form is public, so the token is what keeps another site from posting it for a visitor
    response = _send(app, {"message": PROBLEM})
    assert response.status_code == 400
    assert "Formuläret hade gått ut" in response.get_data(as_text=True)
    assert _feedback_rows(app) == []
