"""A matching run on RQ, seen by the coordinator (issue 15): the page answers at once with a
progress bar in a live region, keeps it when she leaves and comes back (the state is in the
database), and shows the proposal once a worker has run the job, without her reloading.

Real Redis with a queue of this test's own, a real RQ worker in this process, the app served
to Chromium; the page is checked with axe while the run waits and when it is done.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login
from tests.integration import test_jobs
from tests.integration import test_matching as given

pytestmark = pytest.mark.browser

approved, offer = given.approved, given.offer  # pupils approved and a mentor's offer
rq_mode, marker = test_jobs.rq_mode, test_jobs.marker  # jobs on a queue of the test's own


def test_the_coordinator_follows_a_run_and_sees_the_proposal_when_it_is_done(
    app, approved, offer, coordinator, rq_mode, page
):
    # given a mentor's offer, and the coordinator on the matching page
    offer()
    browser_login(page, coordinator.email)
    page.goto("/matching/")
    # when she starts matching
    page.get_by_role("button", name="Kör matchningen").click()
    # then the page answers at once with the run waiting, in a live region with a progress bar
    status = page.get_by_role("status")
    expect(status).to_contain_text("Väntar på att starta")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(page.locator("progress")).to_be_visible()
    expect(page.get_by_role("button", name="Kör matchningen")).to_have_count(0)
    assert_accessible(page)
    # and when she leaves and comes back, the run is still shown
    page.goto("/")
    page.goto("/matching/")
    expect(page.get_by_role("status")).to_contain_text("Väntar på att starta")
    # when a worker runs the job
    test_jobs.work(app)
    # then the page, polling, shows the outcome and the proposal without her reloading
    expect(page.get_by_role("status")).to_have_text(
        "Matchningen har körts. Granska förslaget och bekräfta det."
    )
    expect(page).to_have_url(re.compile(r"/matching/\?run=\d+$"))
    expect(page.locator("progress")).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("Alva")
    assert_accessible(page)
