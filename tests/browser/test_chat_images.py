"""Images in chat through the real page: the file input, fetch with the CSRF token, the server's
broadcast after its commit, and a refusal shown in the chat's alert box."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.test_chat_journey import items, open_room
from tests.conftest import assert_accessible

pytestmark = pytest.mark.browser


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (20, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_a_pupil_sends_an_image_and_the_mentor_sees_it(app, room, new_page, either, live_socketio):
    mentor, pupil = new_page(), new_page()
    open_room(mentor, room["mentor"], room["id"])
    open_room(pupil, room["alva"], room["id"])
    assert_accessible(pupil)

    # a text file named .png is refused, in the alert box, and nothing is shown
    pupil.get_by_label(either("Choose an image")).set_input_files(
        {"name": "fusk.png", "mimeType": "image/png", "buffer": b"inte en bild\n" * 20}
    )
    pupil.get_by_role("button", name=either("Send")).click()
    expect(pupil.locator("#chat-alert")).to_have_text(
        either("The file is not an image. Choose a PNG, JPEG, GIF or WebP image.")
    )
    expect(items(pupil)).to_have_count(0)

    # a real image with a caption arrives at both pages
    pupil.get_by_label(either("Message")).fill("Min figur")
    pupil.get_by_label(either("Choose an image")).set_input_files(
        {"name": "figur.png", "mimeType": "image/png", "buffer": _png()}
    )
    pupil.get_by_role("button", name=either("Send")).click()
    for page in (mentor, pupil):
        image = page.locator("#messages > li img.message-image")
        expect(image).to_have_attribute("alt", "Min figur")
        expect(image).to_have_attribute("width", "120")
        expect(image).to_have_js_property("naturalWidth", 120)  # fetched and decoded
    expect(items(pupil)).to_have_count(1)
