"""What keeps the chapter checks cheap without making them less exact.

The problems they report are tested in test_checks_unit.py and test_checks_fixtures.py; these
tests keep the way they run honest: front matter parsed once reads as both YAML parsers read it,
the pages are checked in the HTML MkDocs renders (as `check_book` renders it) and their problems
stop the build before any page is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import markdown
import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, get_files
from mkdocs.structure.pages import Page

from ebook.checks.book_wide import check_sources
from ebook.checks.front_matter import check_front_matter, split_front_matter
from ebook.checks.run import CheckRun
from ebook.checks.scanner import Renderer, RenderedHtml, Scan, scan_html, scan_tree, serialized
from ebook.checks.sources import read_sources
from ebook.model import page_tree, state
from tests.helpers import CHAPTER_MD, FIXTURES, ROOT, make_fixture_project
from tests.test_checks_front_matter import FIELDS, TEXT, front_matter_with
from tests.test_checks_unit import BOOK, CONTEXT


@settings(max_examples=1000, deadline=None)
@given(keys=st.sampled_from(FIELDS), text=TEXT, raw=st.booleans())
def test_front_matter_the_checks_read_reads_the_same_in_both_yaml_parsers(keys: tuple[str, ...], text: str, raw: bool) -> None:
    """Parsed once, with libyaml as MkDocs parses it; PyYAML, whose error messages the checks
    quote, reads the same (libyaml alone would take some tabs PyYAML rejects), but for one
    known difference: an empty value tagged `!` is empty text to libyaml and nothing to PyYAML,
    and the checks take it as a missing value either way."""
    front = front_matter_with(keys, text, raw)
    meta, found, _ = check_front_matter(front, "docs/p.md", BOOK)
    if any("is not valid YAML" in problem.message or "the front matter uses " in problem.message for problem in found):
        return  # refused, nothing read
    libyaml = yaml.load(front, Loader=yaml.CSafeLoader)
    assert meta == (libyaml if isinstance(libyaml, dict) else {})  # what MkDocs reads
    python = yaml.load(front, Loader=yaml.SafeLoader)  # raises if PyYAML cannot read it
    assert python == libyaml or only_empty_tags_differ(python, libyaml, front)


def only_empty_tags_differ(python: object, libyaml: object, front: str) -> bool:
    if isinstance(python, dict) and isinstance(libyaml, dict):
        return python.keys() == libyaml.keys() and all(
            only_empty_tags_differ(python[key], libyaml[key], front) for key in python)
    return python == libyaml or (python is None and libyaml == "" and "!" in front)


@pytest.mark.parametrize("front", ["title: !\ndescription: How peers listen.\n",
                                   "title: ''\ndescription: How peers listen.\n"])
def test_an_empty_tagged_or_quoted_title_is_a_missing_title(front: str) -> None:
    _, found, _ = check_front_matter(front, "docs/p.md", BOOK)
    assert [p.message for p in found] == ["the front matter has no title: add a line 'title: …' with "
                                          "the page's title, as plain text"]


@pytest.fixture(autouse=True)
def no_downloads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks alone: no browser asked for its version, no offline edition started."""
    monkeypatch.setenv("BOOK_EXPORTS", "0")


def fixture_config(case: str, tmp_path: Path):
    return load_config(str(make_fixture_project(case, tmp_path)))


def start(config) -> CheckRun:
    """This build's checks, started as MkDocs starts a build: every hook's `on_config`, in order
    (when the sources have problems, the checks run the other hooks' `on_files` too)."""
    config.plugins.on_config(config)
    run = state.kept(config, CheckRun)
    assert isinstance(run, CheckRun)
    return run


def render_like_mkdocs(config, page_content: Callable[[str, Page, object], str]) -> None:
    """What MkDocs does between `on_pre_build` and `on_env`: render every page, each followed by
    `on_page_content` (`page_content`: the run's, or the hook's)."""
    files = get_files(config)
    for file in files.documentation_pages():
        page = Page(None, file, config)
        page.read_source(config)
        page.render(config, files)
        page_content(page.content, page, config)


def test_problems_in_the_rendered_pages_stop_the_build_in_on_env(tmp_path: Path) -> None:
    config = fixture_config("check-admonition-unknown-type", tmp_path)
    run = start(config)
    run.pre_build(config)  # the sources are fine: the pages are checked as MkDocs renders them
    render_like_mkdocs(config, run.page_content)
    with pytest.raises(PluginError) as stopped:
        run.env(config, Files([]))
    assert "The book has 1 problem to fix:\ndocs/index.md:10: unknown admonition type 'senario'" \
        in str(stopped.value)


def test_a_clean_book_passes(tmp_path: Path) -> None:
    config = fixture_config("check-clean", tmp_path)
    run = start(config)
    run.pre_build(config)
    render_like_mkdocs(config, run.page_content)
    run.env(config, Files([]))


def test_a_build_starts_again_with_nothing_of_the_last_one(tmp_path: Path) -> None:
    """The hook keeps one build's checks, made again in each build's `on_config`."""
    import checks as hook  # hooks/checks.py, as MkDocs loads it

    def page_content(html: str, page: Page, config: object) -> str:
        return hook.on_page_content(html, page, config, Files([]))

    broken = fixture_config("check-admonition-unknown-type", tmp_path / "broken")
    state.start(broken)
    hook.on_config(broken)
    hook.on_pre_build(broken)
    render_like_mkdocs(broken, page_content)
    clean = fixture_config("check-clean", tmp_path / "clean")  # mkdocs serve: the next build
    state.start(clean)
    hook.on_config(clean)
    hook.on_pre_build(clean)
    render_like_mkdocs(clean, page_content)
    assert hook.on_env("env", config=clean, files=Files([])) == "env"


def test_the_offline_editions_build_leaves_the_rendered_checks_to_the_books_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # ebook/offline.py runs it beside the book's build, from the same sources, with BOOK_OFFLINE set.
    monkeypatch.setenv("BOOK_OFFLINE", "true")
    config = fixture_config("check-admonition-unknown-type", tmp_path)
    run = start(config)
    assert RenderedHtml.in_config(config) is None
    run.pre_build(config)
    render_like_mkdocs(config, run.page_content)
    run.env(config, Files([]))


def test_what_the_last_guard_finds_stops_the_build_with_every_problem_of_the_book(tmp_path: Path) -> None:
    """Script in a page stops the build with every problem of the book, not only the guard's."""
    config = fixture_config("check-raw-html-unsafe", tmp_path)
    run = start(config)
    run.pre_build(config)
    page = Page("Home", File("index.md", config.docs_dir, config.site_dir, True), config)
    run.page_content("<p>Fine.</p><iframe src=x></iframe>", page, config)
    render_like_mkdocs(config, run.page_content)
    with pytest.raises(PluginError) as stopped:
        run.env(config, Files([]))
    message = str(stopped.value)
    assert "docs/index.md:10: the raw HTML element <script> runs script" in message
    assert "docs/index.md:24:" in message and "tracker.example.org" in message
    assert "the raw HTML element <iframe>" in message  # the guard's own finding


FIXTURE_CASES = sorted(p.parent.name for p in FIXTURES.glob("check-*/docs"))


@pytest.mark.build  # a book with problems runs every hook's on_files: git dates its pages
@pytest.mark.parametrize("case", ["the book", *FIXTURE_CASES])
def test_the_checks_read_the_html_the_renderer_makes(case: str, tmp_path: Path) -> None:
    """The HTML kept while MkDocs renders a page is what `check_book` renders for it: the
    build and `check_book` check the same thing. (A book whose sources have problems stops in
    `on_pre_build`, with `check_book`'s list, before MkDocs renders anything.)"""
    config = load_config(str(ROOT / "mkdocs.yml")) if case == "the book" else fixture_config(case, tmp_path)
    run = start(config)
    book = run.context.book
    if check_sources(read_sources(config, book.settings.config_name)[0], book).problems:
        with pytest.raises(PluginError):
            run.pre_build(config)
        return
    renderer = Renderer(run.context.extensions, run.context.extension_configs)
    files = get_files(config)
    compared = from_tree = 0
    for file in files.documentation_pages():
        text = Path(file.abs_src_path).read_bytes().decode("utf-8-sig", errors="replace")
        _, body_start = split_front_matter(text)
        page = Page(None, file, config)
        page.read_source(config)
        page.render(config, files)
        kept, kept_raw = RenderedHtml.in_config(config).take() or ("", [])
        html_text, raw = renderer.render("\n".join(text.split("\n")[body_start - 1:]))
        if isinstance(kept, Scan):  # read from the tree: what the HTML would show
            assert (kept, kept_raw) == (scan_html(html_text), raw), file.src_uri
            from_tree += 1
        else:
            assert (kept, kept_raw) == (html_text, raw), file.src_uri
        compared += 1
    run.close()  # the build goes no further: MkDocs' warnings are its own again
    assert compared >= 1
    if case == "the book":
        assert from_tree >= 1  # the chapter, which has no raw HTML


# --- The rendered checks read the tree as its HTML would be read ---------------------------


class BothScans(page_tree.PageTreeReader["tuple[Scan | None, Scan]"]):
    """Scans each page both ways, where the build's RenderedHtml reads it."""

    name = "both_scans"

    def read(self, md: markdown.Markdown, root: object) -> tuple[Scan | None, Scan]:
        return scan_tree(md, root), scan_html(serialized(md, root))


def both_scans(source: str) -> tuple[Scan | None, Scan]:
    scans = BothScans()
    markdown.Markdown(extensions=[*CONTEXT.extensions, scans], extension_configs=CONTEXT.extension_configs).convert(source)
    both = scans.take()
    assert both is not None
    return both


TREE_CASES = [
    "# Title\n\nText with AT&T, a & b, 1 < 2 > 0, and `&copy; &amp; <b>` as code.\n",
    "Text[^1] and more[^note].\n\n[^1]: A note.\n[^note]: Another, with a [link](other.md).\n",
    "[here](page.md), [Click here!](p.md#a), <https://example.org>, [x](javascript:alert(1)).\n",
    "Paragraph\n{ onclick=\"alert(1)\" }\n",
    "# Heading { #custom-id .cls data-x=\"a&b\" title='\"quoted\"' }\n\n### Skipped\n",
    "![](pic.png) ![A picture](pic.png){ width=\"10\" } ![x](https://cdn.example.org/a.png)\n",
    "!!! note\n\n    Body with [a link](a.md).\n\n    !!! reflection\n\n        - Why?\n        - How?\n",
    "!!! warning\n\n!!! senario \"Title\"\n    Text\n",
    "??? reflection \"Think\"\n\n    1. First\n\n???+ tip\n    Open.\n",
    "| A | B |\n|---|---|\n| [t](t.md) | x & y |\n",
    "Term\n:   Definition with *emphasis*.\n",
    "*[HTML]: Hyper Text Markup Language\n\nHTML and more HTML.\n",
    '[a](b.md "T \\"q\\"") [c](d.md?e=1&f=2) [g](h.md?i=1&amp;j=2) <mailto:a@b.org>\n',
    "Escaped \\*stars\\* and \\& and \\< and emoji 🌱 and accents éà.\n",
    "# One\n\n# Two\n\n## Sub with `code` and **bold**\n",
    "Line  \nbreak and ---\n\n***\n\n> Quote with [link](q.md)\n",
]


@pytest.mark.parametrize("source", TREE_CASES)
def test_the_tree_is_read_as_its_html_would_be(source: str) -> None:
    from_tree, from_html = both_scans(source)
    assert from_tree is not None  # no raw HTML: the page is read from its tree
    assert from_tree == from_html


# Python-Markdown keeps these aside and pastes them into the HTML after serializing the tree.
@pytest.mark.parametrize("source", [
    "<div>Raw HTML</div>\n",
    "An entity: &copy; &#169;\n",
    "- [x] done (the book's check boxes are HTML)\n",
    "Inline <span onclick=\"x\">raw</span> HTML.\n",
    "```python\nprint('code')\n```\n",
    '<div class="admonition reflection" markdown>\n\n- In HTML, as Markdown\n\n</div>\n',
])
def test_a_page_with_html_kept_aside_is_read_from_its_html(source: str) -> None:
    from_tree, _ = both_scans(source)
    assert from_tree is None


FRAGMENTS = [*TREE_CASES, "<p>raw</p>\n", "Text & more &amp; &lt;tag&gt; &#38; &unknown; &copy\n",
             "[^x]\n\n[^x]: Note &amp; arrow\n", "Text { #id }\n", "`a & b`\n"]


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.one_of(st.sampled_from(FRAGMENTS),
                                st.text(alphabet="&<>;#\"'`*_[]()!{}=.:/ abx\n\u00e9", max_size=40)),
                      max_size=6))
def test_any_markdown_reads_the_same_from_its_tree(parts: list[str]) -> None:
    source = "\n\n".join(parts)
    assume(source.strip())  # Python-Markdown renders nothing of a blank page
    from_tree, from_html = both_scans(source)
    if from_tree is not None:
        assert from_tree == from_html
