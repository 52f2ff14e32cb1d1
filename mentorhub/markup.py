"""User text → stored, sanitised HTML: the one place that does it.

Chat messages, problem statements, attempts and feedback are written in Markdown with TeX math and
rendered once, when they are saved; the stored HTML is what every reader gets.

Pipeline
    1. markdown-it-py, "commonmark" preset plus tables and strikethrough, with ``html=False`` (raw
       HTML in the input is escaped, never passed through) and ``breaks=True`` (a newline in a chat
       message is a line break, as people expect). Linkify is off: it needs another dependency, and
       bare URLs staying text is the safer default; ``<https://…>`` autolinks and ``[x](…)`` work.
    2. mdit-py-plugins' dollarmath: ``$…$`` inline, ``$$…$$`` display. Math is *not* typeset here:
       it is emitted as escaped TeX in ``<span class="math math-inline">`` (inline) or
       ``<div class="math math-display">`` (``$$…$$`` on its own lines) and KaTeX (``trust:
       false``) typesets it in the browser. ``$$…$$`` inside running text becomes
       ``<span class="math math-display">`` because a ``div`` may not sit inside a ``p``; the client
       must therefore pick display mode by class, not by tag. Dollar amounts stay text: no space
       just inside the dollars (``$ a $`` is text) and no digit just outside them (``5$x$``,
       ``$x$5`` are text), so "it costs $5 and $10" is prose.
    3. bleach with a strict allow-list (below) and ``strip=False``: anything else is escaped so it
       shows as text, never silently dropped. Every link gets
       ``rel="nofollow noopener noreferrer"``; hrefs must be http, https, mailto or relative.

Headings: ``#`` renders as ``h3``, ``##`` as ``h4``, ``###`` as ``h5`` and deeper as ``h6`` so a
heading in a chat message or problem cannot outshout the page's own ``h1``/``h2``; only h3–h6 are
allowed. Images are not allowed (they come as separate, checked uploads): ``![alt](url)`` renders
as a link to ``url`` labelled with ``alt``. Table column alignment (a ``style`` attribute) is
dropped. An ordered list keeps its ``start`` number (digits only).

bleach is in maintenance mode. Every call to it lives in this module (``_cleaner`` and
``_sanitise``), so moving to nh3 is a change to this file only; nothing else may import bleach.
Length limits are the caller's job.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any

import bleach
from bleach.html5lib_shim import Filter
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_inline_dollar

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_PROTOCOLS",
    "ALLOWED_TAGS",
    "LINK_REL",
    "MATH_CLASSES",
    "find_mentions",
    "plain",
    "render",
]

# --- the allow-list --------------------------------------------------------------------------

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "hr",
        "span",
        "div",
    }
)
MATH_CLASSES: frozenset[str] = frozenset({"math math-inline", "math math-display"})
ALLOWED_PROTOCOLS: frozenset[str] = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"
# For documentation and tests; the real decision is _allow_attribute.
ALLOWED_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "a": ("href", "title"),  # plus rel, always LINK_REL, set after cleaning
    "ol": ("start",),  # digits only
    "span": ("class", "data-user-id"),  # class in MATH_CLASSES or "mention"; ids digits only
    "div": ("class",),  # only a value in MATH_CLASSES
}

_DIGITS = re.compile(r"[0-9]{1,9}")
_USER_IDS = re.compile(r"[0-9]{1,12}( [0-9]{1,12}){0,49}")
MENTION_CLASS = "mention"


_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\s\ufffd]")
_SCHEME = re.compile(r"([^/?#]*):")


def _validate_link(url: str) -> bool:
    """markdown-it's link check, stricter: anything that looks like a scheme must be allowed.

    ``url`` arrives entity-decoded. Whitespace and control characters are ignored wherever they
    are, and whatever stands before the first ``:`` (if no ``/``, ``?`` or ``#`` comes first) is
    taken as the scheme, so ``jav&#x09;ascript:``, ``java%20script:``, ``data:`` and friends are
    refused and the Markdown shows as the text that was typed. bleach checks hrefs again.
    """
    match = _SCHEME.match(_INVISIBLE.sub("", url))
    return match is None or match.group(1).lower() in ALLOWED_PROTOCOLS


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        # The value arrives entity-decoded; bleach checks href against ALLOWED_PROTOCOLS again.
        return name == "title" or (name == "href" and _validate_link(value))
    if tag == "ol":
        return name == "start" and _DIGITS.fullmatch(value) is not None
    if tag == "span" and value == MENTION_CLASS and name == "class":
        return True
    if tag == "span" and name == "data-user-id":
        return _USER_IDS.fullmatch(value) is not None
    if tag in ("span", "div"):
        return name == "class" and value in MATH_CLASSES
    return False


class _LinkRelFilter(Filter):
    """Give every surviving link ``rel="nofollow noopener noreferrer"`` (runs after sanitising)."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag") and token["name"] == "a":
                attrs = dict(token.get("data") or {})
                attrs[(None, "rel")] = LINK_REL
                token["data"] = attrs
            yield token


_local = threading.local()


def _cleaner() -> bleach.sanitizer.Cleaner:
    # A Cleaner holds parser state and is not thread-safe: one per thread (or greenlet, under
    # gevent's monkey-patching).
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = bleach.sanitizer.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=_allow_attribute,
            protocols=ALLOWED_PROTOCOLS,
            strip=False,
            strip_comments=True,
            filters=[_LinkRelFilter],
        )
        _local.cleaner = cleaner
    return cleaner


def _sanitise(html: str) -> str:
    return _cleaner().clean(html)


# --- Markdown and math -----------------------------------------------------------------------

_plugin_inline_math = math_inline_dollar(allow_space=False, allow_digits=True, allow_double=True)


def _inline_math(state: StateInline, silent: bool) -> bool:
    """The plugin's inline rule, with the "no digit just outside the dollars" test done here.

    The plugin's own ``allow_digits=False`` looks at ``src[pos - 1]`` even at ``pos == 0``, i.e. at
    the *last* character, so "$x$ is 5" would not be math. It may also run past ``posMax``.
    """
    start = state.pos
    if state.src[start] != "$":
        return False
    if start > 0 and state.src[start - 1].isdigit():
        return False
    if not _plugin_inline_math(state, True):  # silent: moves state.pos past the closing $
        return False
    after = state.pos
    state.pos = start
    if after > state.posMax:
        return False
    if after < len(state.src) and state.src[after].isdigit():
        return False
    return _plugin_inline_math(state, silent)


def _math_html(tag: str, css_class: str, tex: str) -> str:
    return f'<{tag} class="{css_class}">{escapeHtml(tex.strip())}</{tag}>'


def _render_math_inline(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    return _math_html("span", "math math-inline", tokens[idx].content)


def _render_math_inline_double(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    return _math_html("span", "math math-display", tokens[idx].content)


def _render_math_block(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    return _math_html("div", "math math-display", tokens[idx].content) + "\n"


def _render_image(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    label = self.renderInlineAsText(token.children or [], options, env) or src
    if not src:
        return escapeHtml(label)
    return f'<a href="{escapeHtml(src)}">{escapeHtml(label)}</a>'


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})
    md.enable(["table", "strikethrough"])
    md.validateLink = _validate_link
    md.use(
        dollarmath_plugin,
        allow_labels=False,
        allow_space=False,
        allow_digits=True,  # checked correctly by _inline_math instead
        allow_blank_lines=False,
        double_inline=True,
    )
    md.inline.ruler.at("math_inline", _inline_math)
    md.add_render_rule("math_inline", _render_math_inline)
    md.add_render_rule("math_inline_double", _render_math_inline_double)
    md.add_render_rule("math_block", _render_math_block)
    md.add_render_rule("math_block_label", _render_math_block)  # unreachable: labels are off
    md.add_render_rule("image", _render_image)
    return md


_md = _build_parser()

_HEADING_TAGS = {"h1": "h3", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6", "h6": "h6"}


def _adjust(tokens: list[Token]) -> list[Token]:
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = _HEADING_TAGS.get(token.tag, "h6")
        elif token.type in ("th_open", "td_open"):
            token.attrs.pop("style", None)  # column alignment; style is never allowed
        elif token.type in ("s_open", "s_close"):
            token.tag = "del"  # ~~x~~ is a deletion; markdown-it-py 4 says <s>
        if token.children:
            _adjust(token.children)
    return tokens


Person = tuple[int, str]  # (user id, name) of someone who can be mentioned

_MENTION_AT = re.compile(r"(?<!\w)@")


def find_mentions(text: str, people: Sequence[Person]) -> list[tuple[int, int, list[int]]]:
    """Where `text` mentions people: ``@Förnamn Efternamn`` names that person, ``@Förnamn``
    everyone with that first name (case-insensitive, not followed by a letter or digit).
    Returns (start, end, ids) for each mention, the span covering the ``@`` and the name."""
    found = []
    for at in _MENTION_AT.finditer(text):
        rest = text[at.end() :]

        def length(name: str, rest: str = rest) -> int:
            match = re.match(re.escape(name) + r"(?!\w)", rest, re.I) if name else None
            return match.end() if match else 0

        full = [(pid, length(name.strip())) for pid, name in people if length(name.strip())]
        first = [
            (pid, length((name.split() or [""])[0]))
            for pid, name in people
            if length((name.split() or [""])[0])
        ]
        named = full or first
        if named:
            end = at.end() + max(n for _pid, n in named)
            found.append((at.start(), end, sorted({pid for pid, _n in named})))
    return found


def _mark_mentions(tokens: list[Token], people: Sequence[Person]) -> None:
    """Wrap mentions in plain text (not code, not math) in ``<span class="mention"
    data-user-id="…">``, for the reader's page to mark the ones about them."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        children: list[Token] = []
        for child in token.children:
            spans = find_mentions(child.content, people) if child.type == "text" else []
            if not spans:
                children.append(child)
                continue
            at = 0
            for start, end, ids in spans:
                if start > at:
                    children.append(_text_token(child.content[at:start]))
                html = Token("html_inline", "", 0)
                html.content = (
                    f'<span class="{MENTION_CLASS}" data-user-id="{" ".join(map(str, ids))}">'
                    f"{escapeHtml(child.content[start:end])}</span>"
                )
                children.append(html)
                at = end
            if at < len(child.content):
                children.append(_text_token(child.content[at:]))
        token.children = children


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


# --- the fast path for plain text ------------------------------------------------------------
#
# Why: most chat messages are plain sentences ("Hej! Jag har löst uppgift tre nu, kan du titta på
# den?"), and markdown-it + bleach cost 0.1-1 ms each; a broadcast to a room renders every message
# once, so plain text should cost what string formatting costs.
#
# Why it is identical: a text qualifies only if every line is empty or a "plain line": it starts
# with a letter, digit or emoji, holds only letters, digits (``[^\W_]``: str.isalnum, no underscore,
# no combining marks), emoji (_EMOJI), single spaces between words (none leading, none trailing, no
# tabs) and the punctuation in _INERT, and does not start with digits followed by ``.`` or ``)`` (an
# ordered list marker). None of those characters opens any block rule (no ``#``, ``>``,
# ``-``/``+``/``=``/``*`` or digit-marker at a line start, no four-space indent, no fence, no
# ``$$``, no ``|`` table row, no ``[`` reference, no ``<`` HTML block) or any inline rule (no ``\``,
# backtick, ``*_~``, ``[``, ``![``, ``<``, ``&``, ``$``); linkify and the typographer are off, so
# URLs and quotes stay text. Such a text is therefore a run of paragraphs split at blank lines, each
# a list of lines joined by softbreaks, which ``breaks=True`` renders as ``<br>\n``. markdown-it
# escapes ``"`` as ``&quot;`` (and leaves ``'`` alone); bleach sees only ``<p>``/``<br>`` and keeps
# that entity as it is. ``@`` is inert in CommonMark, so it may take the fast path only when no
# `people` are given (mentions are marked by the full pipeline). tests/unit/test_markup_fast_path.py
# checks render against _render_full on the XSS corpus, the markup tests' inputs and thousands of
# generated texts.

_INERT = ",.!?:;()/%+='\"’‘“”–—…-"  # the dash last, so it is literal inside [...]
# Emoji (pictographs, dingbats, flags, skin tones) and the joiner and variation selector that
# build emoji sequences: no rule of CommonMark or of bleach's allow-list looks at them, and
# pupils write them a lot. They may start a line too.
_EMOJI = "\u2600-\u27bf\U0001f1e6-\U0001f1ff\U0001f300-\U0001faff\u200d\ufe0f"


def _plain_text_pattern(extra: str) -> re.Pattern[str]:
    # [^\W_] is a letter or digit (\w without "_"). Linear: spaces and newlines separate the
    # repeated parts unambiguously.
    char = rf"(?:[^\W_]|[{extra}{_EMOJI}{_INERT}])"
    line = rf"(?![0-9]+[.)])(?:[^\W_]|[{_EMOJI}]){char}*(?: {char}+)*"
    return re.compile(rf"(?:{line})?(?:\n(?:{line})?)*")


_PLAIN = _plain_text_pattern("")
_PLAIN_WITH_AT = _plain_text_pattern("@")  # only when no one can be mentioned


def _render_plain(text: str) -> str:
    paragraphs = re.split(r"\n\n+", text.replace('"', "&quot;").strip("\n"))
    return "".join("<p>" + "<br>\n".join(p.split("\n")) + "</p>\n" for p in paragraphs if p)


def render(text: str, people: Sequence[Person] = ()) -> str:
    """Markdown with ``$…$``/``$$…$$`` math → sanitised HTML, ready to store and show as is.
    With `people`, their @mentions are marked (see `find_mentions`).

    Plain text (see the fast path above) is formatted directly, with the very same result."""
    text = text or ""
    if (_PLAIN if people else _PLAIN_WITH_AT).fullmatch(text):
        return _render_plain(text)
    return _render_full(text, people)


def _render_full(text: str, people: Sequence[Person] = ()) -> str:
    """The whole pipeline: markdown-it, mentions, bleach (what `render` does for any text)."""
    env: dict[str, Any] = {}
    tokens = _adjust(_md.parse(text or "", env))
    if people and "@" in (text or ""):
        _mark_mentions(tokens, people)
    return _sanitise(_md.renderer.render(tokens, _md.options, env))


# --- plain text ------------------------------------------------------------------------------

_BLOCK_ENDS = frozenset(
    {
        "paragraph_close",
        "heading_close",
        "list_item_close",
        "blockquote_close",
        "tr_close",
        "th_close",
        "td_close",
        "hr",
    }
)
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]"
)
_SPACE = re.compile(r"\s+")


def _text_of(tokens: Sequence[Token], out: list[str]) -> None:
    for token in tokens:
        if token.type == "math_inline":
            out.append(f"${token.content.strip()}$")
        elif token.type in ("math_inline_double", "math_block", "math_block_label"):
            out.append(f" $${token.content.strip()}$$ ")
        elif token.children:
            _text_of(token.children, out)
        elif token.type in ("text", "code_inline", "code_block", "fence"):
            out.append(token.content)
            if token.type in ("code_block", "fence"):
                out.append(" ")
        elif token.type in ("softbreak", "hardbreak") or token.type in _BLOCK_ENDS:
            out.append(" ")


def plain(text: str, limit: int = 140) -> str:
    """A short, single-line plain-text excerpt (for notifications and e-mail subjects).

    Markdown markup is removed, math is kept as ``$TeX$``, control and bidi-override characters are
    dropped and whitespace collapsed; longer than ``limit`` characters, it is cut at a word boundary
    and ends in "…". The result is *text*: the caller escapes it like any other text.
    """
    out: list[str] = []
    _text_of(_md.parse(text or "", {}), out)
    excerpt = _SPACE.sub(" ", _CONTROL.sub("", "".join(out))).strip()
    if len(excerpt) <= limit:
        return excerpt
    cut = excerpt[: max(limit - 1, 0)]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"
