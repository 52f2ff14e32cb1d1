"""Staff leaving: the coordinator deactivates a mentor who still has a room and pupils. The
staff list's button leads to a page that says so, and on to the hand-over page, where the
coordinator picks the successor by keyboard and hands over. Every page passes axe."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from mentorhub.accounts.models import Role, User
from mentorhub.extensions import db
from mentorhub.rooms.models import Room
from tests.browser.keyboard import activate, is_focused, tab_to
from tests.conftest import assert_accessible, browser_login

pytestmark = pytest.mark.browser


def path_is(path: str) -> re.Pattern:
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


@pytest.mark.parametrize("locale", ["sv"])
def test_coordinator_hands_a_mentor_over_by_keyboard(
    app, page, room, coordinator, make_user, in_locale, say, locale
):
    t = in_locale(locale)
    anna = room["mentor"]
    bengt = make_user(Role.MENTOR, name="Bengt Successor")

    browser_login(page, coordinator.email)
    expect(page).to_have_url(path_is("/"))
    page.goto("/programme/staff")
    assert_accessible(page)

    # the staff list's deactivate button: a page says Anna still holds work, and links on
    button = re.compile(rf"^{re.escape(say('Deactivate', locale))}\s+{re.escape(anna.name)}$")
    activate(page, page.get_by_role("button", name=button))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Hand over before deactivating %(name)s", name=anna.name)
    )
    assert_accessible(page)
    activate(page, page.get_by_role("link", name=t("Choose who takes over")))

    # the hand-over page: what moves, by name, and a labelled select of successors
    expect(page).to_have_url(path_is(f"/programme/staff/{anna.id}/hand-over"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Hand over and deactivate %(name)s", name=anna.name)
    )
    main = page.get_by_role("main")
    for name in ("Talteori", "Alva Lindgren", "Noah Berg"):
        expect(main).to_contain_text(name)
    assert_accessible(page)

    select = page.get_by_label(t("Who takes over"))
    tab_to(page, select)
    assert is_focused(select)
    page.keyboard.type("Bengt")  # the select's own type-ahead, no mouse
    expect(select).to_have_value(str(bengt.id))
    activate(page, page.get_by_role("button", name=t("Hand over and deactivate")))

    expect(page).to_have_url(path_is("/programme/staff"))
    expect(page.get_by_role("status")).to_have_text(
        t("%(name)s has been deactivated; everything they held is handed over.", name=anna.name)
    )
    row = page.get_by_role("table", name=t("Staff")).locator("tbody tr").filter(has_text=anna.name)
    expect(row).to_contain_text(t("Deactivated", part=True))
    assert_accessible(page)

    with app.app_context():
        assert db.session.get(User, anna.id).active is False
        assert db.session.scalar(sa.select(Room.mentor_id).where(Room.id == room["id"])) == bengt.id
