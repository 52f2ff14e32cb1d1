"""The coordinator adds a home teacher to a pupil's team and removes him again, on axe-clean
pages; the teacher sees the pupil's page only while he is in the team."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login

pytestmark = pytest.mark.browser


def test_the_coordinator_keeps_the_pupils_team(care_team, new_page, either):
    alva, olle = care_team["alva"], care_team["unlinked_teacher"]
    coordinator = new_page()
    browser_login(coordinator, care_team["coordinator"].email)
    coordinator.goto(f"/pupils/{alva.id}/team")
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(
        either("%(pupil)s's team", pupil="Alva Lindgren")
    )
    assert_accessible(coordinator)

    # adding without choosing anyone is refused at the field
    coordinator.get_by_role("button", name=either("Add to the team")).click()
    expect(coordinator.locator("#member-error")).to_have_text(either("Choose a person."))
    assert_accessible(coordinator)

    # she adds Olle as home teacher
    coordinator.get_by_label(either("Person to add")).select_option(f"{olle.id}:home_teacher")
    coordinator.get_by_role("button", name=either("Add to the team")).click()
    expect(coordinator.locator("body")).to_contain_text(
        either("The person has joined the pupil's team.", part=True)
    )
    assert_accessible(coordinator)

    teacher = new_page()
    browser_login(teacher, olle.email)
    response = teacher.goto(f"/progress/pupils/{alva.id}")
    assert response.status == 200

    # and removes him again
    coordinator.get_by_role("button", name=either("Remove %(name)s", name=olle.name)).click()
    assert_accessible(coordinator)  # the confirm page says what he loses
    coordinator.get_by_role("button", name=either("Yes, remove from the team")).click()
    expect(coordinator.locator("body")).to_contain_text(
        either("The person has left the pupil's team.", part=True)
    )
    assert teacher.goto(f"/progress/pupils/{alva.id}").status == 403
