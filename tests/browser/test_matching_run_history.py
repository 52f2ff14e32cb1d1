"""The runs kept, seen by the coordinator (issue 16): she runs matching from the matching page,
follows "Körningar" to the term's runs and reads the run's figures; after a second mentor
has stated an offer she runs it again, ticks the two runs and compares them side by side.
Both pages are checked with axe. The inline backend runs the job right after the request's
commit, as the pilot does."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login
from tests.integration import test_matching as given

pytestmark = pytest.mark.browser

approved, offer = given.approved, given.offer  # pupils approved and a mentor's offer

DONE = "Matchningen har körts. Granska förslaget och bekräfta det."


def _run_matching(page) -> None:
    page.get_by_role("button", name="Kör matchningen").click()
    expect(page.get_by_role("status")).to_have_text(DONE)


def test_the_coordinator_reads_a_runs_figures_and_compares_two_runs(
    app, approved, offer, coordinator, page
):
    # given three approved pupils and a mentor with two places
    offer(capacity=2)
    # when the coordinator signs in, goes to the matching page from the menu and runs matching
    browser_login(page, coordinator.email)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Matchning").click()
    _run_matching(page)
    # and follows "Körningar"
    page.get_by_role("link", name="Körningar").click()
    # then the run is listed with who ran it, its outcome and its figures
    expect(page.get_by_role("heading", level=1)).to_contain_text("Körningar")
    table = page.get_by_role("table", name="Terminens körningar, den senaste först")
    rows = table.get_by_role("row")
    expect(rows).to_have_count(2)  # the header and the run
    run = rows.nth(1)
    for text in (coordinator.name, "Klar", "Optimal"):
        expect(run).to_contain_text(text)
    cells = run.get_by_role("cell")
    # a run of the whole term; pupils considered, offers, places, areas, assigned, without one
    expect(cells.nth(1)).to_have_text("Hela terminen")
    expect(cells.nth(4)).to_have_text("3")
    expect(cells.nth(5)).to_have_text("1")
    expect(cells.nth(6)).to_have_text("2")
    expect(cells.nth(8)).to_have_text("2")
    expect(cells.nth(9)).to_have_text("1")
    assert_accessible(page)

    # given a second mentor's offer
    offer(name="Erik Sandberg", capacity=2)
    # when she goes back, runs matching again and returns to the runs
    page.get_by_role("link", name="Tillbaka till matchningen").click()
    _run_matching(page)
    page.get_by_role("link", name="Körningar").click()
    # then both runs are listed, and she ticks them and compares
    expect(table.get_by_role("row")).to_have_count(3)
    checkboxes = table.get_by_role("checkbox")
    expect(checkboxes).to_have_count(2)
    checkboxes.nth(0).check()
    checkboxes.nth(1).check()
    page.get_by_role("button", name="Jämför de valda körningarna").click()
    # then the two runs' figures stand side by side, the earlier first, with the differences
    expect(page.get_by_role("heading", level=1)).to_have_text("Jämför körningar")
    compared = page.get_by_role("table")
    assigned = compared.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Elever med mentor")
    )
    expect(assigned.get_by_role("cell")).to_have_text(["2", "3", "+1"])
    offers = compared.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Mentorer med erbjudande")
    )
    expect(offers.get_by_role("cell")).to_have_text(["1", "2", "+1"])
    # and how many pupils' mentor changed, counts only
    expect(page.get_by_role("main")).to_contain_text("har en annan mentor i den senare körningen")
    expect(page.get_by_role("main")).to_contain_text(
        "1 elev fick mentor bara i den senare körningen"
    )
    assert_accessible(page)
