"""The allowlist of contributors' HTML (hooks/ebook/checks/html_allowlist.py): read as browsers read it.

What it refuses is told by name (the element, the attribute, the address); what the book itself
writes passes untouched. The chapter checks place each refusal on its source line
(tests/test_checks_unit.py) and the attack corpus runs through the whole build
(tests/test_attack_corpus.py).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ebook.checks import html_allowlist
from tests.test_checks_unit import CONTEXT


def refused(markup: str) -> list[str]:
    return [refusal.message for refusal in html_allowlist.refusals(markup)]


@pytest.mark.parametrize(
    ("markup", "words"),
    [
        # Read differently by html.parser and by browsers: the image is an element to a browser.
        ('<textarea><p title="</textarea><img src=x onerror=alert(1)>"></textarea>', "onerror= on <img> runs script"),
        ('<title><p title="</title><img src=x onerror=alert(1)>"></title>', "onerror= on <img> runs script"),
        ('<xmp><p title="</xmp><img src=x onerror=alert(1)>"></xmp>', "onerror= on <img> runs script"),
        ('<noembed><p title="</noembed><img src=x onerror=alert(1)>"></noembed>', "onerror= on <img> runs script"),
        ('<noframes><p title="</noframes><img src=x onerror=alert(1)>"></noframes>', "onerror= on <img> runs script"),
        ("<!--><img src=x onerror=alert(1)>-->", "onerror= on <img> runs script"),
        ("<![CDATA[><img src=x onerror=alert(1)>]]>", "onerror= on <img> runs script"),
        ('<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text y="20">Click</text></a></svg>',
         "<svg> can run script"),
        ('<math><mi xlink:href="javascript:alert(1)">x</mi></math>', "<math>"),
        ("<SCRIPT>alert(1)</SCRIPT>", "<script> runs script"),
        ('<a href="java&#x09;script:alert(1)">x</a>', "is a javascript: address"),
        ('<a href=" JavaScript:alert(1)">x</a>', "is a javascript: address"),
        ('<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>', "javascript: address"),
        ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "is a data: address"),
        ('<img alt="x" src="x.png" OnError="alert(1)">', "onerror= on <img> runs script"),
        ('<details open ontoggle="alert(1)"><summary>x</summary></details>', "ontoggle= on <details> runs script"),
        # Another host asked as the page opens: what the reader reads would be known there.
        ('<img alt="x" src="https:cdn.example.org/a.png">', "loads a file from another site"),
        ('<img alt="x" src="//cdn.example.org/a.png">', "loads a file from another site"),
        ('<img alt="x" src="/\\cdn.example.org/a.png">', "loads a file from another site"),
        ('<img alt="x" src="a.png" srcset="a.png 1x, https://cdn.example.org/b.png 2x">', "srcset= on <img>"),
        ('<p style="background:url(https://cdn.example.org/x.png)">x</p>', "a style= attribute"),
        ("<style>@import url(https://cdn.example.org/x.css);</style>", "<style>"),
        ('<video poster="https://cdn.example.org/p.png"></video>', "<video>"),
        ('<link rel="stylesheet" href="https://cdn.example.org/x.css">', "<link> loads files"),
        ('<meta http-equiv="refresh" content="0;url=https://example.org">', "<meta> can redirect"),
        ('<base href="https://example.org/">', "<base> changes where every link"),
        ('<form action="https://survey.example.org/"><input name="feeling"></form>', "<form> sends"),
        ('<input type="text" value="How do you feel?">', "makes a form field"),
        # The theme's own page: an element taking one of its ids could take its settings' place.
        ('<p id="__config">{"search": "x.js"}</p>', "starts with two underscores"),
    ],
)
def test_what_runs_script_or_asks_another_host_is_refused_by_name(markup: str, words: str) -> None:
    found = refused(markup)
    assert any(words in message for message in found), found
    assert html_allowlist.sanitized(markup) != markup


@pytest.mark.parametrize(("markup", "instead", "not_said"), [
    ('<p><font color="red">Important</font></p>', "write **bold** or *italics* in Markdown", "video"),
    ('<center>A heading</center>', "write **bold** or *italics* in Markdown", "video"),
    ('<iframe src="https://video.example.org/talk"></iframe>', "to show a video or form, link to it", "bold"),
    ('<textarea>Notes</textarea>', 'see "Raw HTML" in CONTRIBUTING.md', "video"),
])
def test_a_refused_element_is_told_what_to_write_instead_where_markdown_has_a_way(
        markup: str, instead: str, not_said: str) -> None:
    (message,) = [m for m in refused(markup) if "raw HTML element" in m]
    assert instead in message and not_said not in message, message


@pytest.mark.parametrize(
    "markup",
    [
        '<p>Text with <em>emphasis</em>, <strong>strength</strong>, &amp; a <a href="../other/#part">link</a>.</p>',
        '<p><a href="https://opentextbc.ca/peersupport/">The original</a> <a href="mailto:a@example.org">Write</a></p>',
        '<p><img alt="Two people" src="../images/two.png" width="300"></p>',
        '<table><thead><tr><th style="text-align: left;">A</th></tr></thead><tbody><tr><td style="text-align: center;">1</td></tr></tbody></table>',
        '<details class="note" open><summary>Title</summary><p>Body</p></details>',
        '<ul class="task-list"><li class="task-list-item"><label class="task-list-control"><input type="checkbox" disabled checked><span class="task-list-indicator"></span></label> Done</li></ul>',
        "<!-- a note for other contributors -->",
        '<div class="admonition reflection"><p class="admonition-title">Reflect</p><ul><li>A prompt?</li></ul></div>',
    ],
)
def test_what_the_book_writes_itself_passes(markup: str) -> None:
    assert refused(markup) == []


def test_every_construct_the_book_uses_passes_in_markdown() -> None:
    """Headings with their permalinks, boxes, footnotes, abbreviations, definition lists, tables,
    task lists, attribute lists with classes and ids, code blocks: what Python-Markdown makes of
    them, with the book's extensions."""
    markdown_text = (
        "# Title\n\n## A part { #part .wide }\n\nText[^1] about HTML.\n\n"
        "!!! reflection \"Reflect\"\n\n    - A prompt?\n\n??? note \"More\"\n\n    Hidden.\n\n"
        "Term\n:   Its definition.\n\n| A | B |\n|:--|--:|\n| 1 | 2 |\n\n- [x] Done\n- [ ] To do\n\n"
        "```python\nprint('x < y')\n```\n\n<div markdown>\n*Inside* a block.\n</div>\n\n"
        "![Two people](images/two.png){ width=\"300\" }\n\n"
        "[^1]: A footnote.\n\n*[HTML]: HyperText Markup Language\n"
    )
    html_text, _ = CONTEXT.renderer.render(markdown_text)
    assert "footnote" in html_text and "<abbr" in html_text and 'style="text-align' in html_text
    assert refused(html_text) == []


def test_attribute_lists_are_held_to_the_same_allowlist() -> None:
    html_text, _ = CONTEXT.renderer.render('## A part { onclick="alert(1)" style="color: red" }\n')
    found = refused(html_text)
    assert any("onclick= on <h2> runs script" in m for m in found), found
    assert any("a style= attribute" in m for m in found), found


# --- Whatever the markup, a refusal names what is refused --------------------------------------

TAGS = ["a", "img", "p", "video", "svg", "div", "IMG", "source", "body", "textarea", "math", "td"]
NAMES = ["href", "src", "srcset", "poster", "style", "onclick", "OnError", "title", "alt", "class",
         "id", "SRC", "HREF", "data-download", "formaction", "xlink:href"]
VALUE_PIECES = [
    "javascript:", "JaVaScRiPt:", "java\tscript:", "jav&#x61;script:", "&#106;avascript:",
    "javascript&colon;", "vbscript:", "data:text/html,", "//cdn.example.org/a.png",
    "https://cdn.example.org/x", "ht&#116;ps://x", "/&#47;x", " ", "\x01", "\n", "&Tab;", "x",
    ">", "'", '"', "=", "images/a.png", "../", "#top", "__", "text-align: left", "url(x)",
]
VALUE = st.lists(st.sampled_from(VALUE_PIECES), max_size=4).map("".join)


@st.composite
def attribute(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(NAMES))
    value = draw(VALUE)
    quote = draw(st.sampled_from(['"', "'", ""]))
    value = value.replace(quote, "") if quote else ("".join(c for c in value if c not in " \t\n\x0c\r'\">") or "x")
    return f"{draw(st.sampled_from([' ', '/', '  ']))}{name}={quote}{value}{quote}"


@st.composite
def html_fragment(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        parts.append(draw(st.text(max_size=12).map(lambda t: t.replace("<", ""))))
        tag = draw(st.sampled_from(TAGS))
        parts.append(f"<{tag}{''.join(draw(st.lists(attribute(), max_size=3)))}>")
    return "".join(parts)


# How a message names what it refuses: `<img>`, `onerror=`, "the id '__x'".
NAMED = re.compile(r"<([a-z][\w:-]*)[ >]|\b([a-z][\w:-]*)=|\bthe ([a-z][\w-]*) '")


def names_in(message: str) -> set[str]:
    return {name for match in NAMED.finditer(message) for name in match.groups() if name}


@settings(max_examples=500, deadline=None)
@given(fragment=html_fragment())
def test_whatever_the_sanitizer_would_change_is_refused_by_name(fragment: str) -> None:
    written = fragment.lower()
    for message in refused(fragment):
        if message.startswith("the raw HTML at the end of the page is not finished"):
            # It quotes the unfinished end as the contributor wrote it, so they can find it.
            quoted = message.split("still open: '", 1)[1].split("'), so what", 1)[0]
            assert quoted and quoted.lower() in written, (fragment, message)
            continue
        # The element or attribute it names is one the contributor wrote, so they can find it.
        named = names_in(message)
        assert any(re.search(rf"<{re.escape(name)}[\s/>]|[\s/]{re.escape(name)}=", written) for name in named), \
            (fragment, message)
        assert "is not read the same way by every browser" not in message, (fragment, message)


# --- What the allowlist allows is never refused, however it is put together --------------------

VOID = {"br", "col", "hr", "img", "input", "wbr"}
PLAIN_VALUE = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)
WORDS = st.from_regex(r"[A-Za-z ,.]{0,12}", fullmatch=True)


@st.composite
def allowed_attribute(draw: st.DrawFn, element: str) -> str:
    name = draw(st.sampled_from(sorted(html_allowlist.EVERY_ELEMENT | html_allowlist.ALLOWED_ATTRIBUTES.get(element, frozenset()))))
    if name == "style":
        value = draw(st.sampled_from(html_allowlist.ALIGNMENTS))
    elif element == "input" and name == "type":
        value = "checkbox"  # the one kind of field a page has: a task list's box
    else:
        value = draw(PLAIN_VALUE)
    return f' {name}="{value}"'


# Valid HTML, as Markdown and a careful contributor write it: elements that need a particular
# parent (a table's rows, a list's items) are left out, and only text-level elements are nested
# (browsers repair other nestings, and two parsers may repair a misnesting differently: such
# markup is refused as "not read the same way by every browser", rightly).
PHRASING = sorted({"abbr", "b", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q",
                   "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "br",
                   "wbr", "img"})
NEEDS_A_PARENT = {"caption", "col", "colgroup", "dd", "dt", "figcaption", "li", "summary", "tbody",
                  "td", "tfoot", "th", "thead", "tr", "table", "input"}
STANDALONE = sorted(html_allowlist.ALLOWED_ELEMENTS - NEEDS_A_PARENT)


@st.composite
def allowed_fragment(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        parts.append(draw(WORDS))
        element = draw(st.sampled_from(STANDALONE if depth == 0 else PHRASING))
        attributes = "".join(draw(st.lists(allowed_attribute(element), max_size=3, unique=True)))
        inner = "" if element in VOID or depth >= 2 else draw(st.one_of(WORDS, allowed_fragment(depth + 1)))
        parts.append(f"<{element}{attributes}>" + ("" if element in VOID else f"{inner}</{element}>"))
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(fragment=allowed_fragment())
def test_allowed_elements_with_allowed_plain_attributes_are_never_refused(fragment: str) -> None:
    assert refused(fragment) == [], fragment


@pytest.mark.parametrize("address", ["https://example.org:port/", "https://example.org:99999/", "http://[::1/"])
def test_an_address_browsers_cannot_read_is_refused_by_name(address: str) -> None:
    found = html_allowlist.refusals(f'<a href="{address}">Read</a>')
    assert [r.message.split(" (")[0] for r in found] == ["the address in href= on <a>"]
    assert "is not one every browser reads the same way" in found[0].message


@pytest.mark.parametrize("address", ["https://example.org:8080/page", "../chapters/a/", "#top", "mailto:a@example.org"])
def test_an_address_browsers_read_is_kept(address: str) -> None:
    assert html_allowlist.refusals(f'<a href="{address}">Read</a>') == []
