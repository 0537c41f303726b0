"""The chapter checks' functions, called directly: source text in, problems (file:line: message) out."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ebook.model import credits, state
from ebook.model import settings as book_settings
from ebook.model.book import page_slug
from ebook.site import attribution
from ebook.checks import book as checks
from tests.helpers import ROOT, normalise

CONFIG = load_config(str(ROOT / "mkdocs.yml"))
BOOK = book_settings.parse_book_settings(CONFIG.extra["book"])
CONTEXT = checks.Context(book=BOOK, extensions=list(CONFIG.markdown_extensions),
                         extension_configs=dict(CONFIG.mdx_configs))
# A chapter must say who wrote it: one line of front matter, so the body starts on line 7.
FRONT = "---\ntitle: Listening\ndescription: How peers listen.\nattribution: {written_by: Sam Contributor}\n---\n\n"


def page(body: str, front: str = FRONT, src_uri: str = "chapters/listening.md", url: str = "chapters/listening/") -> checks.Source:
    return checks.Source(src_uri=src_uri, url=url, raw=(front + body).encode("utf-8"))


def problems(*sources: checks.Source) -> list[str]:
    return [str(p) for p in checks.check_book(list(sources), [], CONTEXT).problems]


@pytest.mark.book
def test_the_real_book_has_no_problems() -> None:
    sources = [checks.Source(p.relative_to(ROOT / "docs").as_posix(), "", p.read_bytes())
               for p in sorted((ROOT / "docs").rglob("*.md"))]
    sources = [checks.Source(s.src_uri, s.src_uri.removesuffix(".md").removesuffix("index") + "/", s.raw) for s in sources]
    assert checks.check_book(sources, [], CONTEXT).problems == []


def test_a_clean_page_has_no_problems() -> None:
    assert problems(page("# Listening\n\n## Part\n\nText with [a named link](https://example.org/).\n")) == []


def test_a_line_inside_a_fenced_code_block_is_never_taken_for_the_real_thing() -> None:
    body = (
        "# Listening\n\n"
        "```markdown\n#### Not a heading\n!!! note\n```\n\n"
        "#### Skipped\n\n"
        "~~~\n!!! senario\n~~~\n\n"
        "!!! senario \"Example\"\n\n    Text.\n"
    )
    found = problems(page(body))
    assert found == [
        "docs/chapters/listening.md:14: heading 'Skipped' is level 4 but the heading before it is level 1, "
        "so level 2 is skipped: write it with ## (or add the missing level above it)",
        "docs/chapters/listening.md:20: unknown admonition type 'senario', which would show as a plain note: "
        "did you mean 'scenario'?",
    ]


def test_setext_headings_and_headings_in_raw_html_count() -> None:
    body = "Listening\n=========\n\nText.\n\nAgain\n=====\n\n<h4>Raw</h4>\n"
    found = problems(page(body))
    assert found[0].startswith("docs/chapters/listening.md:12: a second level-1 heading 'Again'")
    assert found[1].startswith("docs/chapters/listening.md:15: heading 'Raw' is level 4")


def test_collapsible_admonitions_are_checked_like_the_others() -> None:
    found = problems(page("# L\n\n??? warnig \"Careful\"\n\n    Text.\n\n???+ reflection\n\n    No prompts.\n"))
    assert [f.split(": ", 1)[0] for f in found] == ["docs/chapters/listening.md:9", "docs/chapters/listening.md:13"]
    assert "did you mean 'warning'?" in found[0] and "no prompts" in found[1]


def test_an_admonition_with_only_an_image_or_a_nested_box_has_a_body() -> None:
    body = "# L\n\n!!! note \"Picture\"\n\n    ![A circle](circle.png)\n\n!!! reflection\n\n    !!! tip\n\n        - A prompt\n"
    assert problems(page(body)) == []


@pytest.mark.parametrize(
    ("markup", "words"),
    [
        ("<SCRIPT>alert(1)</SCRIPT>", "<script> runs script"),
        ("<svg><script>alert(1)</script></svg>", "<script> runs script"),
        ('<a href="java&#x09;script:alert(1)">x</a>', "javascript: address"),
        ('<a href=" JavaScript:alert(1)">x</a>', "javascript: address"),
        ('<textarea><p title="</textarea><img src=x onerror=alert(1)>"></textarea>', "onerror= on <img> runs script"),
        ('<img alt="x" src="x.png" OnError="alert(1)">', "onerror= on <img> runs script"),
        ('<img alt="x" src="//cdn.example.org/a.png">', "loads a file from another site"),
        ('<video poster="https://cdn.example.org/p.png"></video>', "<video> loads its media"),
        ('<meta http-equiv="refresh" content="0;url=https://example.org">', "<meta> can redirect"),
        ('<link rel="stylesheet" href="https://cdn.example.org/x.css">', "<link> loads files"),
        ('<base href="https://example.org/">', "<base> changes where every link"),
    ],
)
def test_unsafe_html_in_any_disguise_is_found(markup: str, words: str) -> None:
    found = problems(page(f"# L\n\nText.\n\n{markup}\n"))
    assert any(f.startswith("docs/chapters/listening.md:11: ") and words in f for f in found), found


def test_a_markdown_link_with_a_javascript_address_is_unsafe_too() -> None:
    found = problems(page("# L\n\n[A link](javascript:alert(1))\n"))
    assert found and "javascript: address" in found[0]


def test_raw_html_links_are_resolved_from_the_built_pages_address() -> None:
    one = page("# One\n\n## First part\n\n<a href='../two/#second-part'>ok</a> <a href='../two/#nope'>bad</a>\n"
               "<a href='../../'>home</a> <a href='two.md'>md</a> <a href='/chapters/two/'>abs</a>\n"
               "<img alt='A circle' src='../../images/circle.png'> <a href='#first-part'>self</a>\n"
               "<a data-download='downloads/handouts/one.pdf' href='../../downloads/handouts/one.pdf'>Handout</a>\n",
               src_uri="chapters/one.md", url="chapters/one/")
    two = page("# Two\n\n## Second part\n", front=FRONT.replace("Listening", "Two"), src_uri="chapters/two.md", url="chapters/two/")
    home = page("# Home\n", front=FRONT.replace("Listening", "Home"), src_uri="index.md", url="./")
    image = checks.Source("images/circle.png", "images/circle.png", b"")
    report = checks.check_book([one, two, home], [image], CONTEXT)
    found = {(p.line, p.message.split(", which")[0].split(" starts")[0].split(" points")[0]) for p in report.problems}
    assert found == {
        (11, "the raw HTML link '../two/#nope'"),
        (12, "the raw HTML link 'two.md'"),
        (12, "the raw HTML link '/chapters/two/'"),
    }, report.problems
    messages = " ".join(p.message for p in report.problems)
    assert "anchor '#nope', which docs/chapters/two.md does not have" in messages
    assert "points at a Markdown file" in messages and "starts with '/'" in messages


def test_not_utf8_names_the_line_and_column() -> None:
    raw = FRONT.encode() + b"# L\n\nCaf\xe9\n"
    found = problems(checks.Source("index.md", "./", raw))
    assert found == ["docs/index.md:9: the file is not valid UTF-8 text (byte 0xE9 at column 4): save the file "
                     "with the UTF-8 encoding in your editor and check the characters on that line"]


def test_a_byte_order_mark_and_windows_line_ends_are_fine() -> None:
    raw = ("\ufeff" + FRONT + "# L\n\n## Part\n").replace("\n", "\r\n").encode("utf-8")
    assert problems(checks.Source("index.md", "./", raw)) == []


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
    _, found, _ = checks.check_front_matter(front, "docs/p.md", BOOK)
    assert found, front
    assert re.search(expected, str(found[0])), str(found[0])


def test_a_page_without_front_matter_is_told_how_to_start() -> None:
    found = problems(checks.Source("index.md", "./", b"# Home\n\nText.\n"))
    assert found[0].startswith("docs/index.md:1: the page has no front matter")
    assert "title: The page's title" in found[0]


def test_the_last_guard_stops_unsafe_html_that_reached_the_rendered_page() -> None:
    """Whatever produced it, a page's content with script in it is never written."""
    state.start(CONFIG)
    checks.on_config(CONFIG)
    file = File("chapters/listening.md", str(ROOT / "docs"), str(ROOT / "site"), True)
    guarded = Page("Listening", file, CONFIG)
    assert checks.on_page_content("<p>Fine.</p>", page=guarded, config=CONFIG, files=Files([])) == "<p>Fine.</p>"
    assert checks.on_env("env", config=CONFIG, files=Files([])) == "env"
    # Found in on_page_content, it stops the build in on_env: every page converted, none written.
    checks.on_page_content("<p>Fine.</p><script>alert(1)</script>", page=guarded, config=CONFIG, files=Files([]))
    with pytest.raises(PluginError, match=r"docs/chapters/listening\.md:\d+: the raw HTML element <script> runs script"):
        checks.on_env("env", config=CONFIG, files=Files([]))


def test_page_slugs_are_file_names_or_folder_names_for_index_pages() -> None:
    assert page_slug("chapters/connection.md") == "connection"
    assert page_slug("chapters/index.md") == "chapters"
    assert page_slug("index.md") == ""
    found = problems(page("# A\n", src_uri="chapters.md", url="chapters/"),
                     page("# B\n", front=FRONT.replace("Listening", "B"), src_uri="chapters/index.md", url="chapters/"))
    assert found and "slug 'chapters' is also the slug of docs/chapters.md" in found[0]


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


def assert_clear(found: list[checks.Problem], front: str) -> None:
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
    page_attribution = credits.page_attribution(BOOK.original, BOOK.changes, meta, source="docs/p.md")
    block = BeautifulSoup(attribution.render_block(page_attribution), "html.parser")
    assert not block.find_all(["script", "img", "iframe", "title"])
    assert all(not name.startswith("on") for tag in block.find_all() for name in tag.attrs)
    assert value.strip() in block.get_text() or keys[-1] in ("license",) or not value.strip()


@settings(max_examples=300, deadline=None)
@given(keys=st.sampled_from(FIELDS), text=TEXT, raw=st.booleans())
def test_any_text_in_any_field_is_rejected_clearly_or_shown_as_typed(keys: tuple[str, ...], text: str, raw: bool) -> None:
    front = front_matter_with(keys, text, raw)
    meta, found, _ = checks.check_front_matter(front, "docs/p.md", BOOK)
    if found:
        assert_clear(found, front)
        return
    value = value_at(meta, keys)
    assert isinstance(value, str)
    assert_shown_as_typed(keys, value, meta)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT)
def test_text_that_passes_the_checks_is_plain_in_every_html_context(text: str) -> None:
    if checks.plain_text_problems("title", text):
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


# --- Files and the navigation ------------------------------------------------------------------


def test_a_link_out_of_the_theme_or_the_hooks_is_named_even_inside_the_repository(tmp_path: Any) -> None:
    """A link in overrides/ or hooks/ is published or read into pages: it must stay in its folder,
    not reach the computer's files nor the repository's own (.git/config holds its remotes)."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("[remote]\n", encoding="utf-8")
    for folder in ("overrides/assets", "hooks"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "overrides" / "assets" / "logo.png").symlink_to("/etc/passwd")
    (tmp_path / "hooks" / "notes.txt").symlink_to(tmp_path / ".git" / "config")
    (tmp_path / "hooks" / "shared.py").write_text("", encoding="utf-8")
    (tmp_path / "hooks" / "same.py").symlink_to(tmp_path / "hooks" / "shared.py")  # stays in its folder
    found = checks.outside_links(str(tmp_path), ["overrides", "hooks"])
    assert [(p.path, p.line) for p in found] == [("overrides/assets/logo.png", 1), ("hooks/notes.txt", 1)]
    assert "a link to a file outside overrides/" in found[0].message
    assert "a link to a file outside hooks/" in found[1].message


@pytest.mark.parametrize(("item", "words"), [
    ("- '<img src=x onerror=alert(1)>': chapters/a.md", "the navigation title '<img src=x onerror=alert(1)>' contains '<'"),
    ("- Help: 'javascript:alert(1)'", "the navigation link 'javascript:alert(1)' is a javascript: address"),
    ("- Help: ' JaVaScRiPt:alert(1)'", "is a javascript: address"),
])
def test_markup_and_script_addresses_in_nav_are_named_on_their_line(tmp_path: Any, item: str, words: str) -> None:
    (tmp_path / "docs" / "chapters").mkdir(parents=True)
    (tmp_path / "mkdocs.yml").write_text(f"site_name: Book\nnav:\n  - Home: index.md\n  {item}\n", encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    found = checks.nav_unsafe_problems(config)
    assert [(p.path, p.line) for p in found] == [("mkdocs.yml", 4)], found
    assert words in found[0].message
    assert checks.nav_unsafe_problems(load_config(str(ROOT / "mkdocs.yml"))) == []


def test_a_link_to_nothing_or_to_its_own_folder_is_named_once(tmp_path: Any) -> None:
    (tmp_path / "docs" / "images").mkdir(parents=True)
    (tmp_path / "docs" / "images" / "gone.png").symlink_to("nothere.png")
    (tmp_path / "docs" / "images" / "a.png").symlink_to("b.png")
    (tmp_path / "docs" / "images" / "b.png").symlink_to("a.png")
    (tmp_path / "docs" / "images" / "again").symlink_to(".")
    found = checks.outside_links(str(tmp_path), ["docs"])
    assert sorted(p.path for p in found) == ["docs/images/a.png", "docs/images/again", "docs/images/b.png",
                                             "docs/images/gone.png"]
    assert all("a link to a file that does not exist, or to a folder that holds the link itself" in p.message
               for p in found)
