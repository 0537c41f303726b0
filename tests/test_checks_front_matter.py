"""The front matter's checks (ebook/checks/front_matter.py): each problem on the line of its
field, and any text in any field either refused with a clear message or shown as typed."""

from __future__ import annotations

import re
from typing import Any

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

from ebook.checks.front_matter import check_front_matter, plain_text_problems, split_front_matter, unclosed_front_matter
from ebook.checks.problems import Problem
from ebook.site import attribution
from tests.helpers import normalise
from tests.test_checks_unit import BOOK, page, problems


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("title: A\ntitle: B\ndescription: D\n", r"^docs/p\.md:3: front matter field 'title' is given twice \(first on line 2\)"),
        ("title: A\ndescription: D\nhide: [toc]\n", r"^docs/p\.md:4: unknown front matter field 'hide'"),
        ("title: [A, B]\ndescription: D\n", r"^docs/p\.md:2: front matter field 'title' must be text, not a list"),
        ("title: yes\ndescription: D\n", r"^docs/p\.md:2: front matter field 'title' must be text, not yes/no"),
        ("title: A &amp; B\ndescription: D\n", r"^docs/p\.md:2: .*character reference '&amp;', which browsers would show as '&'"),
        ('title: A\ndescription: \'Say "hello"\'\n', r"^docs/p\.md:3: .*straight double quote"),
        ("- title\n- description\n", r"^docs/p\.md:2: the front matter must be fields"),
        ("title: A\ndescription: D\nattribution:\n  written_by: [me]\n", r"^docs/p\.md:5: front matter field 'attribution'\.written_by: expected text"),
        ("title: A\ndescription: D\nattribution:\n  license: GPL\n", r"^docs/p\.md:5: .*unknown licence 'GPL'; use one of: CC-BY-4\.0"),
        ("title: A\ndescription: D\nattribution: CC-BY-4.0\n", r"^docs/p\.md:4: front matter field 'attribution': expected a mapping"),
    ],
)
def test_front_matter_problems_name_the_line_of_the_field(front: str, expected: str) -> None:
    _, found, _ = check_front_matter(front, "docs/p.md", BOOK)
    assert found, front
    assert re.search(expected, str(found[0])), str(found[0])


# --- Property: any text in any front-matter field ends in a clear error or in escaped HTML ----

MARKUP = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</title>", "&amp;", "&lt;",
          "&copy", '"', "'", ": ", " #", "- ", "\n", "{{ 7*7 }}", "{% if x %}", "**b**",
          "[x](javascript:alert(1))", "---", "\\", "`", "&", "<", ">", "é", "\t", "!!! note"]
TEXT = st.lists(st.one_of(st.text(max_size=8), st.sampled_from(MARKUP)), max_size=6).map("".join)
FIELDS = [("title",), ("description",), ("attribution", "written_by"), ("attribution", "changes"),
          ("attribution", "adapted_from", "title"), ("attribution", "adapted_from", "author"),
          ("attribution", "adapted_from", "publisher"), ("attribution", "adapted_from", "source_url"),
          ("attribution", "adapted_from", "license")]
BASE: dict[str, Any] = {"title": "Listening", "description": "How peers listen."}
WORK = {"title": "Active Listening", "author": "Robin Example", "source_url": "https://example.org/",
        "license": "CC-BY-4.0"}


def front_matter_with(keys: tuple[str, ...], text: str, raw: bool) -> str:
    """Front matter with `text` in the field at `keys`: quoted by a YAML writer, or typed as it is."""
    meta: dict[str, Any] = {**BASE}
    if keys[0] == "attribution":
        meta["attribution"] = {"adapted_from": dict(WORK)} if "adapted_from" in keys else {}
    marker = "VALUE-PLACEHOLDER"
    target = meta
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = marker if raw else text
    dumped = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    return dumped.replace(marker, text) if raw else dumped


def value_at(meta: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        meta = meta[key]
    return meta


def assert_clear(found: list[Problem], front: str) -> None:
    for problem in found:
        assert problem.path == "docs/p.md"
        assert 1 <= problem.line <= len(front.splitlines()) + 2, (problem, front)
        what, _, fix = problem.message.partition(": ")
        assert what and fix, problem.message


def assert_shown_as_typed(keys: tuple[str, ...], value: str, meta: dict[str, Any]) -> None:
    """The value, inserted the way the templates and the attribution block insert it, is text."""
    if keys in (("title",), ("description",)):
        # Material and the print page insert titles unescaped, as element text and in attributes.
        element = BeautifulSoup(f"<h1>{value}</h1>", "html.parser")
        assert [tag.name for tag in element.find_all()] == ["h1"]
        assert normalise(element.h1.get_text()) == normalise(value)  # HTML collapses whitespace
        attribute = BeautifulSoup(f'<meta content="{value}">', "html.parser")
        assert len(attribute.find_all()) == 1
        if keys == ("description",):
            assert normalise(attribute.meta["content"]) == normalise(value)
        return
    page_attribution = BOOK.page_attribution(meta, source="docs/p.md")
    block = BeautifulSoup(attribution.render_block(page_attribution), "html.parser")
    assert not block.find_all(["script", "img", "iframe", "title"])
    assert all(not name.startswith("on") for tag in block.find_all() for name in tag.attrs)
    assert value.strip() in block.get_text() or keys[-1] in ("license",) or not value.strip()


@settings(max_examples=300, deadline=None)
@given(keys=st.sampled_from(FIELDS), text=TEXT, raw=st.booleans())
def test_any_text_in_any_field_is_rejected_clearly_or_shown_as_typed(keys: tuple[str, ...], text: str, raw: bool) -> None:
    front = front_matter_with(keys, text, raw)
    meta, found, _ = check_front_matter(front, "docs/p.md", BOOK)
    if found:
        assert_clear(found, front)
        return
    value = value_at(meta, keys)
    assert isinstance(value, str)
    assert_shown_as_typed(keys, value, meta)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT)
def test_text_that_passes_the_checks_is_plain_in_every_html_context(text: str) -> None:
    if plain_text_problems("title", text):
        return
    soup = BeautifulSoup(f"<title>{text} - Book</title><p>{text}</p><a aria-label='x'>{text}</a>", "html.parser")
    assert [t.name for t in soup.find_all()] == ["title", "p", "a"]
    assert normalise(soup.p.get_text()) == normalise(text)  # HTML collapses whitespace


def test_an_attribution_field_not_indented_under_attribution_is_told_where_it_goes() -> None:
    front = "---\ntitle: Listening\ndescription: How peers listen.\nattribution:\nwritten_by: Sam\n---\n\n"
    found = problems(page("# Listening\n", front=front))
    assert found == [
        "docs/chapters/listening.md:4: front matter field 'attribution' is empty: fill it in, with its fields "
        "on the lines below it, each indented by two spaces, as in the chapter template",
        "docs/chapters/listening.md:5: unknown front matter field 'written_by': it belongs under "
        "'attribution:', on the line below it, indented by two spaces; the fields a page may have are "
        "title, description, attribution",
    ]
    empty_name = front.replace("written_by: Sam", "  written_by:")
    assert problems(page("# Listening\n", front=empty_name)) == [
        "docs/chapters/listening.md:5: front matter field 'attribution.written_by' is empty: fill it in with "
        "the names of whoever wrote the page"]


# --- A page adapted from another work takes a licence that work allows ------------------------

ADAPTED = ("---\ntitle: Listening\ndescription: How peers listen.\nattribution:\n  adapted_from:\n"
           "    title: Active Listening\n    author: Robin Example\n"
           "    source_url: https://example.org/listening/\n    license: {original}\n{page}---\n\n")


@pytest.mark.parametrize(("original", "page_licence"), [
    ("CC-BY-4.0", None), ("CC-BY-4.0", "CC-BY-SA-4.0"), ("CC-BY-SA-4.0", None), ("CC-BY-NC-4.0", "CC-BY-NC-SA-4.0"),
])
def test_a_page_may_take_a_licence_the_work_it_adapts_allows(original: str, page_licence: str | None) -> None:
    front = ADAPTED.format(original=original, page=f"  license: {page_licence}\n" if page_licence else "")
    assert problems(page("# Listening\n", front=front)) == []


@pytest.mark.parametrize(("original", "page_licence", "expected"), [
    ("CC-BY-ND-4.0", None,
     "docs/chapters/listening.md:9: front matter field 'attribution'.adapted_from.license: CC BY-ND 4.0 is a "
     "NoDerivatives licence: it lets anyone share the original only as it is, never adapted, so no page may "
     "adapt it. Ask its author for permission to adapt it, or adapt a work whose licence allows adaptations"),
    ("CC-BY-SA-4.0", "CC-BY-4.0",
     "docs/chapters/listening.md:10: front matter field 'attribution'.license: a page adapted from a CC BY-SA 4.0 "
     "work must be shared under CC BY-SA 4.0 too (ShareAlike), not CC BY 4.0: write license: CC-BY-SA-4.0, or "
     "leave it out to use the original's"),
    ("CC-BY-NC-4.0", "CC-BY-4.0",
     "docs/chapters/listening.md:10: front matter field 'attribution'.license: CC BY 4.0 would let anyone use "
     "this page commercially, which the original's CC BY-NC 4.0 forbids (NonCommercial): write a NonCommercial "
     "licence, e.g. CC-BY-NC-4.0, or leave it out to use the original's"),
])
def test_a_page_under_a_licence_the_work_it_adapts_forbids_is_told_at_its_line(
        original: str, page_licence: str | None, expected: str) -> None:
    front = ADAPTED.format(original=original, page=f"  license: {page_licence}\n" if page_licence else "")
    assert problems(page("# Listening\n", front=front)) == [expected]


def test_a_page_of_the_original_may_not_drop_its_credit_but_a_page_of_ones_own_may() -> None:
    front = "---\ntitle: Listening\ndescription: How peers listen.\nattribution:\n  {who}license: CC0-1.0\n---\n\n"
    assert problems(page("# Listening\n", front=front.format(who=""))) == [
        "docs/chapters/listening.md:5: front matter field 'attribution'.license: CC0 1.0 would let anyone reuse "
        "this page without crediting the original's author, which the original's CC BY 4.0 requires (Attribution): "
        "write a licence that asks for credit, e.g. CC-BY-4.0, or leave it out to use the original's"]
    own = front.format(who="written_by: Sam Contributor\n  ")
    assert problems(page("# Listening\n", front=own)) == []


# --- Front matter that is not valid YAML: the common mistakes told in words, on their line ----

UNREADABLE = "so the front matter is not valid YAML and none of its fields can be read"


@pytest.mark.parametrize(("front", "expected"), [
    ("title:Active Listening\ndescription: How peers listen.\n",
     [f"docs/p.md:2: 'title:' has no space after its colon, {UNREADABLE}: add a space after the colon of "
      "'title:', e.g. title: Active Listening"]),
    ("title: Listening\ndescription:How peers listen.\nattribution:\n  written_by: Sam\n",
     [f"docs/p.md:3: 'description:' has no space after its colon, {UNREADABLE}: add a space after the colon "
      "of 'description:', e.g. description: How peers listen."]),
    ("title:Active Listening\n",
     [f"docs/p.md:2: 'title:' has no space after its colon, {UNREADABLE}: add a space after the colon of "
      "'title:', e.g. title: Active Listening"]),
    ("title:Listening\ndescription:How peers listen.\nattribution:\n  written_by: Sam\n",
     [f"docs/p.md:2: 'title:' has no space after its colon, {UNREADABLE}: add a space after the colon of "
      "'title:', e.g. title: Listening",
      f"docs/p.md:3: 'description:' has no space after its colon, {UNREADABLE}: add a space after the colon "
      "of 'description:', e.g. description: How peers listen."]),
    ("attribution:\n  written_by:Sam\n  changes: Shortened.\ntitle: Listening\n",
     [f"docs/p.md:3: 'written_by:' has no space after its colon, {UNREADABLE}: add a space after the colon "
      "of 'written_by:', e.g. written_by: Sam"]),
])
def test_a_field_without_a_space_after_its_colon_is_told_on_its_line(front: str, expected: list[str]) -> None:
    _, found, _ = check_front_matter(front, "docs/p.md", BOOK)
    assert [str(p) for p in found] == expected


@pytest.mark.parametrize(("front", "expected"), [
    ("title: Listening\ndescription: Listening: the basics\n",
     "docs/p.md:3: front matter field 'description' has a colon followed by a space inside its value, which "
     f"YAML takes for the start of another field, {UNREADABLE}: put the whole value in double quotes, e.g. "
     'description: "Listening: the basics"'),
    ("title: Listening\ndescription: D\nattribution:\n  adapted_from:\n    title: Listening: the basics\n",
     "docs/p.md:6: front matter field 'title' has a colon followed by a space inside its value, which "
     f"YAML takes for the start of another field, {UNREADABLE}: put the whole value in double quotes, e.g. "
     'title: "Listening: the basics"'),
    ("title: Listening\ndescription: What to say:\n",
     "docs/p.md:3: front matter field 'description' has a colon at the end of its value, which "
     f"YAML takes for the start of another field, {UNREADABLE}: put the whole value in double quotes, e.g. "
     'description: "What to say:"'),
])
def test_a_colon_inside_a_value_is_told_with_the_value_quoted(front: str, expected: str) -> None:
    _, found, _ = check_front_matter(front, "docs/p.md", BOOK)
    assert [str(p) for p in found] == [expected]


TAB = ("this line of the front matter has a tab, which YAML does not accept here, so the front matter is "
       "not valid YAML and none of its fields can be read: ")


@pytest.mark.parametrize(("front", "expected"), [
    ("title: T\ndescription: D\nattribution:\n\twritten_by: Sam\n",
     f"docs/p.md:5: {TAB}indent the line with spaces instead, two for each level, as in the chapter template"),
    ("title:\tListening\ndescription: D\n", f"docs/p.md:2: {TAB}type a space instead of the tab"),
])
def test_a_tab_is_told_on_its_line(front: str, expected: str) -> None:
    _, found, _ = check_front_matter(front, "docs/p.md", BOOK)
    assert [str(p) for p in found] == [expected]


GENERAL = ("the front matter is not valid YAML here, so none of its fields can be read: write each field as "
           "'name: value' on its own line, with a space after the colon, indent nested fields with spaces, "
           "and put a value that contains ': ' or ' #', or starts with a quote, '[', '{', '*', '&', '!', '|' "
           "or '>', in double quotes")


@pytest.mark.parametrize(("front", "line"), [
    ('title: T\ndescription: "How peers\nattribution:\n  written_by: Sam\n', 3),  # where the quote opens
    ("title: [Listening\ndescription: D\n", 2),  # where the bracket opens
    ("title: T\ndescription: D\n- listening\n", 4),  # the stray line, not the first field
])
def test_other_unreadable_front_matter_is_told_plainly_on_the_line_to_fix(front: str, line: int) -> None:
    _, found, _ = check_front_matter(front, "docs/p.md", BOOK)
    assert [str(p) for p in found] == [f"docs/p.md:{line}: {GENERAL}"]


# --- A value YAML reads otherwise than it is written: the fix quotes the text as typed ----------


@pytest.mark.parametrize(("front", "expected"), [
    ("title: 10:30\ndescription: D\n",  # YAML's base-60 number 630
     "docs/p.md:2: front matter field 'title' must be text, not a number: put the text in double quotes, "
     'e.g. title: "10:30"'),
    ("title: yes\ndescription: D\n",  # YAML's True
     "docs/p.md:2: front matter field 'title' must be text, not yes/no: put the text in double quotes, "
     'e.g. title: "yes"'),
    ("title: T\ndescription: Off # for now\n",
     "docs/p.md:3: front matter field 'description' must be text, not yes/no: put the text in double "
     'quotes, e.g. description: "Off"'),
    ("title: T\ndescription:\n  1_000\n",
     "docs/p.md:3: front matter field 'description' must be text, not a number: put the text in double "
     'quotes, e.g. description: "1_000"'),
])
def test_a_value_read_as_a_number_or_yes_no_is_quoted_as_typed_in_the_fix(front: str, expected: str) -> None:
    _, found, _ = check_front_matter(front, "docs/p.md", BOOK)
    assert [str(p) for p in found] == [expected]


COMMENT = "after ' #' is read as a comment and left out: put the whole value in double quotes, e.g."


@pytest.mark.parametrize(("front", "expected"), [
    ("title: Chapter #1 is fun\ndescription: D\n",
     f'docs/p.md:2: the title\'s text {COMMENT} title: "Chapter #1 is fun"'),
    ("title: #1 Chapter\ndescription: D\n",  # the whole title a comment: no second "has no title"
     f'docs/p.md:2: the title\'s text {COMMENT} title: "#1 Chapter"'),
    ("title: T\ndescription: How peers\n  listen #2 of 3\n",  # on the line of the comment
     f'docs/p.md:4: the description\'s text {COMMENT} description: "How peers listen #2 of 3"'),
    ("title: T\ndescription: D\nattribution:\n  written_by: Sam # and Robin\n",
     f"docs/p.md:5: the text of 'attribution.written_by' {COMMENT} written_by: \"Sam # and Robin\""),
    ("title: T\ndescription: D\nattribution:\n  adapted_from:\n    title: Talk #2 \"live\"\n    author: R\n"
     "    source_url: https://example.org/\n    license: CC-BY-4.0\n",
     f"docs/p.md:6: the text of 'attribution.adapted_from.title' {COMMENT} title: \"Talk #2 \\\"live\\\"\""),
])
def test_a_value_cut_short_by_a_comment_is_told_on_its_line(front: str, expected: str) -> None:
    _, found, _ = check_front_matter(front, "docs/p.md", BOOK)
    assert [str(p) for p in found] == [expected]


@pytest.mark.parametrize("front", [
    "title: '10:30 meeting'\ndescription: \"Listening # the basics\"\n",  # ' #' inside quotes
    "title: Listening#hashtag\ndescription: See https://example.org/a:b#part\n",  # no space before '#'
    "title: \"Listening\" # a note\ndescription: >-\n  Listening #1, in a block\n",  # after the quotes; a block
    "# a note on its own line\ntitle: Listening\ndescription: D\n  # another\n",
    "title: T\ndescription: D\nattribution:\n  adapted_from:\n    title: A\n    author: R\n"
    "    source_url: https://example.org/#part\n    license: CC-BY-4.0 # the original's\n    year: 2020 # about\n",
])
def test_no_comment_is_told_where_nothing_is_cut(front: str) -> None:
    _, found, _ = check_front_matter(front, "docs/p.md", BOOK)
    assert found == []


@pytest.mark.parametrize(("front", "expected"), [
    ("title:Listening: the basics\ndescription: D\n",
     "docs/p.md:2: 'title:' has no space after its colon, so YAML reads 'title:Listening' as the name of an "
     "unknown field, not as the page's title: add a space after the colon of 'title:' and put the whole value "
     'in double quotes, e.g. title: "Listening: the basics"'),
    ("title: T\ndescription:What to say:\n",
     "docs/p.md:3: 'description:' has no space after its colon, so YAML reads 'description:What to say' as the "
     "name of an unknown field, not as the page's description: add a space after the colon of 'description:' "
     'and put the whole value in double quotes, e.g. description: "What to say:"'),
    ("title: T\ndescription: D\nattribution:written_by: Sam\n",
     "docs/p.md:4: 'attribution:' has no space after its colon, so YAML reads 'attribution:written_by' as the "
     "name of an unknown field, not as the page's attribution: put 'attribution:' on a line of its own and, on "
     "the line below it, indented by two spaces, written_by: Sam"),
])
def test_a_field_read_as_an_unknown_one_for_want_of_a_space_is_told_so(front: str, expected: str) -> None:
    _, found, _ = check_front_matter(front, "docs/p.md", BOOK)
    assert [str(p) for p in found] == [expected]


# --- A front matter opened and never closed --------------------------------------------------

UNCLOSED_CASES = [
    # The fields, then the heading, no blank line between: MkDocs shows them as text after an <hr>.
    ("---\ntitle: Listening\ndescription: How peers listen.\nattribution:\n  written_by: Ana\n# Listening\n\nText.\n", 5),
    # A value running on, indented, and a blank line before the body.
    ("---\ntitle: Listening\ndescription: >-\n  How peers listen,\n  and why.\nattribution:\n  written_by: Ana\n\n"
     "# Listening\n\nText.\n", 7),
    # A paragraph right after the fields; the template's notes before them, and a note among them.
    ("---\n# A new chapter: notes.\ntitle: Listening\ndescription: How peers listen.\nattribution:\n"
     "  # Who wrote it.\n  written_by: Ana\nText runs on here.\n", 7),
]


@pytest.mark.parametrize(("text", "last"), UNCLOSED_CASES)
def test_a_front_matter_never_closed_is_told_where_to_close_it(text: str, last: int) -> None:
    """Not "start the file with …", which, followed, left the old fields as the page's text: the
    line to close the front matter after, and, closed there, a page with nothing more to fix
    whose rendered text shows none of its fields."""
    _, found, _ = check_front_matter(None, "docs/chapters/listening.md", BOOK, text=text)
    assert [str(p) for p in found] == [
        f"docs/chapters/listening.md:{last}: the front matter that starts on line 1 is never closed: add a line of "
        f"three dashes (---) after its last field (line {last})"]
    lines = text.split("\n")
    closed = "\n".join([*lines[:last], "---", *lines[last:]])
    assert split_front_matter(closed)[0] is not None
    assert problems(page("", front=closed)) == []
    body, meta = get_data(closed)  # as MkDocs reads the page
    assert meta["title"] == "Listening" and meta["attribution"] == {"written_by": "Ana"}
    rendered = markdown.markdown(body)
    assert "<hr" not in rendered and not re.search(r"title|description|attribution|written_by", rendered), rendered


@pytest.mark.parametrize("text", [
    "# Home\n\nText.\n",  # no front matter at all
    "---\n\n# Home\n\nText.\n",  # a line across the page, then the body
    "---\n# Home\n\nText.\n",
])
def test_a_page_with_no_front_matter_at_all_is_still_told_to_start_with_one(text: str) -> None:
    _, found, _ = check_front_matter(None, "docs/index.md", BOOK, text=text)
    assert [p.message.split(":")[0] for p in found] == ["the page has no front matter (or it is not closed with a line of three dashes)"]
    assert found[0].line == 1


def test_a_closed_front_matter_is_never_told_it_is_not() -> None:
    assert unclosed_front_matter("---\ntitle: Listening\ndescription: D\n---\n\n# Listening\n") is None
    assert unclosed_front_matter("---\ntitle: Listening\ndescription: D\n...\n# Listening\n") is None
