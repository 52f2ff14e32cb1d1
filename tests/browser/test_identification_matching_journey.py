"""Journeys 2 and 3: a home teacher nominates a pupil, the coordinator asks for more and approves,
a mentor states an offer, the coordinator runs and confirms matching, and the pupil, invited by
mail, signs up and meets their knowledge mentor on the start page.

Five people in five browsers; every page any of them sees is checked with axe (WCAG 2.1 A/AA).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from mentorhub.accounts.models import Role, User
from mentorhub.extensions import db
from mentorhub.matching import offers
from mentorhub.programme.models import SubjectArea, Term
from tests.conftest import assert_accessible, browser_login, link_in

pytestmark = pytest.mark.browser

PUPIL = "Alva Lindgren"
PUPIL_EMAIL = "alva.lindgren@elev.example.se"
PUPIL_PASSWORD = "alvas-egna-losenord"
MENTOR = "Anna Bergström"
OTHER_MENTOR = "Lars Ek"
CHALLENGE = "Bevis och problemlösning bortom läroboken"
QUESTION = "Hur visar sig behovet av utmaning på lektionerna?"
ANSWER = "Hon löser veckans problem på tio minuter och ber om svårare."
# the two meeting times pupil and mentor share: (slot id, English weekday msgid, time of day)
LOCALES = ("sv", "en")
TIMES = [("tue-3", "Tuesday", "13:00–14:30"), ("thu-3", "Thursday", "13:00–14:30")]


def path_is(path: str) -> re.Pattern:
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def go_to(page, either, menu_item: str) -> None:
    page.get_by_role("navigation", name=either("Main menu")).get_by_role(
        "link", name=either(menu_item, part=True)
    ).click()


def slot_name(say, weekday: str, time: str, *, part: bool = False) -> re.Pattern:
    """A meeting time as the grid labels it ("Tisdag 13:00–14:30"), in Swedish or English."""
    texts = "|".join(re.escape(f"{say(weekday, loc)} {time}") for loc in LOCALES)
    return re.compile(texts if part else rf"^\s*(?:{texts})\s*$")


def any_slot(say) -> re.Pattern:
    """Any of the shared meeting times, as part of a longer text."""
    texts = [f"{say(day, loc)} {time}" for _, day, time in TIMES for loc in LOCALES]
    return re.compile("|".join(re.escape(t) for t in texts))


def you_meet(say) -> re.Pattern:
    """The pupil's meeting line, "Ni träffas: Torsdag 13:00–14:30", for either shared time."""
    texts = [
        say("You meet: %(time)s", loc, time=f"{say(day, loc)} {time}")
        for _, day, time in TIMES
        for loc in LOCALES
    ]
    return re.compile("|".join(re.escape(t) for t in texts))


def fill_nomination(page, either, *, area: str, informed_on: date) -> None:
    """Everything but the meeting times."""
    page.get_by_label(either("Pupil's name")).fill(PUPIL)
    page.get_by_label(either("Pupil's school email")).fill(PUPIL_EMAIL)
    page.get_by_label(either("Year")).select_option("9")
    page.get_by_label(either("Class")).fill("9B")
    page.get_by_role("group", name=either("Profile")).get_by_role(
        "radio", name=either("Gifted (särskilt begåvad)")
    ).check()
    need = page.get_by_role("group", name=area)
    need.get_by_role("checkbox", name=either("Nominate in this subject area")).check()
    need.get_by_label(either("Current level")).select_option("4")
    need.get_by_label(either("The challenge the pupil needs")).fill(CHALLENGE)
    page.get_by_label(either("Strengths and interests")).fill("Logiskt tänkande, schack")
    guardian = page.get_by_role("group", name=either("Guardian"))
    guardian.get_by_label(either("Date the guardian was informed")).fill(informed_on.isoformat())
    guardian.get_by_role("radio", name=either("Consent given")).check()


def expect_nomination_kept(page, either, *, area: str, informed_on: date) -> None:
    expect(page.get_by_label(either("Pupil's name"))).to_have_value(PUPIL)
    expect(page.get_by_label(either("Pupil's school email"))).to_have_value(PUPIL_EMAIL)
    expect(page.get_by_label(either("Year"))).to_have_value("9")
    expect(page.get_by_label(either("Class"))).to_have_value("9B")
    expect(
        page.get_by_role("group", name=either("Profile")).get_by_role(
            "radio", name=either("Gifted (särskilt begåvad)")
        )
    ).to_be_checked()
    need = page.get_by_role("group", name=area)
    expect(
        need.get_by_role("checkbox", name=either("Nominate in this subject area"))
    ).to_be_checked()
    expect(need.get_by_label(either("Current level"))).to_have_value("4")
    expect(need.get_by_label(either("The challenge the pupil needs"))).to_have_value(CHALLENGE)
    guardian = page.get_by_role("group", name=either("Guardian"))
    expect(guardian.get_by_label(either("Date the guardian was informed"))).to_have_value(
        informed_on.isoformat()
    )
    expect(guardian.get_by_role("radio", name=either("Consent given"))).to_be_checked()


def expect_status(page, either, status: str) -> None:
    """The nomination page's "Status: …" line."""
    line = (
        page.get_by_role("main")
        .locator("p")
        .filter(has=page.locator("strong", has_text=either("Status", part=True)))
    )
    expect(line).to_contain_text(either(status, part=True))


def tick_times(group, say) -> None:
    for _, day, time in TIMES:
        group.get_by_role("checkbox", name=slot_name(say, day, time)).check()


def add_other_mentor_offer(app, make_user, programme) -> None:
    """A second mentor who fits the pupil less well (wider span, one shared time), stated
    through the service: the move preview then has someone to compare with."""
    other = make_user(Role.MENTOR, name=OTHER_MENTOR)
    with app.app_context():
        mentor = db.session.get(User, other.id)
        offers.save_offer(
            mentor,
            db.session.get(Term, programme["term"]),
            subject_area_ids=[programme["areas"][0]],
            level_min=2,
            level_max=5,
            capacity=4,
            max_group_size=1,
            slots=["tue-3", "mon-1"],
        )
        db.session.commit()


def test_nominated_pupil_is_approved_matched_and_meets_their_mentor(
    app, page, new_page, programme, school_staff, coordinator, make_user, say, either, outbox
):
    teacher = school_staff["home_teacher"]
    mentor = make_user(Role.MENTOR, name=MENTOR)
    with app.app_context():
        area = db.session.get(SubjectArea, programme["areas"][0]).name
    informed_on = date.today() - timedelta(days=3)

    # the home teacher signs in and opens the nomination form from the nominations page
    browser_login(page, teacher.email)
    expect(page).to_have_url(path_is("/"))
    assert_accessible(page)
    go_to(page, either, "Nominations")
    expect(page.get_by_role("heading", level=1)).to_have_text(either("Nominations"))
    expect(page.get_by_role("main")).to_contain_text(either("No nominations.", part=True))
    assert_accessible(page)
    page.get_by_role("link", name=either("Nominate a pupil")).click()
    expect(page).to_have_url(path_is("/nominations/new"))
    expect(page.get_by_role("heading", level=1)).to_have_text(either("Nominate a pupil"))
    assert_accessible(page)

    # sent without a meeting time: refused at the times, everything typed still there
    fill_nomination(page, either, area=area, informed_on=informed_on)
    page.get_by_role("button", name=either("Send nomination")).click()
    expect(page).to_have_url(path_is("/nominations/new"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(either("Check the fields marked below.", part=True))
    expect(summary).to_be_focused()
    times = page.get_by_role("group", name=either("Times the pupil can meet"))
    expect(times).to_have_accessible_description(
        either("Choose at least one time the pupil can meet.", part=True)
    )
    expect_nomination_kept(page, either, area=area, informed_on=informed_on)
    assert_accessible(page)
    # the summary's link takes the keyboard to the times
    summary.get_by_role("link", name=either("Times the pupil can meet")).click()
    expect(times.get_by_role("checkbox").first).to_be_focused()

    # the times ticked, the nomination goes to the coordinator
    tick_times(times, say)
    page.get_by_role("button", name=either("Send nomination")).click()
    # (the address keeps the #slots-0 the summary link added: the browser carries it over)
    expect(page).to_have_url(re.compile(r"/nominations/\d+(#.*)?$"))
    nomination_path = urlsplit(page.url).path
    expect(page.get_by_role("status")).to_have_text(
        either("The nomination has been sent to the coordinator.")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        either("Nomination of %(name)s", name=PUPIL)
    )
    expect_status(page, either, "Waiting for decision")
    main = page.get_by_role("main")
    for _, day, time in TIMES:
        expect(main).to_contain_text(slot_name(say, day, time, part=True))
    expect(main).to_contain_text(CHALLENGE)
    assert_accessible(page)

    # the coordinator, in another browser, finds it among the nominations and asks for more
    boss = new_page()
    browser_login(boss, coordinator.email)
    go_to(boss, either, "Nominations")
    row = boss.get_by_role("table", name=either("Nominations")).locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(teacher.name)
    expect(row).to_contain_text(either("Waiting for decision", part=True))
    assert_accessible(boss)
    row.get_by_role("link", name=PUPIL).click()
    expect(boss).to_have_url(path_is(nomination_path))
    assert_accessible(boss)
    boss.get_by_label(either("Question to the nominator, or reason for declining")).fill(QUESTION)
    boss.get_by_role("button", name=either("Ask for more")).click()
    expect(boss.get_by_role("status")).to_have_text(
        either("The question has been sent to the nominator.")
    )
    expect_status(boss, either, "More information asked for")

    # the home teacher is told, reads the question on the nomination and answers it
    go_to(page, either, "Notifications")
    asked = either("The coordinator asks for more about the nomination of %(pupil)s.", pupil=PUPIL)
    expect(page.get_by_role("link", name=asked)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=asked).click()
    expect(page).to_have_url(path_is(nomination_path))
    expect(page.get_by_role("list").filter(has_text=QUESTION)).to_contain_text(coordinator.name)
    assert_accessible(page)
    answer_form = page.locator("form").filter(
        has=page.get_by_role("heading", name=either("Answer the coordinator"))
    )
    answer_form.get_by_label(either("Comment")).fill(ANSWER)
    answer_form.get_by_role("button", name=either("Send answer")).click()
    expect(page.get_by_role("status")).to_have_text(either("Your answer has been sent."))
    expect(page.get_by_role("main")).to_contain_text(ANSWER)
    assert_accessible(page)

    # the coordinator sees the answer and approves, which invites the pupil
    boss.reload()
    expect(boss.get_by_role("main")).to_contain_text(ANSWER)
    expect_status(boss, either, "Waiting for decision")
    boss.get_by_role("button", name=either("Approve and invite the pupil")).click()
    expect(boss.get_by_role("status")).to_have_text(
        either("The nomination has been approved and the pupil has been invited.")
    )
    expect_status(boss, either, "Approved")
    expect(boss.get_by_role("button", name=either("Approve and invite the pupil"))).to_have_count(0)
    assert_accessible(boss)

    # the mentor states an offer: the same subject area, levels 3–5, the same two times
    tutor = new_page()
    browser_login(tutor, mentor.email)
    go_to(tutor, either, "My offer")
    expect(tutor.get_by_role("heading", level=1)).to_have_text(either("My offer for the term"))
    assert_accessible(tutor)
    tutor.get_by_role("group", name=either("Subject areas you take")).get_by_role(
        "checkbox", name=area
    ).check()
    tutor.get_by_label(either("Lowest level you challenge")).select_option("3")
    tutor.get_by_label(either("Highest level you challenge")).select_option("5")
    tutor.get_by_label(either("Pupils in total")).fill("4")
    tutor.get_by_label(either("Largest group")).fill("3")
    offered_times = tutor.get_by_role("group", name=either("Times you can meet every week"))
    tick_times(offered_times, say)
    tutor.get_by_role("button", name=either("Save offer")).click()
    expect(tutor.get_by_role("status")).to_have_text(
        either("Your offer for the term has been saved.")
    )
    expect(tutor.get_by_label(either("Lowest level you challenge"))).to_have_value("3")
    for _, day, time in TIMES:
        expect(
            offered_times.get_by_role("checkbox", name=slot_name(say, day, time))
        ).to_be_checked()
    assert_accessible(tutor)
    add_other_mentor_offer(app, make_user, programme)

    # the coordinator runs matching: the pupil is proposed to the mentor, with score and reason
    go_to(boss, either, "Matching")
    expect(boss.get_by_role("heading", level=1)).to_contain_text(either("Matching", part=True))
    expect(boss.get_by_role("main")).to_contain_text(
        either("%(num)d approved pupil", plural="%(num)d approved pupils", num=1, part=True)
    )
    assert_accessible(boss)
    boss.get_by_role("button", name=either("Run matching")).click()
    expect(boss.get_by_role("status")).to_have_text(
        either("Matching has been run. Check the proposal and confirm it.")
    )
    card = boss.locator("section").filter(has=boss.get_by_role("heading", name=MENTOR))
    match_row = card.get_by_role("row").filter(has_text=PUPIL)
    expect(match_row).to_contain_text(area)
    expect(match_row).to_contain_text(any_slot(say))
    score_cell = match_row.get_by_role("cell").nth(4)
    expect(score_cell).to_have_text(re.compile(r"^\s*\d+\s*$"))
    score = int(score_cell.inner_text())
    expect(match_row).to_contain_text(
        either(
            "level %(level)d within the mentor's span %(min)d–%(max)d",
            level=4,
            min=3,
            max=5,
            part=True,
        )
    )
    expect(match_row).to_contain_text(either("Proposed", part=True))
    assert_accessible(boss)

    # the move preview compares the other mentor's score, and the coordinator keeps the proposal
    match_row.get_by_role("link", name=either("Move", part=True)).click()
    expect(boss.get_by_role("heading", level=1)).to_have_text(either("Move %(name)s", name=PUPIL))
    expect(boss.get_by_role("main")).to_contain_text(
        either("Now: %(mentor)s, score %(score)d.", mentor=MENTOR, score=score, part=True)
    )
    preview = boss.get_by_role("table", name=either("Other mentors and how the score would change"))
    other = preview.get_by_role("row").filter(has_text=OTHER_MENTOR)
    expect(other.get_by_role("cell").nth(2)).to_have_text(re.compile(r"^\s*-\d+\s*$"))
    assert_accessible(boss)
    boss.get_by_role("link", name=either("Cancel")).click()
    expect(boss).to_have_url(path_is("/matching/"))

    # and confirms every proposal
    boss.get_by_role("button", name=either("Confirm all proposed matches")).click()
    expect(boss.get_by_role("status")).to_have_text(
        either("The matches are confirmed and everyone affected has been notified.")
    )
    expect(match_row).to_contain_text(either("Confirmed", part=True))
    expect(boss.get_by_role("button", name=either("Confirm all proposed matches"))).to_have_count(0)
    assert_accessible(boss)

    # the pupil opens the invitation from the approval in a browser of their own
    invitations = [m for m in outbox() if m.recipient == PUPIL_EMAIL and "/invitations/" in m.body]
    assert len(invitations) == 1, [(m.recipient, m.subject) for m in outbox()]
    pupil = new_page()
    pupil.goto(link_in(invitations[0].body))
    expect(pupil.get_by_role("heading", level=1)).to_have_text(either("Create your account"))
    expect(pupil.get_by_role("main")).to_contain_text(PUPIL_EMAIL)
    expect(pupil.get_by_label(either("Your name"))).to_have_value(PUPIL)
    assert_accessible(pupil)
    pupil.get_by_label(either("New password")).fill(PUPIL_PASSWORD)
    pupil.get_by_label(either("Repeat the password")).fill(PUPIL_PASSWORD)
    pupil.get_by_role("button", name=either("Create account")).click()

    # and lands on the start page, which names the mentor and when they meet
    expect(pupil).to_have_url(path_is("/"))
    expect(pupil.get_by_role("status")).to_have_text(
        either("Welcome to MentorHub, %(name)s!", name=PUPIL)
    )
    mentor_card = pupil.get_by_role("region", name=either("Your knowledge mentor"))
    yours = either(
        "Your knowledge mentor is %(mentor)s (%(area)s).", mentor=MENTOR, area=area, part=True
    )
    expect(mentor_card).to_contain_text(yours)
    expect(mentor_card).to_contain_text(you_meet(say))
    assert_accessible(pupil)

    # the notifications page lists the new mentor
    go_to(pupil, either, "Notifications")
    expect(pupil.get_by_role("heading", level=1)).to_have_text(either("Notifications"))
    expect(
        pupil.get_by_role("main").get_by_role("listitem").filter(has_text=MENTOR)
    ).to_contain_text(yours)
    assert_accessible(pupil)

    # the home teacher's start page shows the pupil with the mentor
    go_to(page, either, "Start")
    expect(page.get_by_role("region", name=either("Your pupils in the programme"))).to_contain_text(
        either("knowledge mentor %(mentor)s", mentor=MENTOR, part=True)
    )
    assert_accessible(page)
