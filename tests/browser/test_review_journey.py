"""Journey 8, the progress review: a special-needs educator opens the review list, filters it by
a flag, opens the pupil's page, acknowledges a flag with a note, and prints the summary (checked
as print media: no menu, the content there); the pupil opens their own progress page. Every page
is checked with axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mentorhub.extensions import db
from mentorhub.goals.models import BuildUpSummary
from mentorhub.pupils.models import PupilProfile
from tests.conftest import assert_accessible, browser_login
from tests.integration import progress_data as data

pytestmark = pytest.mark.browser

ACTIVITY_CHART = (
    "Activity per week this term: messages, attempts and check-ins. "
    "The numbers are in the table below."
)
NOTE = "Pratat med Alva och mentorn. Följer upp på fredag."


@pytest.fixture
def alva_struggles(app, care_team, programme):
    alva, noah, room_id = care_team["alva"].id, care_team["noah"].id, care_team["id"]
    area = programme["areas"][0]
    with app.app_context():
        db.session.add(PupilProfile(user_id=alva, year=9, class_name="9A", profile="gifted"))
        ids = data.meetings(room_id, 4)
        data.attendance(ids, alva, ["present", "absent", "absent", "absent"])
        data.attendance(ids, noah, ["present", "present", "late", "present"])
        data.message(room_id, alva, 3)
        data.goal(alva, "Planera veckan", 30, [(20, 3)])
        data.level_change(alva, area, 4, 3, 40)
        data.level_change(alva, area, 3, 2, 6)
        post = data.problem_post(room_id, care_team["mentor"].id, area, alva, 3)
        data.attempt(post, alva, 3, "solved", 5)
        db.session.add(
            BuildUpSummary(
                pupil_id=alva,
                mentor_id=care_team["mentor"].id,
                body="Skriva fullständiga lösningar inför gymnasiet.",
            )
        )
        data.concern(alva, "Verkar stressad inför proven")
        db.session.commit()
    return care_team


def test_special_educator_reviews_acknowledges_and_prints(
    app, alva_struggles, new_page, either, say
):
    team = alva_struggles
    level_text = say("Level lowered %(count)d times in the last 12 months", count=2)

    # the special-needs educator opens the review list: her pupil, with the flags and why
    staff = new_page()
    browser_login(staff, team["special_educator"].email)
    staff.goto("/progress/review")
    expect(staff.get_by_role("heading", level=1)).to_have_text(either("Progress review"))
    table = staff.get_by_role("table")
    expect(table).to_contain_text("Alva Lindgren")
    expect(table).to_contain_text(level_text)
    assert_accessible(staff)

    # ... filters by a flag type (a plain GET form) and sorts by the number of flags
    staff.get_by_label(either("Show")).select_option("level_down")
    staff.get_by_role("button", name=either("Filter")).click()
    expect(staff).to_have_url(re.compile(r"flag=level_down"))
    expect(staff.get_by_role("row")).to_have_count(2)  # the header and Alva
    staff.get_by_role("link", name=either("Flags")).click()
    expect(staff.locator('th[aria-sort="ascending"]')).to_contain_text(either("Flags", part=True))
    assert_accessible(staff)

    # ... opens Alva's page: flags, charts with text alternatives, concerns
    staff.get_by_role("link", name="Alva Lindgren", exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Alva Lindgren")
    expect(
        staff.get_by_role(
            "img",
            name=either(ACTIVITY_CHART),
        )
    ).to_be_visible()
    expect(staff.locator("#concerns")).to_contain_text("Verkar stressad")
    assert_accessible(staff)

    # ... acknowledges the level flag with a note: it stays, with her name and the note
    flag = staff.locator("#flags li.flag").filter(has_text=level_text)
    flag.get_by_text(either("Acknowledge with a note")).click()
    flag.get_by_label(either("Note")).fill(NOTE)
    assert_accessible(staff)
    flag.get_by_role("button", name=either("Acknowledge")).click()
    flag = staff.locator("#flags li.flag").filter(has_text=level_text)
    expect(flag).to_contain_text(NOTE)
    expect(flag).to_contain_text("Helena Olsson")
    assert_accessible(staff)

    # ... opens the printable summary and checks it as print media
    staff.get_by_role("link", name=either("Printable summary")).click()
    expect(staff.get_by_role("button", name=either("Print"))).to_be_visible()
    assert_accessible(staff)
    staff.emulate_media(media="print")
    expect(staff.locator("#site-nav")).to_be_hidden()
    expect(staff.locator(".site-header")).to_be_hidden()
    expect(staff.get_by_role("button", name=either("Print"))).to_be_hidden()
    expect(staff.get_by_role("heading", level=1)).to_be_visible()
    expect(staff.locator("main")).to_contain_text("Planera veckan")
    expect(staff.locator("main")).to_contain_text("Skriva fullständiga lösningar inför gymnasiet.")
    expect(staff.locator("main")).not_to_contain_text("Verkar stressad")
    assert_accessible(staff)

    # the pupil opens her own progress page: encouraging words, no flags, no concerns
    pupil = new_page()
    browser_login(pupil, team["alva"].email)
    pupil.goto("/progress/mine")
    expect(pupil.get_by_role("heading", level=1)).to_have_text(either("My progress"))
    expect(pupil.locator("main")).to_contain_text(
        say(
            "You have solved %(num)d problem – %(top)d of them at level %(level)d!",
            plural="You have solved %(num)d problems – %(top)d of them at level %(level)d!",
            num=1,
            top=1,
            level=3,
        )
    )
    expect(pupil.locator("main")).not_to_contain_text(level_text)
    expect(pupil.locator("main")).not_to_contain_text("Verkar stressad")
    assert_accessible(pupil)
