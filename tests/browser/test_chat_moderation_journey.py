"""The chat on a school's first day: reporting and hiding messages, a phone, the keyboard, a
signed-out tab, mentions, Markdown in goal comments and the image picker. Each in real
Chromium, following the links a user clicks; axe on every page visited."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from mentorhub import markup
from mentorhub.chat.models import Message
from mentorhub.extensions import db
from mentorhub.goals.models import Goal, GoalEvent
from mentorhub.rooms.models import Room
from tests.browser.keyboard import focused, is_focused, tab_to
from tests.browser.test_chat_journey import items, path_is, send
from tests.conftest import assert_accessible, browser_login

pytestmark = pytest.mark.browser


def seed(app, room, author, bodies: list[str]) -> None:
    """Messages already in the room before anyone opens it."""
    with app.app_context():
        stored = db.session.get(Room, room["id"])
        for body in bodies:
            stored.last_seq += 1
            db.session.add(
                Message(
                    room_id=stored.id,
                    seq=stored.last_seq,
                    author_id=author.id,
                    client_id=f"seed-{stored.last_seq:06d}",
                    body=body,
                    html=markup.render(body),
                )
            )
        db.session.commit()


def enter_room(page, user, either) -> None:
    """Sign in, follow the menu to the rooms and the room; wait until the chat has joined."""
    browser_login(page, user.email)
    expect(page).to_have_url(path_is("/"))
    if page.viewport_size["width"] <= 640:  # a phone: the menu is behind its button
        page.get_by_role("button", name=either("Menu")).click()
    page.get_by_role("navigation", name=either("Main menu")).get_by_role(
        "link", name=either("Rooms")
    ).click()
    page.get_by_role("link", name="Talteori").click()
    expect(page.locator("#presence")).to_contain_text(user.name)


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


# --- 8. report, hide, dismiss -------------------------------------------------------------------


def test_a_pupil_reports_and_the_mentor_hides_one_report_and_dismisses_another(
    app, room, new_page, either, live_socketio
):
    seed(app, room, room["noah"], ["Du är dum i huvudet", "Det där var fel svar"])
    pupil, mentor = new_page(), new_page()
    enter_room(pupil, room["alva"], either)

    # the pupil reports a message: a dialog asks why, and "yes" confirms
    for text, reason in (("dum i huvudet", "Han är elak mot mig"), ("fel svar", "Osäker")):
        items(pupil, text).get_by_role("button", name=either("Report", part=True)).click()
        dialog = pupil.get_by_role("dialog", name=either("Report the message"))
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text(text)
        if reason == "Osäker":
            assert_accessible(pupil)
        dialog.get_by_label(either("Why do you report it?")).fill(reason)
        dialog.get_by_role("button", name=either("Yes, report it")).click()
        expect(dialog).to_be_hidden()
        # thanked in a status message, not in the red alert
        expect(
            pupil.get_by_role("status").filter(
                has_text=either(
                    "Thank you. The mentor has been told and will look at the message.", part=True
                )
            )
        ).to_be_visible()
        expect(pupil.locator("#chat-alert")).to_have_text("")
    assert_accessible(pupil)

    # the mentor follows the link with the count to the list
    enter_room(mentor, room["mentor"], either)
    mentor.get_by_role("link", name=either("Reported messages (%(n)d open)", n=2)).click()
    expect(mentor.get_by_role("heading", level=1)).to_have_text(either("Reported messages"))
    assert_accessible(mentor)
    first = mentor.locator(".report").filter(has_text="dum i huvudet")
    expect(first).to_contain_text(room["alva"].name)
    expect(first).to_contain_text("Han är elak mot mig")

    # hides it, with a reason; the pupil's open page shows it hidden at once
    first.get_by_label(either("Why is the message hidden?")).fill("Kränkande")
    first.get_by_role("button", name=either("Hide the message")).click()
    expect(
        mentor.get_by_role("status").filter(has_text=either("The message is hidden."))
    ).to_be_visible()
    expect(items(pupil, "dum i huvudet")).to_have_count(0)
    expect(pupil.locator("#messages > li.hidden-message")).to_have_text(
        re.compile(either("Hidden by the mentor", part=True).pattern)
    )
    handled = mentor.locator(".report-handled")
    expect(handled).to_contain_text(either("Reason: %(reason)s", reason="Kränkande", part=True))

    # dismisses the other: the message stays
    mentor.locator(".report").filter(has_text="fel svar").get_by_role(
        "button", name=either("Dismiss the report")
    ).click()
    expect(mentor.get_by_text(either("No reports are waiting."))).to_be_visible()
    assert_accessible(mentor)
    expect(items(pupil, "fel svar")).to_have_count(1)
    mentor.get_by_role("link", name=either("Back to %(room)s", room="Talteori")).click()
    expect(
        mentor.get_by_role("link", name=either("Reported messages (%(n)d open)", n=0))
    ).to_be_visible()


# --- 10. a phone --------------------------------------------------------------------------------


def test_on_a_phone_the_room_opens_on_the_chat_with_the_box_in_view(
    app, room, phone_page, either, live_socketio
):
    seed(app, room, room["noah"], [f"Meddelande nummer {n}" for n in range(1, 41)])
    enter_room(phone_page, room["alva"], either)
    box = phone_page.get_by_label(either("Message"))
    log = phone_page.locator("#messages-log")
    expect(items(phone_page)).to_have_count(40)

    # the message box is on screen, the newest message just above it
    assert in_viewport(phone_page, box), box.bounding_box()
    assert in_viewport(phone_page, items(phone_page, "nummer 40"))

    # the presence line says what it is and sits above the log, not over it
    presence = phone_page.locator("#presence")
    expect(presence).to_have_text(either("Here now: %(names)s", names=room["alva"].name))
    assert (
        presence.bounding_box()["y"] + presence.bounding_box()["height"] <= log.bounding_box()["y"]
    )

    # scrolling back through the log leaves the box where it is
    page_scroll = phone_page.evaluate("window.scrollY")
    log.evaluate("el => el.scrollTo(0, 0)")  # as a finger swiping down the log would
    expect(items(phone_page).first).to_be_in_viewport()
    expect(items(phone_page, "nummer 40")).not_to_be_in_viewport()
    assert phone_page.evaluate("window.scrollY") == page_scroll
    assert in_viewport(phone_page, box), box.bounding_box()

    # meetings and problems are a link away
    nav = phone_page.get_by_role("navigation", name=either("In the room"))
    expect(nav.get_by_role("link", name=either("Meetings"))).to_be_in_viewport()
    assert_accessible(phone_page)


# --- 11. the keyboard ---------------------------------------------------------------------------


def test_the_message_box_is_a_few_tab_presses_away_and_message_actions_work_by_keyboard(
    app, room, page, either, live_socketio
):
    seed(app, room, room["noah"], [f"Inlägg {n}" for n in range(1, 31)])
    enter_room(page, room["alva"], either)
    expect(items(page)).to_have_count(30)
    box = page.get_by_label(either("Message"))

    # from the top of the page: the skip link, then into the room
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name=either("Skip to content"))).to_be_focused()
    page.keyboard.press("Enter")
    presses = 0
    while not is_focused(box) and presses < 20:
        page.keyboard.press("Tab")
        presses += 1
    assert is_focused(box), focused(page)
    assert presses <= 8, f"{presses} Tab presses from the start of the room to the box"

    # back into the log: the newest message and its button; arrows move to older ones
    page.keyboard.press("Shift+Tab")
    expect(items(page, "Inlägg 30").get_by_role("button")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(items(page, "Inlägg 30")).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(items(page, "Inlägg 28")).to_be_focused()
    page.keyboard.press("Tab")
    report = items(page, "Inlägg 28").get_by_role("button", name=either("Report", part=True))
    expect(report).to_be_focused()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name=either("Report the message"))
    expect(dialog.get_by_label(either("Why do you report it?"))).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(report).to_be_focused()
    # one Tab from the message leaves the log for the box
    tab_to(page, box, limit=2)
    assert_accessible(page)


# --- 12. signed out in another tab --------------------------------------------------------------


def test_after_signing_out_in_another_tab_the_chat_says_so_and_offers_to_sign_in(
    app, room, new_page, either, live_socketio
):
    chat = new_page()
    enter_room(chat, room["alva"], either)
    other = chat.context.new_page()
    other.goto("/")
    other.get_by_role("button", name=either("Sign out")).click()
    expect(other.get_by_role("button", name=either("Sign in"))).to_be_visible()

    # the chat tab's connection comes back and is refused: it says why, with a way back in
    chat.context.set_offline(True)
    expect(chat.locator("#chat-alert")).not_to_have_text("")
    chat.context.set_offline(False)
    alert = chat.locator("#chat-alert")
    expect(alert).to_contain_text(either("You have been signed out.", part=True), timeout=20_000)
    assert_accessible(chat)
    alert.get_by_role("link", name=either("Sign in again")).click()
    expect(chat).to_have_url(re.compile(r"/login\?next=%2Frooms%2F\d+|/login\?next=/rooms/\d+"))
    chat.get_by_label(re.compile("E-post|Email")).fill(room["alva"].email)
    chat.get_by_label(re.compile("Lösenord|Password")).fill("correct-horse-battery")
    chat.get_by_role("button", name=re.compile("Logga in|Sign in")).click()
    expect(chat).to_have_url(path_is(f"/rooms/{room['id']}"))
    expect(chat.locator("#presence")).to_contain_text(room["alva"].name)


# --- 13. mentions, goal comments, the image picker ----------------------------------------------


def test_a_mention_is_marked_for_the_person_named(app, room, new_page, either, live_socketio):
    mentor, pupil = new_page(), new_page()
    enter_room(mentor, room["mentor"], either)
    enter_room(pupil, room["alva"], either)
    send(mentor, either, "@Alva titta på uppgift 3")
    mention = items(pupil, "uppgift 3").locator(".mention")
    expect(mention).to_have_text("@Alva")
    expect(mention).to_have_class(re.compile(r"\bmentions-me\b"))
    expect(items(pupil, "uppgift 3")).to_contain_text(either("Mentions you", part=True))
    # for the author it is a mention, not of them
    expect(items(mentor, "uppgift 3").locator(".mention")).not_to_have_class(
        re.compile(r"\bmentions-me\b")
    )
    assert_accessible(pupil)


def test_the_image_picker_has_the_apps_own_label_and_shows_the_chosen_file(
    app, room, page, either, live_socketio
):
    enter_room(page, room["alva"], either)
    picker = page.locator("label[for=image]")
    expect(picker).to_have_text(either("Choose an image"))
    expect(picker).to_be_visible()
    page.get_by_label(either("Choose an image")).set_input_files(
        {"name": "figur.png", "mimeType": "image/png", "buffer": b"\x89PNG"}
    )
    expect(page.locator("#image-name")).to_have_text("figur.png")
    assert_accessible(page)


def test_a_goal_comment_in_markdown_shows_bold(app, room, page, either):
    with app.app_context():
        goal = Goal(pupil_id=room["alva"].id, created_by_id=room["mentor"].id, title="Planera")
        db.session.add(goal)
        db.session.flush()
        db.session.add(GoalEvent(goal_id=goal.id, kind="created", author_id=room["mentor"].id))
        db.session.commit()
    browser_login(page, room["alva"].email)
    page.get_by_role("link", name=either("My goals")).first.click()
    page.get_by_role("link", name="Planera").first.click()
    page.get_by_label(either("Comment")).fill("Det här är **fet** text")
    page.get_by_role("button", name=either("Send the comment")).click()
    comment = page.locator(".goal-comment")
    expect(comment.locator("strong")).to_have_text("fet")
    expect(comment).not_to_contain_text("**")
    assert_accessible(page)
    with app.app_context():
        assert db.session.scalar(sa.select(GoalEvent.body).where(GoalEvent.kind == "comment")) == (
            "Det här är **fet** text"
        )


# --- 5. a message over the limit ----------------------------------------------------------------


def test_a_message_over_the_limit_stays_in_the_box_with_the_reason(
    app, room, page, either, live_socketio
):
    from mentorhub.chat.services import MAX_LENGTH

    enter_room(page, room["alva"], either)
    box = page.get_by_label(either("Message"))
    counter = page.locator("#body-count")

    # near the limit the box says how much is left; over it, how much too much
    box.fill("x" * (MAX_LENGTH - 10))
    expect(counter).to_have_text(either("%(n)s characters left", n=10))
    text = "y" * (MAX_LENGTH + 5)
    box.fill(text)
    expect(counter).to_have_text(either("%(n)s characters too many", n=5))

    # sending is refused before anything goes out: the text stays, the reason is given
    box.press("Enter")
    expect(page.locator("#chat-alert")).to_have_text(
        either("The message is too long (at most %(n)d characters).", n=MAX_LENGTH)
    )
    expect(box).to_have_value(text)
    expect(items(page)).to_have_count(0)
    expect(page.get_by_role("button", name=either("Try again"))).to_have_count(0)
    assert_accessible(page)


def test_the_mentor_hides_a_message_from_the_room_with_a_reason_in_a_dialog(
    app, room, new_page, either, live_socketio
):
    seed(app, room, room["noah"], ["Något som inte hör hit"])
    mentor, pupil = new_page(), new_page()
    enter_room(mentor, room["mentor"], either)
    enter_room(pupil, room["alva"], either)
    items(mentor, "inte hör hit").get_by_role("button", name=either("Hide", part=True)).click()
    dialog = mentor.get_by_role("dialog", name=either("Hide the message"))
    # without a reason it is refused in the dialog, which stays open
    dialog.get_by_role("button", name=either("Hide the message")).click()
    expect(dialog).to_be_visible()
    dialog.get_by_label(either("Why is the message hidden?")).fill("Hör inte till uppgiften")
    assert_accessible(mentor)
    dialog.get_by_role("button", name=either("Hide the message")).click()
    expect(dialog).to_be_hidden()
    expect(mentor.locator("#chat-status")).to_have_text(either("The message is hidden."))
    for page in (mentor, pupil):
        expect(page.locator("#messages > li.hidden-message .message-body")).to_have_text(
            either("Hidden by the mentor")
        )
