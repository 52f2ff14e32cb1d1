"""Journey 5, chat: a mentor and a pupil talk in a task room, each in their own Chromium.

Live messages both ways (Markdown, KaTeX math), pending → sent, typing and presence; the pupil
goes offline, writes, and comes back without anything lost or shown twice; and the XSS corpus
travels the real path (socket → store → history → page → KaTeX) without running anything.
Every room page is checked with axe (WCAG 2.1 A/AA).
"""

from __future__ import annotations

import re
import time
import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from mentorhub.chat.models import Message
from mentorhub.extensions import db
from tests.conftest import assert_accessible, browser_login
from tests.unit.xss_corpus import XSS_CORPUS

pytestmark = pytest.mark.browser

QUESTION = "Är $x^2 \\geq 0$ alltid sant?"
ANSWER = "Ja, **alltid**: en kvadrat är aldrig negativ."
OFFLINE = ["Första meddelandet utan nät", "Andra meddelandet utan nät"]
MEANWHILE = "Mentorn skriver under tiden"

# Records every message item the page adds, so a pending state that lasts a few milliseconds
# is still seen.
WATCH_ADDED = """() => {
  window.__added = [];
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes)
      if (n.nodeType === 1) window.__added.push({pending: n.classList.contains("pending"),
                                                 text: n.textContent});
  }).observe(document.getElementById("messages"), {childList: true});
}"""

# Anything that would run script: elements, on* attributes, javascript:/data: URLs.
FIND_ACTIVE_CONTENT = """() => {
  const found = [];
  const root = document.getElementById("messages");
  const urlAttrs = ["href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"];
  for (const el of root.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    if (["script", "iframe", "object", "embed", "base", "meta", "link", "form", "img",
         "style", "template", "noscript", "input", "video", "source", "details"].includes(tag)) {
      found.push(`<${tag}>`);
    }
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) found.push(`<${tag} ${name}>`);
      const value = attr.value.replace(/[\\u0000-\\u0020\\u007f-\\u009f]/g, "").toLowerCase();
      if (urlAttrs.includes(name) && /^(javascript|vbscript|data):/.test(value)) {
        found.push(`<${tag} ${name}=${attr.value}>`);
      }
    }
  }
  for (const a of root.querySelectorAll("a[href]")) {
    if (!/^(https?:|mailto:|[/?#]|[^:]*$)/i.test(a.getAttribute("href").trim())) {
      found.push(`<a href=${a.getAttribute("href")}>`);
    }
  }
  return found;
}"""

# Defined before any page script: a payload that calls these leaves a trace instead of a dialog.
XSS_TRAP = """
window.__xss = null;
for (const name of ["alert", "confirm", "prompt"]) {
  window[name] = (...args) => { window.__xss = `${name}(${args.join(",")})`; return null; };
}
"""


def path_is(path: str) -> re.Pattern:
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def open_room(page, user, room_id: int) -> None:
    """Sign in and open the room; wait until the chat has joined (presence lists oneself)."""
    browser_login(page, user.email)
    expect(page).to_have_url(path_is("/"))
    page.goto(f"/rooms/{room_id}")
    expect(page.locator("#presence")).to_contain_text(user.name)


def items(page, text: str | None = None):
    found = page.locator("#messages > li")
    return found.filter(has_text=text) if text else found


def send(page, either, text: str) -> None:
    field = page.get_by_label(either("Message"))
    field.fill(text)
    field.press("Enter")
    expect(field).to_have_value("")


def stored_bodies(app, room_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Message.body).where(Message.room_id == room_id).order_by(Message.seq)
            )
        )


# --- 1. live, both ways ---------------------------------------------------------------------------


def test_mentor_and_pupil_chat_live_with_math_markdown_typing_and_presence(
    app, room, new_page, either, live_socketio
):
    mentor, pupil = new_page(), new_page()
    open_room(mentor, room["mentor"], room["id"])
    open_room(pupil, room["alva"], room["id"])

    # the pupil sees that the mentor is here; both pages pass axe
    expect(pupil.locator("#presence")).to_contain_text(room["mentor"].name)
    assert_accessible(mentor)
    assert_accessible(pupil)

    # the pupil asks, with math; her message is pending first, then sent
    pupil.evaluate(WATCH_ADDED)
    send(pupil, either, QUESTION)
    own = items(pupil, "alltid sant?")
    expect(own).to_have_count(1)
    expect(own).not_to_have_class(re.compile(r"\bpending\b"))
    expect(own).to_have_attribute("data-id", re.compile(r"^\d+$"))
    added = pupil.evaluate("window.__added")
    assert added[0]["pending"] and "alltid sant?" in added[0]["text"], added

    # the mentor sees it without reloading, the math typeset by KaTeX (with MathML)
    question = items(mentor, "alltid sant?")
    expect(question).to_have_count(1)
    expect(question).to_contain_text(room["alva"].name)
    expect(question.locator(".message-body .katex")).to_have_count(1)
    expect(question.locator(".katex .katex-mathml math")).to_have_count(1)
    expect(question.locator("annotation")).to_have_text("x^2 \\geq 0")

    # while the mentor types, the pupil is told so
    field = mentor.get_by_label(either("Message"))
    field.press_sequentially(ANSWER, delay=5)
    expect(pupil.locator("#typing")).to_have_text(
        either("%(name)s is writing…", name=room["mentor"].name)
    )
    field.press("Enter")

    # the pupil gets the answer, the Markdown rendered
    answer = items(pupil, "en kvadrat är aldrig negativ")
    expect(answer).to_have_count(1)
    expect(answer.locator(".message-body strong")).to_have_text("alltid")
    expect(items(mentor)).to_have_count(2)
    expect(items(pupil)).to_have_count(2)

    assert_accessible(mentor)
    assert_accessible(pupil)
    assert stored_bodies(app, room["id"]) == [QUESTION, ANSWER]


# --- 2. offline and back --------------------------------------------------------------------------


def test_messages_written_offline_arrive_once_when_the_pupil_is_back(
    app, room, new_page, either, live_socketio
):
    mentor, pupil = new_page(), new_page()
    open_room(mentor, room["mentor"], room["id"])
    open_room(pupil, room["alva"], room["id"])
    alert = pupil.locator("#chat-alert")

    # the pupil's network goes; she is told, and what she writes waits as pending
    pupil.context.set_offline(True)
    offline_at = time.monotonic()
    expect(alert).to_have_text(either("The connection was lost. Reconnecting…"))
    noticed = time.monotonic() - offline_at
    for text in OFFLINE:
        send(pupil, either, text)
        expect(items(pupil, text)).to_have_class(re.compile(r"\bpending\b"))
    expect(items(pupil, OFFLINE[1])).to_contain_text(either("Sending…", part=True))

    # meanwhile the mentor writes; neither side sees the other's messages yet
    send(mentor, either, MEANWHILE)
    expect(items(mentor, MEANWHILE)).to_have_count(1)
    pupil.wait_for_timeout(500)
    expect(items(mentor, "utan nät")).to_have_count(0)
    expect(items(pupil, MEANWHILE)).to_have_count(0)

    # back online: everything arrives exactly once, in the order it was written
    pupil.context.set_offline(False)
    online_at = time.monotonic()
    for text in OFFLINE:
        expect(items(mentor, text)).to_have_count(1, timeout=30_000)
    delivered = time.monotonic() - online_at
    expect(alert).to_have_text(either("Connected again."))
    expect(items(pupil, MEANWHILE)).to_have_count(1)
    for text in OFFLINE:
        expect(items(pupil, text)).to_have_count(1)
        expect(items(pupil, text)).to_have_attribute("data-id", re.compile(r"^\d+$"))
    expected = [MEANWHILE, *OFFLINE]
    for page in (mentor, pupil):
        expect(page.locator("#messages > li .message-body")).to_have_text(expected)
    assert stored_bodies(app, room["id"]) == expected
    assert_accessible(pupil)
    print(f"\nchat offline: noticed in {noticed:.1f} s, delivered {delivered:.1f} s after online")


# --- 2b. a broadcast that never came -------------------------------------------------------------


def test_a_message_whose_broadcast_was_lost_is_filled_in_before_the_next_one(
    app, room, new_page, either, live_socketio
):
    from mentorhub.accounts.models import User
    from mentorhub.chat import services as chat
    from mentorhub.rooms.models import Room

    mentor, pupil = new_page(), new_page()
    open_room(mentor, room["mentor"], room["id"])
    open_room(pupil, room["alva"], room["id"])
    # given a message stored without its broadcast (its worker died between the two)
    with app.app_context():
        author, in_room = db.session.get(User, room["noah"].id), db.session.get(Room, room["id"])
        chat.send(author, in_room, str(uuid.uuid4()), "Sändningen gick förlorad")
        db.session.commit()

    # when the mentor writes the next one, both pages see a gap in seq
    send(mentor, either, "Nästa meddelande")

    # then both fill it from the database and show the two in seq order, once each
    expected = ["Sändningen gick förlorad", "Nästa meddelande"]
    for page in (mentor, pupil):
        expect(page.locator("#messages > li .message-body")).to_have_text(expected)
    assert stored_bodies(app, room["id"]) == expected


# --- 3. the XSS corpus through the real path ------------------------------------------------------


def test_the_xss_corpus_renders_as_inert_text_in_the_room(
    app, room, socket_as, new_page, live_socketio
):
    usual_limit = app.config["CHAT_RATE_LIMIT"]
    app.config["CHAT_RATE_LIMIT"] = "1000 per second"
    try:
        alva = socket_as(room["alva"])
        for n, payload in enumerate(XSS_CORPUS):
            ack = alva.emit(
                "send",
                {"room_id": room["id"], "client_id": f"xss-{n:05d}", "body": payload},
                callback=True,
            )
            assert ack["ok"], (payload, ack)
        alva.disconnect()
    finally:
        app.config["CHAT_RATE_LIMIT"] = usual_limit
        live_socketio()  # the test client took over the server; give it back to browsers

    # the mentor's browser obeys no CSP here, so only the sanitiser stands between a payload
    # and a running script
    mentor = new_page(bypass_csp=True)
    mentor.add_init_script(XSS_TRAP)
    dialogs: list[str] = []
    mentor.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_room(mentor, room["mentor"], room["id"])

    older = mentor.locator("#older")
    expect(items(mentor)).to_have_count(min(50, len(XSS_CORPUS)))
    while older.is_visible():
        shown = items(mentor).count()
        older.click()
        expect(items(mentor)).not_to_have_count(shown)
    expect(items(mentor)).to_have_count(len(XSS_CORPUS))
    expect(mentor.locator("#messages .math:not([data-rendered])")).to_have_count(0)
    expect(mentor.locator("#messages .katex").first).to_be_attached()
    mentor.wait_for_timeout(300)  # let any load/error handler that slipped through fire

    # the payloads are there, as text; the trap is armed and was never sprung
    expect(items(mentor, "<script>alert(1)</script>").first).to_be_visible()
    assert mentor.evaluate("String(window.alert).includes('__xss')"), "the trap is not armed"
    assert dialogs == []
    assert mentor.evaluate("window.__xss") is None
    assert mentor.evaluate(FIND_ACTIVE_CONTENT) == []
