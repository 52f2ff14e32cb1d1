"""Rematch seen by the coordinator (issue 16): a mentor has left mid-term; from the matching page
the coordinator follows "Matcha om", picks the mentor, sees exactly who would change, applies,
and finds the pupils with their new mentor on the matching page. Both pages checked with axe."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from mentorhub.extensions import db
from mentorhub.matching.models import MentorOffer
from tests.conftest import assert_accessible, browser_login
from tests.integration import test_matching_rematch as given

pytestmark = pytest.mark.browser

offer, pupil, confirmed = given.offer, given.pupil, given.confirmed


def test_the_coordinator_rematches_the_pupils_of_a_mentor_who_left(
    app, offer, pupil, confirmed, coordinator, programme, page
):
    # given Anna with Alva and Noah confirmed, Lina with Saga, and Erik with two free times
    anna = offer(capacity=2)
    offer(name="Erik Sandberg", capacity=3)
    lina = offer(name="Lina Ek", capacity=1)
    alva, noah, saga = pupil("Alva"), pupil("Noah"), pupil("Saga")
    confirmed(alva, anna)
    confirmed(noah, anna, "thu-3")
    confirmed(saga, lina)
    # and Anna has left: her offer for the term is withdrawn
    with app.app_context():
        db.session.execute(sa.delete(MentorOffer).where(MentorOffer.mentor_id == anna.id))
        db.session.commit()
    # when the coordinator signs in, goes to the matching page and follows "Matcha om"
    browser_login(page, coordinator.email)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Matchning").click()
    page.get_by_role("link", name="Matcha om").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Matcha om")
    assert_accessible(page)
    # and picks Anna's pupils, moves left off, and asks what would change
    expect(page.get_by_label("Tillåt att andra elever flyttas")).not_to_be_checked()
    page.get_by_label("Anna Bergström: 2 elever, inget erbjudande den här terminen").check()
    page.get_by_role("button", name="Visa vad som skulle ändras").click()
    # then the preview names Alva and Noah, from Anna to Erik, and nobody else
    table = page.get_by_role("table", name="Elever vars matchning skulle ändras")
    rows = table.get_by_role("row")
    expect(rows).to_have_count(3)  # the heading row and the two pupils
    for name in ("Alva", "Noah"):
        row = rows.filter(has_text=name)
        expect(row.get_by_role("cell").nth(0)).to_contain_text("Anna Bergström")
        expect(row.get_by_role("cell").nth(1)).to_contain_text("Erik Sandberg")
    expect(table).not_to_contain_text("Saga")
    assert_accessible(page)
    # when the coordinator applies it
    page.get_by_role("button", name="Genomför").click()
    # then the matching page says so and shows Alva and Noah with Erik, proposed; Saga stays
    expect(page.get_by_role("heading", level=1)).to_contain_text("Matchning")
    expect(page.get_by_role("main")).to_contain_text("Ommatchningen är genomförd: 2 matchningar")
    eriks = page.get_by_role("region", name="Erik Sandberg")
    for name in ("Alva", "Noah"):
        expect(eriks.get_by_role("row").filter(has_text=name)).to_have_count(1)
    linas = page.get_by_role("region", name="Lina Ek")
    expect(linas.get_by_role("row").filter(has_text="Saga")).to_contain_text("Bekräftad")
    expect(eriks.get_by_role("row").filter(has_text="Alva")).to_contain_text("Föreslagen")
    # and the runs list keeps the rematch, as a rematch, beside the term's runs
    page.get_by_role("link", name="Körningar").click()
    runs = page.get_by_role("table", name="Terminens körningar, den senaste först")
    expect(runs.get_by_role("row").nth(1)).to_contain_text("Ommatchning av några elever")
    assert_accessible(page)
