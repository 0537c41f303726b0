"""What keeps the chapter checks cheap without making them less exact.

The problems they report are tested in test_checks_unit.py and test_checks_fixtures.py; these
tests keep the way they run honest: front matter parsed once reads as both YAML parsers read it,
the pages are checked in the HTML MkDocs renders (as `check_book` renders it) and their problems
stop the build before any page is written, and the last guard's quick test lets through no HTML
the full scan would stop.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, get_files
from mkdocs.structure.pages import Page

import checks
from tests.helpers import CHAPTER_MD, FIXTURES, ROOT, make_fixture_project
from tests.test_checks_unit import BOOK, CONTEXT, FIELDS, TEXT, front_matter_with


@settings(max_examples=1000, deadline=None)
@given(keys=st.sampled_from(FIELDS), text=TEXT, raw=st.booleans())
def test_front_matter_the_checks_read_reads_the_same_in_both_yaml_parsers(keys: tuple[str, ...], text: str, raw: bool) -> None:
    """Parsed once, with libyaml as MkDocs parses it; PyYAML, whose error messages the checks
    quote, reads the same (libyaml alone would take some tabs PyYAML rejects)."""
    front = front_matter_with(keys, text, raw)
    meta, found, _ = checks.check_front_matter(front, "docs/p.md", BOOK)
    if any("is not valid YAML" in problem.message for problem in found):
        return
    python = yaml.load(front, Loader=yaml.SafeLoader)  # raises if PyYAML cannot read it
    assert python == yaml.load(front, Loader=yaml.CSafeLoader)
    assert meta == (python if isinstance(python, dict) else {})


def fixture_config(case: str, tmp_path: Path):
    return load_config(str(make_fixture_project(case, tmp_path)))


def render_like_mkdocs(config) -> None:
    """What MkDocs does between `on_pre_build` and `on_env`: render every page, each followed by
    `on_page_content`."""
    files = get_files(config)
    for file in files.documentation_pages():
        page = Page(None, file, config)
        page.read_source(config)
        page.render(config, files)
        checks.on_page_content(page.content, page=page, config=config, files=files)


def test_problems_in_the_rendered_pages_stop_the_build_in_on_env(tmp_path: Path) -> None:
    config = fixture_config("check-admonition-unknown-type", tmp_path)
    checks.on_config(config)
    checks.on_pre_build(config)  # the sources are fine: the pages are checked as MkDocs renders them
    render_like_mkdocs(config)
    with pytest.raises(PluginError) as stopped:
        checks.on_env(None, config=config, files=None)
    assert "The book has 1 problem to fix:\ndocs/index.md:10: unknown admonition type 'senario'" \
        in str(stopped.value)


def test_a_clean_book_passes(tmp_path: Path) -> None:
    config = fixture_config("check-clean", tmp_path)
    checks.on_config(config)
    checks.on_pre_build(config)
    render_like_mkdocs(config)
    assert checks.on_env("env", config=config, files=None) == "env"


def test_a_build_starts_again_with_nothing_of_the_last_one(tmp_path: Path) -> None:
    broken = fixture_config("check-admonition-unknown-type", tmp_path / "broken")
    checks.on_config(broken)
    checks.on_pre_build(broken)
    render_like_mkdocs(broken)
    clean = fixture_config("check-clean", tmp_path / "clean")  # mkdocs serve: the next build
    checks.on_config(clean)
    checks.on_pre_build(clean)
    render_like_mkdocs(clean)
    assert checks.on_env("env", config=clean, files=None) == "env"


def test_the_offline_editions_build_leaves_the_rendered_checks_to_the_books_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # hooks/offline.py runs it beside the book's build, from the same sources, with BOOK_OFFLINE set.
    monkeypatch.setenv("BOOK_OFFLINE", "true")
    config = fixture_config("check-admonition-unknown-type", tmp_path)
    checks.on_config(config)
    assert checks.rendered_html(config) is None
    checks.on_pre_build(config)
    render_like_mkdocs(config)
    assert checks.on_env("env", config=config, files=None) == "env"


def test_what_the_last_guard_finds_stops_the_build_with_every_problem_of_the_book(tmp_path: Path) -> None:
    """Script in a page stops the build with every problem of the book, not only the guard's."""
    config = fixture_config("check-raw-html-unsafe", tmp_path)
    checks.on_config(config)
    checks.on_pre_build(config)
    page = Page("Home", File("index.md", config.docs_dir, config.site_dir, True), config)
    checks.on_page_content("<p>Fine.</p><iframe src=x></iframe>", page=page, config=config, files=None)
    render_like_mkdocs(config)
    with pytest.raises(PluginError) as stopped:
        checks.on_env(None, config=config, files=None)
    message = str(stopped.value)
    assert "docs/index.md:10: the raw HTML element <script> runs script" in message
    assert "docs/index.md:24:" in message and "tracker.example.org" in message
    assert "the raw HTML element <iframe>" in message  # the guard's own finding


FIXTURE_CASES = sorted(p.parent.name for p in FIXTURES.glob("check-*/docs"))


@pytest.mark.parametrize("case", ["the book", *FIXTURE_CASES])
def test_the_checks_read_the_html_the_renderer_makes(case: str, tmp_path: Path) -> None:
    """The HTML kept while MkDocs renders a page is what `check_book` renders for it: the
    build and `check_book` check the same thing. (A book whose sources have problems stops in
    `on_pre_build`, with `check_book`'s list, before MkDocs renders anything.)"""
    config = load_config(str(ROOT / "mkdocs.yml")) if case == "the book" else fixture_config(case, tmp_path)
    checks.on_config(config)
    if checks.check_sources(checks.read_sources(config)[0], checks._context.book).problems:
        with pytest.raises(PluginError):
            checks.on_pre_build(config)
        return
    renderer = checks.Renderer(checks._context.extensions, checks._context.extension_configs)
    files = get_files(config)
    compared = 0
    for file in files.documentation_pages():
        text = Path(file.abs_src_path).read_bytes().decode("utf-8-sig", errors="replace")
        _, body_start = checks.split_front_matter(text)
        page = Page(None, file, config)
        page.read_source(config)
        page.render(config, files)
        kept = checks.rendered_html(config).take() or ("", [])
        assert kept == renderer.render("\n".join(text.split("\n")[body_start - 1:])), file.src_uri
        compared += 1
    assert compared >= 1


# --- The last guard's quick test -------------------------------------------------------------

# Elements the guard allows: what makes them unsafe is their attributes (unsafe elements are
# found by name; the examples below show them in disguise).
TAGS = ["a", "img", "p", "video", "svg", "div", "IMG", "source", "body"]
NAMES = [*sorted(checks.URL_ATTRIBUTES), "onclick", "OnError", "onload", "title", "alt", "class",
         "SRC", "HREF", "backgroun\u212a", "data-download"]
VALUE_PIECES = [
    "javascript:", "JaVaScRiPt:", "java\tscript:", "jav&#x61;script:", "&#106;avascript:",
    "javascript&colon;", "vbscript:", "data:text/html,", "data&colon;text/html", "d", "j", "v",
    "//cdn.example.org/a.png", "https://cdn.example.org/x", "HTTP://x", "ht&#116;ps://x", "https&colon;//x",
    "/&#47;x", "/ /", "/", " ", "\x01",
    "\n", "&Tab;", "&NewLine;", "x", ">", "'", '"', "=", "images/a.png", "../", "#top", "alert(1)",
    " onclick=", "1x, //cdn.example.org/b.png 2x",
]
VALUE = st.lists(st.sampled_from(VALUE_PIECES), max_size=4).map("".join)


@st.composite
def attribute(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(NAMES))
    before = draw(st.sampled_from([" ", "\n", "/", "  "]))
    equals = draw(st.sampled_from(["=", " = ", "==", "=\n"]))
    value = draw(VALUE)
    quote = draw(st.sampled_from(['"', "'", ""]))
    if quote:
        value = value.replace(quote, "")
    else:
        value = "".join(c for c in value if c not in " \t\n\x0c\r'\">") or "x"
    return f"{before}{name}{equals}{quote}{value}{quote}"


@st.composite
def html_fragment(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        parts.append(draw(st.text(max_size=12).map(lambda t: t.replace("<", ""))))
        tag = draw(st.sampled_from(TAGS))
        attributes = "".join(draw(st.lists(attribute(), max_size=3)))
        parts.append(f"<{tag}{attributes}{draw(st.sampled_from(['>', '/>', ' >']))}")
    return "".join(parts)


@settings(max_examples=2000, deadline=None)
@given(fragment=html_fragment())
def test_the_quick_test_lets_through_no_html_the_full_scan_would_stop(fragment: str) -> None:
    if checks.scan_html(fragment).unsafe:
        assert checks.may_be_unsafe(fragment), fragment


@pytest.mark.parametrize("markup", [
    "<SCRIPT>alert(1)</SCRIPT>", "<svg><script>alert(1)</script></svg>",
    '<a href="java&#x09;script:alert(1)">x</a>', '<a href=" JavaScript:alert(1)">x</a>',
    '<img alt="x" src="x.png" OnError="alert(1)">', '<img alt="x" srcset="//cdn.example.org/a.png 2x">',
    '<video poster="https://cdn.example.org/p.png"></video>', "<a title='>' onclick=alert(1)>x</a>",
    '<img src="x"onerror=alert(1)>', '<img/src="&#47;/cdn.example.org/a.png">',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    "<IfRaMe src=x.html></iframe>", "<lin\u212a rel=stylesheet href=x.css>", "<form/action=x>",
    '<img src="https&colon;//cdn.example.org/a.png">',
])
def test_the_quick_test_sees_unsafe_html_in_any_disguise(markup: str) -> None:
    assert checks.scan_html(markup).unsafe  # the full scan stops it…
    assert checks.may_be_unsafe(markup)  # …so the quick test must not skip it


def test_the_real_chapter_needs_no_full_scan() -> None:
    """The quick test is what makes the guard cheap: a real chapter's HTML passes it."""
    text = CHAPTER_MD.read_text(encoding="utf-8")
    _, body_start = checks.split_front_matter(text)
    html_text, _ = CONTEXT.renderer.render("\n".join(text.split("\n")[body_start - 1:]))
    assert "<a " in html_text and "<h2" in html_text
    assert not checks.may_be_unsafe(html_text)
