"""The attack corpus (tests/fixtures/attacks/, see its README.md), through the real build.

Every case must stop the build naming its file and line, with a message that names what is at
fault; and nothing may be written. The whole corpus is one book: the build lists every case's
problem at once. Cases whose sources are fine (only their HTML is not) are built again on their
own, because the build then stops later, after rendering the pages, by another path.

A benign chapter using every construct the book uses builds, and builds byte for byte as it does
without the chapter checks: the checks refuse, they never rewrite.
"""

from __future__ import annotations

import filecmp
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser

from tests.helpers import FIXTURES, make_fixture_project, mkdocs_build
from site_server import serve

CORPUS = FIXTURES / "attacks"
CASES: list[dict[str, Any]] = yaml.safe_load((CORPUS / "cases.yml").read_text(encoding="utf-8"))
PROBLEM_LINE = re.compile(r"^((?:docs/|mkdocs\.yml)[^\n]*?):(\d+): (.+)$", re.M)
HOME = "---\ntitle: Attacks\ndescription: The attack corpus.\n---\n\n# Attacks\n\nEvery case.\n"


def corpus_book(workdir: Path, cases: list[dict[str, Any]]) -> Path:
    """The corpus as a book: its files (or links) for `cases`, every page in nav:."""
    (workdir / "fixtures" / "corpus" / "docs").mkdir(parents=True)
    config = make_fixture_project("corpus", workdir / "project", fixtures=workdir / "fixtures")
    docs = config.parent / "docs"
    (docs / "index.md").write_text(HOME, encoding="utf-8")
    nav: list[Any] = [{"Home": "index.md"}]
    for case in cases:
        # A title in nav: names the case's own chapter; a file's case is that file.
        file = f"docs/chapters/{case['name']}.md" if "nav_title" in case else case["file"]
        target = docs / file.removeprefix("docs/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if "symlink_to" in case:
            target.symlink_to(case["symlink_to"])
        else:
            shutil.copyfile(CORPUS / file, target)
        if target.suffix == ".md":
            page = target.relative_to(docs).as_posix()
            nav.append({case["nav_title"]: page} if "nav_title" in case else page)
    with config.open("a", encoding="utf-8") as f:
        f.write(yaml.safe_dump({"nav": nav}, allow_unicode=True, width=1000))
    return config


def reported(stderr: str) -> list[tuple[str, int, str]]:
    return [(m.group(1), int(m.group(2)), m.group(3)) for m in PROBLEM_LINE.finditer(stderr)]


def expected_line(case: dict[str, Any], config: Path) -> int:
    if case["file"] != "mkdocs.yml":
        return int(case["line"])
    quoted = yaml.safe_dump(case["nav_title"], allow_unicode=True, width=1000).splitlines()[0]
    lines = config.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if quoted in line)


def assert_each_case_stopped(cases: list[dict[str, Any]], config: Path, result: Any) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert not (config.parent / "site").exists() or not any((config.parent / "site").rglob("*.html"))
    problems = reported(result.stderr)
    missed = []
    for case in cases:
        line = expected_line(case, config)
        named = [message for path, at, message in problems
                 if path == case["file"] and at == line
                 and case["mentions"].lower() in message.lower()]
        if not named:
            missed.append(f"{case['name']}: expected {case['file']}:{line} naming {case['mentions']!r}")
        elsewhere = [f"{path}:{at}" for path, at, message in problems
                     if path == case["file"] and at != line and case["mentions"].lower() in message.lower()]
        if elsewhere and case["category"] in ("script", "request"):
            missed.append(f"{case['name']}: also placed on another line: {', '.join(elsewhere)}")
    assert not missed, "\n".join(missed) + "\n\nThe build said:\n" + result.stderr[-6000:]


def test_the_corpus_is_large_and_covers_every_category() -> None:
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names)) >= 50
    categories = {case["category"] for case in CASES}
    assert {"script", "request", "outside-file", "markup", "fault"} <= categories
    for case in CASES:
        file = f"docs/chapters/{case['name']}.md" if "nav_title" in case else case["file"]
        if "symlink_to" not in case:
            assert (CORPUS / file).is_file(), case["name"]


def test_every_case_of_the_corpus_stops_the_build_at_its_line(tmp_path: Path) -> None:
    config = corpus_book(tmp_path, CASES)
    result = mkdocs_build(config, config.parent / "site", {"BOOK_EXPORTS": "0"})
    assert_each_case_stopped(CASES, config, result)


def test_pages_whose_only_fault_is_their_html_stop_the_build_after_rendering(tmp_path: Path) -> None:
    """With nothing wrong in the sources, the build goes on to render the pages: the allowlist
    reads each page's HTML as MkDocs made it, and stops the build before any page is written."""
    cases = [case for case in CASES if case["category"] in ("script", "request")
             and case["file"].endswith(".md") and "symlink_to" not in case]
    assert len(cases) >= 30
    config = corpus_book(tmp_path, cases)
    result = mkdocs_build(config, config.parent / "site", {"BOOK_EXPORTS": "0"})
    assert_each_case_stopped(cases, config, result)


# --- A benign chapter: every construct the book uses, never rewritten --------------------------


@pytest.fixture(scope="module")
def benign_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The benign control book, built once with the checks: its site/ folder."""
    config = make_fixture_project("benign-control", tmp_path_factory.mktemp("checked"))
    result = mkdocs_build(config, config.parent / "site", {"BOOK_EXPORTS": "0"})
    assert result.returncode == 0, result.stderr
    return config.parent / "site"


def test_a_chapter_using_every_construct_builds_the_same_with_and_without_the_checks(
        tmp_path: Path, benign_site: Path) -> None:
    unchecked = make_fixture_project("benign-control", tmp_path / "unchecked")
    text = unchecked.read_text(encoding="utf-8")
    assert "- hooks/checks.py\n" in text
    unchecked.write_text(text.replace("- hooks/checks.py\n", ""), encoding="utf-8")
    result = mkdocs_build(unchecked, unchecked.parent / "site", {"BOOK_EXPORTS": "0"})
    assert result.returncode == 0, result.stderr

    built = sorted(p.relative_to(benign_site) for p in benign_site.rglob("*") if p.is_file())
    assert any(p.name == "index.html" for p in built)
    for relative in built:
        if relative.name in ("sitemap.xml.gz",):
            continue
        assert filecmp.cmp(benign_site / relative, unchecked.parent / "site" / relative, shallow=False), relative
    chapter = (benign_site / "chapters" / "every-construct" / "index.html").read_text(encoding="utf-8")
    for made in ('class="admonition reflection"', "<details", 'class="footnote"', "<abbr", "<dl>",
                 'style="text-align: right;"', 'class="task-list-item"', 'class="headerlink"', "<img"):
        assert made in chapter, made


def test_the_benign_chapter_shows_as_written_under_the_pages_policy(benign_site: Path, browser: Browser) -> None:
    """The policy refuses nothing the book writes: the table's columns keep their alignment,
    the boxes open, and the browser reports no refusal."""
    page = browser.new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    try:
        with serve(benign_site) as address:
            page.goto(f"{address}chapters/every-construct/")
            cells = page.locator("article table th")
            assert [cells.nth(i).evaluate("e => getComputedStyle(e).textAlign") for i in range(3)] == ["left", "center", "right"]
            page.locator("summary", has_text="More about the drop-in centre").click()
            assert page.get_by_text("It opens every weekday.").is_visible()
    finally:
        page.close()
    assert refused == []
