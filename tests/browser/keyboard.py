"""Moving through pages by keyboard only, as a person who cannot use a mouse does."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Locator, Page

MAX_PRESSES = 60

_DESCRIBE_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "the page itself";
  const name = (el.getAttribute("aria-label") || el.textContent || el.value || "").trim();
  return `<${el.tagName.toLowerCase()}${el.id ? " id=" + el.id : ""}> ${name.slice(0, 60)}`;
}"""


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("el => el === document.activeElement")


def focused(page: Page) -> str:
    """A short description of what has keyboard focus, for failure messages."""
    return page.evaluate(_DESCRIBE_FOCUS)


def tab_to(page: Page, locator: Locator, *, backwards: bool = False, limit: int = MAX_PRESSES):
    """Press Tab (or Shift+Tab) until `locator` has focus; fail after `limit` presses."""
    key = "Shift+Tab" if backwards else "Tab"
    locator.wait_for(state="attached")
    for _ in range(limit):
        if is_focused(locator):
            return
        page.keyboard.press(key)
    assert is_focused(locator), (
        f"{limit} × {key} never reached {locator}; focus ended on {focused(page)}"
    )


def activate(page: Page, locator: Locator, *, key: str = "Enter", backwards: bool = False):
    """Tab to a link or button and press Enter (or Space)."""
    tab_to(page, locator, backwards=backwards)
    page.keyboard.press(key)


def type_into(page: Page, locator: Locator, text: str) -> None:
    """Tab to a text field, replace what is in it by typing."""
    tab_to(page, locator)
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(text)


def type_date(page: Page, field: Locator, value: date, *, backwards: bool = False) -> None:
    """Tab to a date field and type the date in the order the browser's locale shows its parts.

    Chromium gives each part (day, month, year, calendar button) its own Tab stop, so first step
    back out of the field and Tab in again to start at its first part.
    """
    tab_to(page, field, backwards=backwards)
    for _ in range(5):
        page.keyboard.press("Shift+Tab")
        if not is_focused(field):
            break
    page.keyboard.press("Tab")
    order = page.evaluate(
        """() => new Intl.DateTimeFormat(navigator.language)
              .formatToParts(new Date(2001, 10, 22))
              .filter(p => ["year", "month", "day"].includes(p.type)).map(p => p.type)"""
    )
    parts = {"year": f"{value.year:04d}", "month": f"{value.month:02d}", "day": f"{value.day:02d}"}
    page.keyboard.type("".join(parts[p] for p in order))
    typed = field.input_value()
    assert typed == value.isoformat(), f"typed {value} but the field holds {typed!r}"
