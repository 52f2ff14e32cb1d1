"""User text (Markdown with $…$ math) becomes stored HTML that is safe to show as is."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from mentorhub import markup
from mentorhub.markup import plain, render
from tests.unit.xss_corpus import XSS_CORPUS

# The allow-list, written out again here on purpose: the test must not trust the module's own.
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "hr", "span", "div",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "ol": {"start"},
    "span": {"class"},
    "div": {"class"},
}
MATH_CLASSES = {"math math-inline", "math math-display"}
SAFE_SCHEMES = {"http", "https", "mailto"}
REL = "nofollow noopener noreferrer"


class Parsed(HTMLParser):
    """Elements, attributes, text and anything odd (comments, declarations) in an HTML string."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.oddities: list[str] = []
        self.math: list[tuple[str, str]] = []  # (class, text) of each math element
        self._math_stack: list[list] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag in ("span", "div") and "math" in (attributes.get("class") or ""):
            self._math_stack.append([attributes["class"], ""])

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in ("span", "div") and self._math_stack:
            css_class, text = self._math_stack.pop()
            self.math.append((css_class, text))

    def handle_data(self, data):
        self.text.append(data)
        for entry in self._math_stack:
            entry[1] += data

    def handle_comment(self, data):
        self.oddities.append(f"comment {data!r}")

    def handle_decl(self, decl):
        self.oddities.append(f"declaration {decl!r}")

    def unknown_decl(self, data):
        self.oddities.append(f"declaration {data!r}")

    def handle_pi(self, data):
        self.oddities.append(f"processing instruction {data!r}")

    @property
    def tags(self) -> list[str]:
        return [tag for tag, _ in self.elements]

    @property
    def visible_text(self) -> str:
        return "".join(self.text)


def url_scheme(href: str) -> str | None:
    """The scheme a browser would see in an (already entity-decoded) href, or None if relative.

    Browsers drop leading/trailing C0 controls and spaces and every tab and newline; we go further
    and drop all whitespace and control characters anywhere, so obfuscated schemes are caught.
    """
    squeezed = re.sub(r"[\x00-\x20\x7f-\x9f\s]", "", href)
    match = re.match(r"([^/?#]*?):", squeezed)
    return match.group(1).lower() if match else None


def assert_safe(html: str) -> Parsed:
    parsed = Parsed(html)
    assert not parsed.oddities, parsed.oddities
    for tag, attributes in parsed.elements:
        assert tag in ALLOWED_TAGS, f"element <{tag}> in {html!r}"
        for name in attributes:
            assert not name.startswith("on"), f"handler {name} on <{tag}> in {html!r}"
            assert name != "style", f"style on <{tag}> in {html!r}"
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()), f"{name} on <{tag}> in {html!r}"
        if tag in ("span", "div") and "class" in attributes:
            assert attributes["class"] in MATH_CLASSES, html
        if tag == "ol" and "start" in attributes:
            assert (attributes["start"] or "").isdigit(), html
        if tag == "a":
            assert attributes.get("rel") == REL, html
            href = attributes.get("href")
            if href is not None:
                scheme = url_scheme(href)
                assert scheme is None or scheme in SAFE_SCHEMES, f"href {href!r} in {html!r}"
    lowered = html.lower()
    for raw in ("<script", "<svg", "<math", "<style", "<iframe", "<img", "<object", "<embed"):
        assert raw not in lowered, f"raw {raw} in {html!r}"
    return parsed


# --- ordinary Markdown ----------------------------------------------------------------------


def test_bold_and_italics_render_as_strong_and_em():
    assert render("**bold** and *italic* and _also_") == (
        "<p><strong>bold</strong> and <em>italic</em> and <em>also</em></p>\n"
    )


def test_strikethrough_renders_as_del():
    assert render("~~wrong~~ right") == "<p><del>wrong</del> right</p>\n"


def test_bullet_lists_render_as_ul_with_li():
    parsed = assert_safe(render("- one\n- two"))
    assert parsed.tags == ["ul", "li", "li"]


def test_numbered_lists_render_as_ol_and_keep_their_start_number():
    html = render("3. three\n4. four")
    assert html.startswith('<ol start="3">')
    assert Parsed(html).tags == ["ol", "li", "li"]


def test_inline_code_renders_as_code_with_its_content_escaped():
    assert render("use `a<b && c`") == "<p>use <code>a&lt;b &amp;&amp; c</code></p>\n"


def test_fenced_code_renders_as_pre_code_without_a_language_class():
    html = render("```python\nif a < b:\n    pass\n```")
    assert html == "<pre><code>if a &lt; b:\n    pass\n</code></pre>\n"


def test_a_link_renders_with_nofollow_noopener_noreferrer():
    html = render('[MentorHub](https://example.org/x?a=1&b=2 "Title")')
    assert html == (
        '<p><a href="https://example.org/x?a=1&amp;b=2" title="Title" rel="nofollow noopener '
        'noreferrer">MentorHub</a></p>\n'
    )


def test_autolinks_and_email_autolinks_render_as_links():
    parsed = assert_safe(render("<https://example.org> and <pupil@example.org>"))
    hrefs = [attrs["href"] for tag, attrs in parsed.elements if tag == "a"]
    assert hrefs == ["https://example.org", "mailto:pupil@example.org"]


def test_bare_urls_stay_text_because_linkify_is_off():
    assert render("see https://example.org") == "<p>see https://example.org</p>\n"


def test_a_link_target_attribute_is_never_kept():
    html = render("[x](https://example.org)")
    assert "target" not in html


def test_headings_are_demoted_so_h1_becomes_h3_and_deeper_ones_h6():
    html = render("# One\n## Two\n### Three\n#### Four\n###### Six")
    assert Parsed(html).tags == ["h3", "h4", "h5", "h6", "h6"]


def test_tables_render_without_alignment_styles():
    html = render("| a | b |\n|:--|--:|\n| 1 | 2 |")
    parsed = assert_safe(html)
    assert parsed.tags == ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"]
    assert "style" not in html


def test_blockquotes_and_rules_render():
    assert Parsed(render("> quoted\n\n---")).tags == ["blockquote", "p", "hr"]


def test_a_single_newline_is_a_line_break():
    assert render("first\nsecond") == "<p>first<br>\nsecond</p>\n"


def test_markdown_images_become_links_because_images_are_separate_uploads():
    html = render("![a graph](https://example.org/g.png)")
    parsed = assert_safe(html)
    assert parsed.tags == ["p", "a"]
    assert parsed.elements[1][1]["href"] == "https://example.org/g.png"
    assert parsed.visible_text == "a graph\n"


def test_raw_html_is_shown_as_text_not_dropped():
    html = render("I wrote <b>bold</b> & <script>x()</script>")
    assert Parsed(html).tags == ["p"]
    assert Parsed(html).visible_text == "I wrote <b>bold</b> & <script>x()</script>\n"


def test_empty_input_renders_as_empty_string():
    assert render("") == ""


# --- math -----------------------------------------------------------------------------------


def test_inline_math_becomes_a_math_inline_span_with_the_tex_escaped():
    assert render("if $a<b$ then") == (
        '<p>if <span class="math math-inline">a&lt;b</span> then</p>\n'
    )


def test_display_math_on_its_own_lines_becomes_a_math_display_div_with_the_tex_escaped():
    assert render("$$\n\\frac{a}{b} > c & d\n$$") == (
        '<div class="math math-display">\\frac{a}{b} &gt; c &amp; d</div>\n'
    )


def test_double_dollars_inside_a_sentence_become_a_display_span_not_a_div_inside_p():
    assert render("so $$x^2$$ holds") == (
        '<p>so <span class="math math-display">x^2</span> holds</p>\n'
    )


def test_math_is_not_parsed_as_markdown():
    parsed = Parsed(render("$a*b*c + x_1 + y_2$"))
    assert parsed.tags == ["p", "span"]
    assert parsed.math == [("math math-inline", "a*b*c + x_1 + y_2")]


def test_math_at_the_start_of_a_line_ending_in_a_digit_is_still_math():
    assert Parsed(render("$x$ is 5")).math == [("math math-inline", "x")]


def test_math_inside_lists_and_quotes_is_math():
    parsed = Parsed(render("- $x$\n\n> $$\n> y\n> $$"))
    assert parsed.math == [("math math-inline", "x"), ("math math-display", "y")]


@pytest.mark.parametrize(
    "prose",
    [
        "it costs $5 and $10",
        "between $5-$10 a month",
        "$5 or $10, maybe $20",
        "I paid 5$ and then 10$",
        "prices: $5/$10",
        "a $ sign and another $ sign",
        "$ x $ with spaces is not math",
    ],
)
def test_dollar_amounts_in_prose_stay_text(prose):
    html = render(prose)
    parsed = Parsed(html)
    assert parsed.tags == ["p"], html
    assert parsed.visible_text == prose + "\n"


def test_an_escaped_dollar_is_a_literal_dollar():
    assert render(r"\$x\$") == "<p>$x$</p>\n"


@pytest.mark.parametrize(
    ("source", "css_class", "tex"),
    [
        ("$\\href{javascript:alert(1)}{x}$", "math math-inline", "\\href{javascript:alert(1)}{x}"),
        ("$$\\htmlData{foo=bar}{x}$$", "math math-display", "\\htmlData{foo=bar}{x}"),
        ("$<img src=x onerror=alert(1)>$", "math math-inline", "<img src=x onerror=alert(1)>"),
    ],
)
def test_dangerous_tex_commands_stay_escaped_text_inside_the_math_element(source, css_class, tex):
    parsed = assert_safe(render(source))
    assert parsed.math == [(css_class, tex)]
    assert parsed.tags == ["p", "span"] or parsed.tags == ["div"]


# --- hostile input --------------------------------------------------------------------------


def test_the_xss_corpus_is_big_enough():
    assert len(XSS_CORPUS) >= 40
    assert len(set(XSS_CORPUS)) == len(XSS_CORPUS)


@pytest.mark.parametrize("payload", XSS_CORPUS, ids=[f"xss{i:02d}" for i in range(len(XSS_CORPUS))])
def test_hostile_input_yields_only_allowed_elements_attributes_and_schemes(payload):
    html = render(payload)
    assert_safe(html)
    assert render(payload) == html  # deterministic: what is stored is what every reader gets


@pytest.mark.parametrize("payload", XSS_CORPUS, ids=[f"xss{i:02d}" for i in range(len(XSS_CORPUS))])
def test_hostile_input_inside_markdown_containers_is_still_safe(payload):
    for wrapped in (f"> {payload}", f"- {payload}", f"**{payload}**", f"[{payload}](https://ok)"):
        assert_safe(render(wrapped))


def test_the_url_scheme_check_itself_sees_through_obfuscation():
    assert url_scheme(" jav\tascr\nipt:alert(1)") == "javascript"
    assert url_scheme("\x01JavaScript:alert(1)") == "javascript"
    assert url_scheme("/relative/path:with-colon") is None
    assert url_scheme("https://ok.example") == "https"


def test_bleach_is_imported_only_by_the_markup_module():
    package = Path(__file__).resolve().parents[2] / "mentorhub"
    users = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if re.search(r"^\s*(import|from)\s+bleach\b", path.read_text(encoding="utf-8"), re.M)
    )
    assert users == ["markup.py"]


# --- plain text excerpts --------------------------------------------------------------------


def test_plain_removes_markup_and_keeps_math_as_tex():
    source = "# Task\n\nSolve **$x^2 = 4$** for `x`.\n\n$$\ny<1\n$$"
    assert plain(source) == "Task Solve $x^2 = 4$ for x. $$y<1$$"


def test_plain_keeps_html_like_input_as_text_for_the_caller_to_escape():
    assert plain("<script>alert(1)</script>") == "<script>alert(1)</script>"


def test_plain_collapses_whitespace_and_drops_control_and_bidi_characters():
    assert plain("a\r\n\tb\x07c\u202ed") == "a bcd"


def test_plain_cuts_long_text_at_a_word_boundary_with_an_ellipsis():
    excerpt = plain("word " * 100, limit=30)
    assert len(excerpt) <= 30
    assert excerpt.endswith("word…")


def test_plain_leaves_short_text_whole():
    assert plain("Hej! Ses på torsdag?") == "Hej! Ses på torsdag?"


@pytest.mark.parametrize("payload", XSS_CORPUS, ids=[f"xss{i:02d}" for i in range(len(XSS_CORPUS))])
def test_the_sanitiser_alone_neutralises_raw_html_if_the_markdown_layer_ever_let_it_through(
    payload,
):
    # Defence in depth: feed the payload, and what a careless html=True renderer would make of it,
    # straight to the bleach step.
    careless = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    careless.validateLink = lambda url: True
    for raw in (payload, careless.render(payload)):
        assert_safe(markup._sanitise(raw))


def test_mentions_are_marked_with_the_ids_of_the_people_named_and_nothing_else():
    people = [(1, "Alva Lindgren"), (2, "Noah Berg"), (3, "Alva Berg")]
    html = render("Hej @alva och @Noah Berg! `@Noah` och mejla a@Noah.se", people)
    assert '<span class="mention" data-user-id="1 3">@alva</span>' in html
    assert '<span class="mention" data-user-id="2">@Noah Berg</span>' in html
    assert "<code>@Noah</code>" in html  # code stays code
    assert html.count('class="mention"') == 2  # an address is no mention


def test_a_typed_mention_span_is_text_not_markup():
    html = render('<span class="mention" data-user-id="1">@x</span>')
    assert "<span" not in html and "&lt;span" in html
