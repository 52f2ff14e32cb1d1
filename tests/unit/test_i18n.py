"""Internationalisation: Swedish first, English complete, no user-facing text outside gettext.

The catalogues are checked against what the source code actually asks for (extracted with Babel
and the project's babel.cfg, as `make messages` does), so a new string in a view or template
fails here until both languages have it.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "mentorhub" / "translations"
TEMPLATES = ROOT / "templates"
LOCALES = ("sv", "en")

# The same keywords as `make messages`: Babel's defaults (_, gettext, ngettext, ...) plus the
# lazy variants the forms and services use.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}

# Words that are the same in every language and so are not wrapped in _(): the brand, and each
# language's own name in the language select.
ALLOWED_WORDS = frozenset({"MentorHub", "Svenska", "English"})

# Attributes a user reads or hears (tooltips, alternative text, hints, screen-reader labels).
USER_FACING_ATTRIBUTES = frozenset({"title", "alt", "placeholder", "aria-label"})

JINJA_SYNTAX = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
LETTER = re.compile(r"[^\W\d_]")
WORD = re.compile(r"[^\W\d_][\w-]*")
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]|%[-#0+]*\d*[diouxXcrs%]")


# --- helpers ---------------------------------------------------------------------------------


@cache
def source_messages() -> dict[tuple[str, str | None], str]:
    """Every msgid the code and templates ask for → where it was first found."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, filename="babel.cfg")

    def wanted_directory(path: str) -> bool:
        name = Path(path).name
        return not name.startswith((".", "_")) and name not in {"node_modules", "static"}

    found: dict[tuple[str, str | None], str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        ROOT,
        method_map,
        options_map,
        keywords=KEYWORDS,
        directory_filter=wanted_directory,
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault((msgid, context), f"{filename}:{lineno}")
    return found


@cache
def catalogue(locale: str) -> Catalog:
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=locale)


def forms(value: str | tuple | list) -> list[str]:
    return list(value) if isinstance(value, (tuple, list)) else [value]


def placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text or ""))


def translated_messages(locale: str) -> list[Message]:
    return [m for m in catalogue(locale) if m.id]


def without_jinja(source: str) -> str:
    """Jinja expressions, statements and comments removed, keeping line numbers."""
    return JINJA_SYNTAX.sub(lambda m: "\n" * m.group().count("\n") or " ", source)


def has_words_to_translate(text: str) -> bool:
    rest = WORD.sub(lambda m: "" if m.group() in ALLOWED_WORDS else m.group(), text)
    return bool(LETTER.search(rest))


class _UntranslatedText(HTMLParser):
    """Collects literal text nodes and user-facing attribute values that contain words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._raw_text_depth = 0  # inside <script> or <style>: code, not text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._raw_text_depth += 1
        for name, value in attrs:
            if name in USER_FACING_ATTRIBUTES and value and has_words_to_translate(value):
                self.found.append((self.getpos()[0], f'{name}="{value.strip()}"'))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in USER_FACING_ATTRIBUTES and value and has_words_to_translate(value):
                self.found.append((self.getpos()[0], f'{name}="{value.strip()}"'))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._raw_text_depth:
            self._raw_text_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._raw_text_depth and has_words_to_translate(data):
            self.found.append((self.getpos()[0], data.strip()))


def untranslated_in_html(source: str) -> list[tuple[int, str]]:
    parser = _UntranslatedText()
    parser.feed(without_jinja(source))
    parser.close()
    return parser.found


def untranslated_in_text(source: str) -> list[tuple[int, str]]:
    """Plain-text (mail) templates: every line with words outside Jinja is untranslated."""
    return [
        (number, line.strip())
        for number, line in enumerate(without_jinja(source).splitlines(), start=1)
        if has_words_to_translate(line)
    ]


# --- a. every string the code uses is translated -------------------------------------------------


def test_extraction_finds_the_strings_the_code_and_templates_use():
    # given the project's babel.cfg, when extracting, then both Python and templates contribute
    found = source_messages()
    assert ("Wrong email or password.", None) in found  # Python (gettext in a service)
    assert ("Knowledge mentor", None) in found  # Python (lazy_gettext)
    assert ("Skip to content", None) in found  # HTML template
    assert ("Create your account with this link:", None) in found  # mail template
    assert ("%(num)d school", None) in found  # ngettext in a template


@pytest.mark.parametrize("locale", LOCALES)
def test_every_string_in_the_source_is_translated_in_each_language(locale):
    # given the strings the source asks for and the catalogue for this language
    catalog = catalogue(locale)
    problems = []
    # when each is looked up
    for (msgid, context), where in sorted(source_messages().items()):
        message = catalog.get(msgid, context=context)
        if message is None:
            problems.append(f"missing: {msgid!r} ({where})")
        elif not all(forms(message.string)):
            problems.append(f"empty: {msgid!r} ({where})")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r} ({where})")
    # then none is missing, empty or fuzzy
    assert not problems, (
        f"{len(problems)} problem(s) in the {locale} catalogue "
        "(run `make messages`, fill them in, then `make translations`):\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_no_catalogue_entry_is_left_empty_or_fuzzy(locale):
    catalog = catalogue(locale)
    assert not catalog.fuzzy, f"the {locale} catalogue header is still marked fuzzy"
    bad = [m.id for m in translated_messages(locale) if m.fuzzy or not all(forms(m.string))]
    assert not bad, f"empty or fuzzy entries in {locale}: {bad}"


@pytest.mark.parametrize("locale", LOCALES)
def test_plural_entries_have_every_plural_form(locale):
    catalog = catalogue(locale)
    for message in translated_messages(locale):
        if message.pluralizable:
            assert len(forms(message.string)) == catalog.num_plurals, message.id
            assert all(forms(message.string)), message.id


# --- b. placeholders survive translation ----------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_each_translation_keeps_the_placeholders_of_its_msgid(locale):
    mismatches = []
    for message in translated_messages(locale):
        ids = forms(message.id)
        for index, text in enumerate(forms(message.string)):
            # form 0 is the singular; every further plural form pairs with msgid_plural
            original = ids[min(index, len(ids) - 1)]
            if placeholders(text) != placeholders(original):
                mismatches.append(f"{original!r} → {text!r}")
    assert not mismatches, f"placeholders differ in {locale}:\n" + "\n".join(mismatches)


def test_placeholder_check_tells_named_placeholders_apart():
    assert placeholders("Sida %(page)d av %(pages)d") == placeholders("Page %(page)d of %(pages)d")
    assert placeholders("Hej %(namn)s,") != placeholders("Hello %(name)s,")
    assert placeholders("%(n)s tecken") != placeholders("%(n)d characters")
    assert placeholders("50 % av eleverna") == Counter()


# --- c. no literal user-facing text in templates -------------------------------------------------


def test_template_checker_flags_literal_text_and_attributes():
    # given a template with a literal word in a text node and in an alt text
    source = (
        '<h1>{{ _("Schools") }}</h1>\n'
        "<p>Hello {{ user.name }}</p>\n"
        '<img src="x.png" alt="A pupil at work">\n'
    )
    # when checked, then both are flagged with their line numbers
    assert untranslated_in_html(source) == [(2, "Hello"), (3, 'alt="A pupil at work"')]


def test_template_checker_accepts_translated_text_brand_and_punctuation():
    # given a template whose only literal text is the brand, language names and punctuation
    source = (
        "{# a comment with words #}\n"
        "<title>{% block title %}{% endblock %} – MentorHub</title>\n"
        '<nav aria-label="{{ _(\'Main menu\') }}" class="x{% if a %} wide{% endif %}">\n'
        '  <option value="sv">Svenska</option><option value="en">English</option>\n'
        '  <a title="{{ _("Home") }}">{{ _("Start") }}</a> · (2/3)\n'
        "</nav>\n"
        "<script>const label = 'not text';</script>\n"
    )
    # when checked, then nothing is flagged
    assert untranslated_in_html(source) == []


def test_mail_checker_flags_lines_with_literal_words():
    source = '{{ _("Hello %(name)s,", name=n) }}\n\n{{ link }}\nThanks, the team\n'
    assert untranslated_in_text(source) == [(4, "Thanks, the team")]


@pytest.mark.parametrize(
    "template",
    sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")),
)
def test_html_template_has_no_untranslated_text(template):
    found = untranslated_in_html((TEMPLATES / template).read_text(encoding="utf-8"))
    assert not found, (
        f"untranslated text in templates/{template} (wrap it in {{{{ _(...) }}}}):\n"
        + ("\n".join(f"  line {line}: {text!r}" for line, text in found))
    )


@pytest.mark.parametrize(
    "template",
    sorted(p.relative_to(TEMPLATES).as_posix() for p in (TEMPLATES / "mail").glob("*.txt")),
)
def test_mail_template_has_no_untranslated_text(template):
    found = untranslated_in_text((TEMPLATES / template).read_text(encoding="utf-8"))
    assert not found, f"untranslated text in templates/{template}:\n" + "\n".join(
        f"  line {line}: {text!r}" for line, text in found
    )


# --- d. the pages really come out in each language ------------------------------------------------


def test_login_page_is_swedish_by_default_and_english_after_choosing_english(client):
    # given a visitor who has chosen nothing
    # when they open the sign-in page
    swedish = client.get("/login").get_data(as_text=True)
    # then it is in Swedish
    assert '<html lang="sv">' in swedish
    assert "Logga in" in swedish, "Swedish missing: is the catalogue compiled (make translations)?"
    assert "Sign in" not in swedish

    # when they choose English in the language select
    response = client.post("/language", data={"locale": "en", "next": "/login"})
    assert response.status_code == 302
    english = client.get("/login").get_data(as_text=True)

    # then the same page is in English
    assert '<html lang="en">' in english
    assert "Sign in" in english
    assert "Logga in" not in english
