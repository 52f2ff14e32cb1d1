"""The "why not?" page seen by the coordinator (issue 16): from the matching page, a pupil
left without a mentor, and for each mentor with an offer the rule that stopped them, in plain
Swedish; the page is checked with axe."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from mentorhub.accounts.models import User
from mentorhub.extensions import db
from mentorhub.matching.models import MatchingRun
from tests.conftest import assert_accessible, browser_login
from tests.integration import test_matching as given

pytestmark = pytest.mark.browser

approved, offer = given.approved, given.offer  # pupils approved and a mentor's offer


def test_the_coordinator_sees_why_no_mentor_could_take_an_unassigned_pupil(
    app, approved, offer, coordinator, programme, page
):
    # given three pupils at level 4, a mentor with two places, and a mentor for levels 1–2
    offer(capacity=2)
    offer(name="Erik Sandberg", levels=(1, 2))
    given._run(app, coordinator, programme)
    with app.app_context():
        (left,) = db.session.scalars(sa.select(MatchingRun)).one().unassigned
        name = db.session.get(User, left["pupil_id"]).name
    # when the coordinator signs in and goes to the matching page from the menu
    browser_login(page, coordinator.email)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Matchning").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Matchning")
    # and follows "Varför inte?" beside the pupil without a mentor
    waiting = page.get_by_role("listitem").filter(has_text=name)
    expect(waiting).to_contain_text("inga lediga platser")
    waiting.get_by_role("link", name=f"Varför inte? {name}").click()
    # then each mentor who could not take the pupil is shown with the rule that stopped them
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Varför inte? {name}")
    table = page.get_by_role(
        "table", name=f"Mentorer som inte kan ta emot {name}, och regeln som hindrar var och en"
    )
    expect(table.get_by_role("row").filter(has_text="Anna Bergström")).to_contain_text(
        "Alla platser är tagna (2 av 2)."
    )
    expect(table.get_by_role("row").filter(has_text="Erik Sandberg")).to_contain_text(
        "Elevens nivå (4) ligger utanför mentorns spann 1–2."
    )
    expect(page.get_by_role("main")).to_contain_text("Ingen mentor kan ta emot eleven nu.")
    assert_accessible(page)
