"""Every route of the app × every relationship to the world's pupil, with the answer each gets.

The rows (`rows_*.py`) name a route as it is asked for (method and address, built from the
objects of `world.py`) and who gets OK on it; the columns (`columns.py`) are the people around
the pupil and the people who are not. OK is 200/302, or 400/422 for the empty form every POST
sends (access granted, input refused); refused is 403/404 when signed in, the sign-in page when
not. Never a 500.

A new route without a row fails `test_every_route_has_a_row`, so access is decided on purpose
for each one, never by accident; a row nobody gets OK on must say why, so a route that refuses
everyone cannot pass for one whose owner path works. The lists (`rows_lists.py`) link to an
object exactly for the columns its page opens for.

Run on PostgreSQL too: `TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres`.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException

from tests.security import columns as c
from tests.security.columns import OK, OK_STATUSES, REFUSED, Row
from tests.security.rows_accounts import ROWS as ACCOUNT_ROWS
from tests.security.rows_concerns import ROWS as CONCERN_ROWS
from tests.security.rows_goals import ROWS as GOAL_ROWS
from tests.security.rows_lists import LISTS
from tests.security.rows_meetings import ROWS as MEETING_ROWS
from tests.security.rows_nominations import ROWS as NOMINATION_ROWS
from tests.security.rows_privacy import ROWS as PRIVACY_ROWS
from tests.security.rows_problems import ROWS as PROBLEM_ROWS
from tests.security.rows_programme import ROWS as PROGRAMME_ROWS
from tests.security.rows_review import ROWS as REVIEW_ROWS
from tests.security.rows_rooms import ROWS as ROOM_ROWS
from tests.security.world import (  # the fixtures are registered by being imported
    World,
    isolated_fixture,  # noqa: F401
    rolled_back,
    sign_in,
    world_fixture,  # noqa: F401
)

ROWS: list[Row] = [
    *ACCOUNT_ROWS,
    *PROGRAMME_ROWS,
    *PRIVACY_ROWS,
    *NOMINATION_ROWS,
    *ROOM_ROWS,
    *PROBLEM_ROWS,
    *MEETING_ROWS,
    *GOAL_ROWS,
    *REVIEW_ROWS,
    *CONCERN_ROWS,
]
SIGN_IN_PAGE = "sign-in page"


@pytest.fixture(autouse=True)
def _clean_state() -> Iterator[None]:
    """Replaces the suite's per-test emptying of every table: the world is built once for this
    module (`world`) and each test is rolled back (`isolated`) instead."""
    yield


# (rule, method) → why no row opens it for anyone (a feature that is switched off): none today
CLOSED_ROUTES: dict[tuple[str, str], str] = {}


def _rules_asked_for(app: Flask, world: World) -> dict[tuple[str, str], list[Row]]:
    """(rule, method) → the rows that ask for it, by matching each row's address."""
    adapter = app.url_map.bind("localhost")
    found: dict[tuple[str, str], list[Row]] = {}
    for entry in ROWS:
        path = urlsplit(world.url(entry.url)).path
        try:
            rule, _args = adapter.match(path, method=entry.method, return_rule=True)
        except HTTPException:
            pytest.fail(f"a row for an address no route answers: {entry.label}")
        found.setdefault((rule.rule, entry.method), []).append(entry)
    return found


def test_every_route_has_a_row(app, world):
    routes = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    asked = _rules_asked_for(app, world)
    missing = routes - asked.keys()
    assert not missing, f"routes without a row in the authorisation matrix: {sorted(missing)}"
    # and every route works for someone: a row that refuses everyone is an extra, not the only
    closed = {
        route
        for route, entries in asked.items()
        if not any(entry.grants(column) for entry in entries for column in c.NAMES)
    }
    assert closed == CLOSED_ROUTES.keys(), f"routes no row opens for anyone: {sorted(closed)}"


def test_rows_are_unique_and_those_nobody_may_use_say_why():
    labels = [entry.label for entry in ROWS]
    assert len(labels) == len(set(labels)), "a row is there twice"
    unexplained = [
        entry.label
        for entry in ROWS
        if not any(entry.grants(column) for column in c.NAMES) and not entry.why
    ]
    assert not unexplained, f"rows refused to everyone without a reason: {unexplained}"


def test_every_role_has_a_column():
    from mentorhub.accounts.models import Role

    assert {column.role for column in c.COLUMNS.values()} == {None, *Role}


def test_what_one_test_changes_is_gone_for_the_next(app, world):
    # given the pupil signs out everywhere inside one rolled-back test
    with rolled_back(app):
        first = app.test_client()
        sign_in(first, world, c.PUPIL)
        assert first.post("/account/sessions/end", data={}).status_code == 302
        assert first.get("/").status_code == 302  # her sign-in has ended
    # then the next test finds her sign-in as the world made it
    with rolled_back(app):
        second = app.test_client()
        sign_in(second, world, c.PUPIL)
        assert second.get("/").status_code == 200


def _outcome(response, column: str) -> str | int:
    """What the answer means for the matrix: OK, refused, the sign-in page, or the status."""
    status = response.status_code
    if status == 302:
        target = urlsplit(response.headers["Location"])
        if target.path == "/login" and "next" in parse_qs(target.query):
            return SIGN_IN_PAGE  # Flask-Login's "sign in first"
    if status in OK_STATUSES:
        return OK
    if status in (403, 404):
        return REFUSED
    return status


def _expected(entry: Row, column: str) -> str | int:
    expected = entry.expected(column)
    if expected == REFUSED and c.signed_out(column):
        return SIGN_IN_PAGE
    return expected


CASES = [(entry, column) for entry in ROWS for column in c.NAMES]
IDS = [f"{entry.label} as {column} → {entry.expected(column)}" for entry, column in CASES]


@pytest.mark.parametrize(("entry", "column"), CASES, ids=IDS)
def test_each_column_gets_its_answer(
    isolated,
    client: FlaskClient,
    world: World,
    entry: Row,
    column: str,
):
    # given the column's person signed in (or nobody)
    sign_in(client, world, column)
    # when they ask for the address with an empty form
    response = client.open(world.url(entry.url), method=entry.method, data={})
    # then the answer is the one the row states for them
    expected = _expected(entry, column)
    got = response.status_code if isinstance(expected, int) else _outcome(response, column)
    assert got == expected, (
        f"{entry.label} as {column}: {response.status_code} "
        f"{response.headers.get('Location', '')} {response.get_data(as_text=True)[:300]}"
    )


# --- lists agree with the pages they link to -------------------------------------------------

_BY_LABEL = {entry.label: entry for entry in ROWS}
LIST_CASES = [
    (listing, link, page, column)
    for listing, link, page in LISTS
    for column in c.SIGNED_IN
    if _BY_LABEL[listing].grants(column)
]


def _list_id(case) -> str:
    listing, link, page, column = case
    shown = "shows" if _BY_LABEL[page].grants(column) else "hides"
    return f"{listing} as {column} {shown} {link}"


def test_every_list_names_rows_that_exist():
    for listing, _link, page in LISTS:
        assert listing in _BY_LABEL and page in _BY_LABEL, (listing, page)


@pytest.mark.parametrize(
    ("listing", "link", "page", "column"), LIST_CASES, ids=[_list_id(x) for x in LIST_CASES]
)
def test_a_list_links_to_a_page_exactly_for_those_it_opens_for(
    isolated, client: FlaskClient, world: World, listing, link, page, column
):
    # given the column's person signed in
    sign_in(client, world, column)
    # when they open the list (following the pupil's own redirect, if any)
    method, url = listing.split(" ", 1)
    response = client.open(world.url(url), method=method, follow_redirects=True)
    assert response.status_code == 200
    # then the link is there exactly when the linked page would open for them
    href = world.url(link)
    html = response.get_data(as_text=True)
    shown = any(
        f'{attribute}="{href}{end}' in html for attribute in ("href", "src") for end in '"#?'
    )
    assert shown is _BY_LABEL[page].grants(column), f"{href} in {listing} as {column}"
