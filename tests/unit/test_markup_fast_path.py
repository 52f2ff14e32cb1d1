"""The fast path for plain text in markup.render: always the full pipeline's HTML, only sooner.

Most chat messages are plain sentences, so render formats those directly instead of running
markdown-it and bleach (see the comment above markup._render_plain). These tests are its licence:
for every input, render(text) must equal markup._render_full(text), the whole pipeline.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentorhub import markup
from mentorhub.markup import _render_full, render
from tests.unit.xss_corpus import XSS_CORPUS

PEOPLE = [(1, "Alva Lindgren"), (2, "Noah Berg"), (3, "Alva Berg")]

PLAIN_SWEDISH = "Hej! Jag har löst uppgift tre nu, kan du titta på den?"

# Texts the fast path is meant for, and near misses that must go the full way.
HANDWRITTEN = [
    "",
    "Hej",
    PLAIN_SWEDISH,
    "Tack! Det var 'svårt' men \"roligt\" (typ 80 %) = bra.",
    "Åsa, Örjan och Émile: ses kl. 15.30? Ja/nej",
    "Rad ett\nrad två\n\nNytt stycke\n\n\n\noch ett till\n",
    "\n\nHej\n\n",
    "it’s “quoted” – and — so on…",
    "see https://example.org/a?b=1;c=2%20 or mailto:x@example.org",
    "x @Alva and a@Noah.se",
    "3 uppgifter kvar",
    "2020 var ett bra år",
    "a+b=c, a-b, a/b",
    # line-start constructs, spacing and escapes that are not plain
    "1. first",
    "1) first",
    "2020. x",
    "1.",
    "Hej\n1. b",
    "Hej\n2. b",
    "- läsa",
    "+ läsa",
    "* läsa",
    "# rubrik",
    "> citat",
    "---",
    "===",
    "Rubrik\n===",
    "Rubrik\n---",
    "Rubrik\n=",
    " indented",
    "    code",
    "\tcode",
    "trailing ",
    "two trailing  \nspaces",
    "double  space",
    "a\r\nb",
    "a\rb",
    "snake_case and _em_",
    '0"_0_',
    'say "_this_" twice',
    "ab_c_",
    "a & b",
    "a &amp; b",
    "a < b > c",
    "50$ och $x$",
    "back\\slash",
    "`code`",
    "~~del~~",
    "[x](https://ok)",
    "a | b\n--|--\n1 | 2",
    "{braces}",
    "# not a heading in the middle: a # b",
    "nul\x00byte",
    "zero\u200bwidth",
    "nbsp\u00a0here",
    "e\u0301 combining",
]


def _string_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
    return sorted(s for s in strings if isinstance(s, str))


# Every string in the markup tests: their inputs, and their expected HTML as hostile input too.
MARKUP_TEST_STRINGS = _string_constants(Path(__file__).with_name("test_markup.py"))

CORPUS = sorted(
    set(HANDWRITTEN)
    | set(MARKUP_TEST_STRINGS)
    | set(XSS_CORPUS)
    | {w.format(p) for p in XSS_CORPUS for w in ("> {}", "- {}", "**{}**", "Hej\n{}", "{}\n\nHej")}
)


@pytest.mark.parametrize("text", CORPUS)
def test_render_equals_the_full_pipeline_on_the_corpus(text):
    assert render(text) == _render_full(text)
    assert render(text, PEOPLE) == _render_full(text, PEOPLE)


# --- generated text -----------------------------------------------------------------------------

EMOJI = "😀👍🏽❤️‍🔥🇸🇪✅☀✨🤔"  # pictographs, a skin tone, a ZWJ sequence, a flag, dingbats
FAST = "abcdefghijklmnopqrstuvwxyzåäöéÅÄÖABCXYZ0123456789" + ",.!?:;()/%+='\"’‘“”–—…-" + EMOJI
SPECIAL = "$\\`*_~[]|<>&#{}@!\t\r\x00\u00a0\u200b\u0301"
# Weighted: mostly fast-path characters, with spaces and newlines, and now and then a special one.
ALPHABET = list(FAST) * 6 + [" "] * 40 + ["\n"] * 15 + list(SPECIAL) * 3

# Fragments that build line-start constructs far more often than single characters would.
FRAGMENTS = [
    "Hej", "då", "uppgift", "Åsa", "3", "12", "2020", " ", "  ", "\n", "\n\n", "\t", "- ", "+ ",
    "* ", "1. ", "1) ", "7.", "# ", "> ", "---", "===", "=", "-", "@Alva", "@Noah Berg", "a@b.se",
    "$x$", "$$", "\\", "`", "_", "&", "&amp;", "<", ">", '"', "'", "’", "(", ")", ".", ",", "!",
    "?", ":", "https://example.org", "|", "    ",
]  # fmt: skip

# Lines of words, mostly plain, now and then one that is Markdown at the start of a line (or
# anywhere), an empty word (a double space) or an empty line (a new paragraph).
PLAIN_WORDS = [
    "Hej", "då", "Åsa", "uppgift", "tre,", "nu?", "(typ)", "80%", "a+b=c", "x-y", "3", "2020",
    '"ja"', "it’s", "…", "a@b.se", "😀", "👍🏽", "❤️‍🔥", "🇸🇪", "bra!✨",
]  # fmt: skip
MARKDOWN_WORDS = [
    "", "-", "+", "*", "1.", "2)", "#", ">", "---", "===", "=", "@Alva", "$x$", "_a_", "&amp;",
    "<b>", "|", "\t", '"_x_"', "(*y*)", "~~z~~",
]  # fmt: skip
words = st.sampled_from(PLAIN_WORDS * 20 + MARKDOWN_WORDS)
lines = st.one_of(st.just(""), st.lists(words, min_size=1, max_size=5).map(" ".join))

texts = st.one_of(
    st.text(alphabet=st.sampled_from(ALPHABET), max_size=80),
    st.lists(lines, max_size=6).map("\n".join),  # several lines, often plain, blank ones between
    st.lists(st.sampled_from(FRAGMENTS), max_size=16).map("".join),
    st.text(max_size=60),  # fully random Unicode
)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_render_equals_the_full_pipeline_on_generated_text(text):
    assert render(text) == _render_full(text)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_render_equals_the_full_pipeline_on_generated_text_with_people_to_mention(text):
    assert render(text, PEOPLE) == _render_full(text, PEOPLE)


# --- the fast path is taken -----------------------------------------------------------------


@pytest.fixture
def no_full_pipeline(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the full pipeline ran")

    monkeypatch.setattr(markup, "_render_full", refuse)


def test_a_plain_swedish_sentence_never_reaches_the_full_pipeline(no_full_pipeline):
    # given the full pipeline would fail, when a plain sentence is rendered, then it still renders
    assert render(PLAIN_SWEDISH) == f"<p>{PLAIN_SWEDISH}</p>\n"
    assert render(PLAIN_SWEDISH, PEOPLE) == f"<p>{PLAIN_SWEDISH}</p>\n"


def test_plain_lines_and_paragraphs_take_the_fast_path_too(no_full_pipeline):
    assert render('Rad ett\nrad "två"\n\n\nNytt stycke\n') == (
        "<p>Rad ett<br>\nrad &quot;två&quot;</p>\n<p>Nytt stycke</p>\n"
    )


def test_an_at_sign_takes_the_fast_path_only_when_no_one_can_be_mentioned(no_full_pipeline):
    assert render("mejla a@example.org") == "<p>mejla a@example.org</p>\n"
    with pytest.raises(AssertionError, match="full pipeline"):
        render("Hej @Alva", PEOPLE)


@pytest.mark.parametrize(
    "text", ["Min plan:\n- läsa\n- skriva", "Om $x^2 = 0$", "1. a", "Hej\n===", "a  b", "a_b"]
)
def test_markdown_math_and_odd_spacing_go_the_full_way(no_full_pipeline, text):
    with pytest.raises(AssertionError, match="full pipeline"):
        render(text)


def test_emoji_take_the_fast_path_and_render_as_the_full_pipeline_does():
    # given messages as pupils write them, with emoji, skin tones, a ZWJ sequence and a flag
    texts = ["Klart! 👍🏽", "😀 hej", "❤️‍🔥 bra jobbat 🇸🇪", "✅✨"]
    # then each is what the full pipeline makes ...
    for text in texts:
        assert render(text) == _render_full(text)


def test_emoji_never_reach_the_full_pipeline(no_full_pipeline):
    # ... and none of them needed it
    assert render("Klart! 👍🏽 ❤️‍🔥") == "<p>Klart! 👍🏽 ❤️‍🔥</p>\n"
