"""Fixtures for the browser journeys: UI texts in either language, and extra browser windows."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask_babel import force_locale, gettext, ngettext

from tests.conftest import restore_live_socketio

LOCALES = ("sv", "en")


@pytest.fixture
def say(app: Flask) -> Callable[..., str]:
    """The text the server shows for an English msgid in a language, from the same catalogues.

    The journeys find labels, buttons and headings through it, so they follow whatever wording
    the translators choose instead of a guessed copy of it. `plural=` with `num=` for ngettext.
    """

    def say(msgid: str, locale: str = "sv", *, plural: str | None = None, **params) -> str:
        with app.test_request_context(), force_locale(locale):
            if plural is not None:
                return ngettext(msgid, plural, **params)
            return gettext(msgid, **params)

    return say


@pytest.fixture
def either(say) -> Callable[..., re.Pattern]:
    """A pattern for a text in Swedish or English: the whole text (but surrounding white space),
    or a part of it with `part=True`."""

    def either(msgid: str, *, part: bool = False, **params) -> re.Pattern:
        texts = sorted({say(msgid, loc, **params) for loc in LOCALES}, key=len, reverse=True)
        alternatives = "|".join(re.escape(t) for t in texts)
        return re.compile(alternatives if part else rf"^\s*(?:{alternatives})\s*$")

    return either


@pytest.fixture
def in_locale(say) -> Callable[..., Callable[..., re.Pattern]]:
    """`t = in_locale("en")`, then `t("Save")`: a pattern for the text in that language only."""

    def in_locale(locale: str) -> Callable[..., re.Pattern]:
        def t(msgid: str, *, part: bool = False, **params) -> re.Pattern:
            text = re.escape(say(msgid, locale, **params))
            return re.compile(text if part else rf"^\s*{text}\s*$")

        return t

    return in_locale


@pytest.fixture
def new_page(app: Flask, browser, live_server: str) -> Iterator[Callable[..., object]]:
    """Another person's browser: a fresh context (own cookies) at 1280 px, closed afterwards."""
    contexts = []

    def make(**options):
        app.config["WTF_CSRF_ENABLED"] = True
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=live_server, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def live_socketio() -> Callable[[], None]:
    """Make the shared Socket.IO server talk to real browsers again; call it once more after
    using `socket_as` in the same test (see `restore_live_socketio`)."""
    restore_live_socketio()
    return restore_live_socketio
