"""Chapter checks, through the real build: one small fixture book per rule (tests/fixtures/check-*).

Each bad fixture breaks one rule; the build must stop, name the file and the line, say what is
wrong and how to fix it, and write no page.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.helpers import build_fixture, build_pages, make_fixture_project, mkdocs_build, normalise, page_html_path, soup
from tests.test_checks_front_matter import FIELDS, TEXT, front_matter_with, value_at

# case -> the one problem it must report: (file, line, words the message must contain)
ONE_PROBLEM = {
    "check-front-matter-unparsable": ("docs/index.md", 2, ["front matter is not valid YAML", "colon followed by a space inside its value", "double quotes"]),
    "check-front-matter-unknown-field": ("docs/index.md", 4, ["unknown front matter field 'tags'", "title, description, attribution"]),
    "check-front-matter-wrong-type": ("docs/index.md", 2, ["'title' must be text, not a number", 'title: "2022"']),
    "check-front-matter-missing-title": ("docs/index.md", 1, ["no title", "title: …"]),
    "check-front-matter-missing-description": ("docs/index.md", 1, ["no description", "description: …"]),
    "check-front-matter-markup": ("docs/index.md", 2, ["'title' contains '<' or '>'", "remove the angle brackets"]),
    "check-admonition-unknown-type": ("docs/index.md", 10, ["unknown admonition type 'senario'", "did you mean 'scenario'?"]),
    "check-admonition-empty": ("docs/index.md", 10, ["'note' admonition has no body", "indented by four spaces"]),
    "check-reflection-no-prompts": ("docs/index.md", 10, ["reflection admonition has no prompts", "list item"]),
    "check-nested-reflection": ("docs/index.md", 14, ["this reflection box is inside the reflection box on line 10", "the worksheet and the answer boxes would not ask its prompts on their own", "move it out, below the end of that box", "items of that box's list"]),
    "check-two-h1": ("docs/index.md", 10, ["second level-1 heading 'Reflection'", "first is on line 6", "'## Reflection'"]),
    "check-skipped-heading": ("docs/index.md", 12, ["heading 'Disconnection' is level 4", "level 3 is skipped", "###"]),
    "check-image-no-alt": ("docs/index.md", 10, ["image 'images/circle.png' has no alt text", "describe what the image shows"]),
    "check-link-here": ("docs/index.md", 8, ["link text 'here' does not say where the link goes", "name the page"]),
    "check-link-empty": ("docs/index.md", 9, ["link to 'https://opentextbc.ca/peersupport/' has no text", "write words that name what it opens"]),
    "check-link-bare-address": ("docs/index.md", 9, ["'https://opentextbc.ca/peersupport/' is a bare web address", "name what it links to"]),
    "check-raw-html-link-missing-page": ("docs/index.md", 10, ["raw HTML link 'chapters/reconnection/'", "not a page or file of the book"]),
    "check-raw-html-download-not-offered": ("docs/index.md", 10, ["the book does not offer the EPUB (extra.downloads in mkdocs.yml)", "add epub there, or remove this link"]),
    "check-raw-html-link-missing-anchor": ("docs/index.md", 12, ["anchor '#reconection'", "docs/chapters/other.md does not have", "did you mean '#reconnection'?"]),
    "check-not-utf8": ("docs/index.md", 10, ["not valid UTF-8", "byte 0xE9 at column 22", "save the file with the UTF-8 encoding"]),
    "check-duplicate-title": ("docs/chapters/listening.md", 2, ["title 'Listening' is also the title of docs/chapters/listening-again.md (line 2)", "its own title"]),
    "check-duplicate-slug": ("docs/part-two/introduction.md", 1, ["slug 'introduction' is also the slug of docs/part-one/introduction.md", "rename one"]),
    "check-attribution-incomplete": ("docs/index.md", 5, ["'attribution'.adapted_from.author is missing", "add it as text"]),
    "bad-licence": ("docs/index.md", 6, ["'attribution'.license: unknown licence 'MIT'", "use one of: CC-BY-4.0"]),
    "check-box-typographic-quotes": ("docs/index.md", 10, ["not in straight double quotes", 'e.g. !!! scenario "Example: Jesse and Sam"']),
    "check-list-parenthesis": ("docs/index.md", 10, ["starts with '1)', which is not read as a numbered list", "e.g. 1. Listen to what the student says.", "'1\\)' to show '1)' as it is"]),
    "check-box-indent": ("docs/index.md", 12, ["indented by 2 spaces", "falls outside the box", "indent it by 4 spaces"]),
    "check-chapter-no-attribution": ("docs/chapters/listening.md", 1, ["does not say who wrote it", "written_by: "]),
    # MkDocs' own warnings, told the same way and stopping the build before anything is written.
    "check-page-not-in-nav": ("docs/chapters/listening.md", 1, ["not in the book's navigation", "'- chapters/listening.md'", "nav: in mkdocs.yml"]),
    "check-link-missing-page": ("docs/index.md", 10, ["the link 'chapters/reconection.md' leads to no page or file of the book", "relative to this file"]),
    "check-image-missing": ("docs/index.md", 10, ["the link 'images/two-people.png' leads to no page or file", "there is no file docs/images/two-people.png: put the image in docs/images/"]),
    "check-download-not-offered": ("docs/index.md", 10, ["the book does not offer the EPUB (extra.downloads in mkdocs.yml)", "add epub there, or remove this link"]),
    # Told by the source checks, before the build renders a page or prints a PDF.
    "check-download-missing-chapter": ("docs/index.md", 10, ['data-download="downloads/handouts/listenin.pdf" names a chapter the book does not have', 'write e.g. data-download="downloads/handouts/listening.pdf"']),
    # Told with the rendered checks, before any page is written or PDF printed.
    "check-worksheet-without-prompts": ("docs/index.md", 10, ["the chapter docs/chapters/listening.md has no reflection prompts, so it has no worksheet", 'data-download="downloads/worksheets/listening-reflection.pdf"', "add a reflection box with a list of prompts to it", "or link to its handout instead"]),
    "check-link-missing-anchor": ("docs/index.md", 12, ["'#reconection' that this page does not have", "lower case with hyphens"]),
}

PROBLEM_LINE = re.compile(r"^(docs/[^:\s]+):(\d+): (.+)$", re.M)


def reported(stderr: str) -> list[tuple[str, int, str]]:
    return [(m.group(1), int(m.group(2)), m.group(3)) for m in PROBLEM_LINE.finditer(stderr)]


def assert_stopped_cleanly(result, site: Path) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    # Nothing was written: the checks run before MkDocs touches the output folder.
    assert not site.exists() or not any(site.rglob("*.html"))


@pytest.mark.parametrize("case", sorted(ONE_PROBLEM))
def test_each_rule_stops_the_build_naming_file_line_and_fix(case: str, tmp_path: Path) -> None:
    result, site = build_fixture(case, tmp_path)
    assert_stopped_cleanly(result, site)
    file, line, words = ONE_PROBLEM[case]
    problems = reported(result.stderr)
    assert [(f, n) for f, n, _ in problems] == [(file, line)], result.stderr
    for word in words:
        assert word in problems[0][2], (word, problems[0][2])
    assert "The book has 1 problem to fix:" in result.stderr


def test_a_navigation_entry_without_its_file_is_reported_on_its_line_of_mkdocs_yml(tmp_path: Path) -> None:
    result, site = build_fixture("check-nav-missing-file", tmp_path)
    assert_stopped_cleanly(result, site)
    (found,) = re.findall(r"^mkdocs\.yml:(\d+): (.+)$", result.stderr, re.M)
    config_lines = (site.parent / "mkdocs.yml").read_text(encoding="utf-8").split("\n")
    assert "chapters/listenning.md" in config_lines[int(found[0]) - 1]
    assert "nav: lists 'chapters/listenning.md', which is not a file in docs/" in found[1]
    assert "The book has 1 problem to fix:" in result.stderr


def test_links_to_files_outside_the_repository_and_unsafe_names_stop_the_build(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("---\ntitle: Outside\ndescription: Not the book's.\n---\n\n# Outside\n", encoding="utf-8")
    config = make_fixture_project("check-clean", tmp_path / "project")
    docs = config.parent / "docs"
    (docs / "images").mkdir(exist_ok=True)
    (docs / "images" / "passwd.png").symlink_to("/etc/passwd")
    (docs / "chapters" / "outside.md").symlink_to(outside)
    (docs / "images" / "settings.png").symlink_to(config.parent / "mkdocs.yml")  # the repository's own
    (docs / "chapters" / "Active Listening.md").write_text(
        "---\ntitle: Active\ndescription: A chapter.\nattribution: {written_by: Sam}\n---\n\n# Active\n", encoding="utf-8")
    site = config.parent / "site"
    result = mkdocs_build(config, site)
    assert_stopped_cleanly(result, site)
    found = {(f, n): message for f, n, message in reported(result.stderr)}
    for link in ("docs/images/passwd.png", "docs/chapters/outside.md", "docs/images/settings.png"):
        assert "a link to a file outside docs/" in found[(link, 1)], result.stderr
    assert "docs/chapters/Active Listening.md:1: the name 'Active Listening.md' has capitals, spaces" in result.stderr
    assert "root:" not in result.stderr  # the linked file is never read


def test_a_page_listed_twice_in_the_navigation_is_reported_on_its_second_line(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    (fixtures / "made" / "docs" / "chapters").mkdir(parents=True)
    (fixtures / "made" / "docs" / "index.md").write_text("---\ntitle: Home\ndescription: Home.\n---\n\n# Home\n", encoding="utf-8")
    (fixtures / "made" / "docs" / "chapters" / "one.md").write_text(
        "---\ntitle: One\ndescription: A chapter.\nattribution: {written_by: Sam}\n---\n\n# One\n", encoding="utf-8")
    (fixtures / "made" / "mkdocs.override.yml").write_text(
        "nav:\n  - Home: index.md\n  - Chapters:\n      - chapters/one.md\n      - Again: chapters/one.md\n", encoding="utf-8")
    result, site = build_fixture("made", tmp_path / "project", fixtures=fixtures)
    assert_stopped_cleanly(result, site)
    (found,) = re.findall(r"^mkdocs\.yml:(\d+): (.+)$", result.stderr, re.M)
    config_lines = (site.parent / "mkdocs.yml").read_text(encoding="utf-8").split("\n")
    assert "Again: chapters/one.md" in config_lines[int(found[0]) - 1]
    assert "nav: lists 'chapters/one.md' a second time" in found[1]


def test_mkdocs_own_warnings_are_listed_with_the_sources_problems_before_any_pdf(tmp_path: Path) -> None:
    """A page with broken front matter stops the build before MkDocs reads the navigation and the
    links: their problems are still in the same list, and no PDF is printed."""
    pages = {
        "index.md": "---\ntitle: Home\ndescription: The home page.\n---\n\n# Home\n\nSee [a chapter](chapters/two.md).\n\n"
                    "And [one that is gone](chapters/gone.md), [a section](chapters/two.md#nowhere).\n\n"
                    "[A download the build makes](downloads/post-secondary-peer-support-training-curriculum.epub)\n",
        "chapters/one.md": "---\ntitle: One\ndescriptin: A misspelt field.\nattribution: {written_by: Sam}\n---\n\n# One\n",
        "chapters/two.md": "---\ntitle: Two\ndescription: A chapter.\nattribution: {written_by: Sam}\n---\n\n# Two\n",
    }
    override = "nav:\n  - Home: index.md\n  - Chapters:\n      - chapters/one.md\n"
    fixtures = tmp_path / "fixtures"
    for name, text in pages.items():
        (fixtures / "made" / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (fixtures / "made" / "docs" / name).write_text(text, encoding="utf-8")
    (fixtures / "made" / "mkdocs.override.yml").write_text(override, encoding="utf-8")
    result, site = build_fixture("made", tmp_path / "project", fixtures=fixtures, env={"BOOK_EXPORTS": "1"})
    assert_stopped_cleanly(result, site)
    problems = [(f, n) for f, n, _ in reported(result.stderr)]
    assert problems == [("docs/chapters/one.md", 1), ("docs/chapters/one.md", 3), ("docs/chapters/two.md", 1),
                        ("docs/index.md", 10), ("docs/index.md", 10)], result.stderr
    for words in ("not in the book's navigation", "'chapters/gone.md' leads to no page", "'#nowhere'"):
        assert words in result.stderr
    assert "The book has 5 problems to fix:" in result.stderr
    assert "PDF" not in result.stderr and not (site / "downloads").exists()


def test_unsafe_raw_html_is_reported_line_by_line_and_never_written(tmp_path: Path) -> None:
    result, site = build_fixture("check-raw-html-unsafe", tmp_path)
    assert_stopped_cleanly(result, site)
    by_line = {line: message for _, line, message in reported(result.stderr) if "raw HTML link" not in message}
    expected = {
        10: "<script> runs script",
        12: "<iframe> embeds another page",
        14: "<object> embeds content",
        16: "<embed> embeds content",
        18: "<form> sends what readers type",
        20: "attribute onclick= on <p> runs script",
        22: "javascript: address, which a page may not link to",
        24: "loads a file from another site (tracker.example.org)",
    }
    assert sorted(by_line) == sorted(expected), result.stderr
    for line, words in expected.items():
        assert words in by_line[line]


def test_a_file_a_browser_could_run_script_from_is_not_published(tmp_path: Path) -> None:
    result, site = build_fixture("check-raw-html-static-file", tmp_path)
    assert_stopped_cleanly(result, site)
    assert "docs/widget.html:1: the book does not publish .html files (a browser can run script from it)" in result.stderr


def test_every_problem_of_the_book_is_reported_in_one_run(tmp_path: Path) -> None:
    result, site = build_fixture("check-several-problems", tmp_path)
    assert_stopped_cleanly(result, site)
    problems = reported(result.stderr)
    expected = [
        ("docs/chapters/one.md", 3, "front matter is not valid YAML"),
        ("docs/chapters/three.md", 1, "the chapter does not say who wrote it"),
        ("docs/chapters/three.md", 8, "has no alt text"),
        ("docs/chapters/three.md", 10, "<iframe> embeds another page"),
        ("docs/chapters/two.md", 1, "the chapter does not say who wrote it"),
        ("docs/chapters/two.md", 1, "no description"),
        ("docs/chapters/two.md", 2, "title 'Chapter two' is also the title of docs/chapters/three.md"),
        ("docs/chapters/two.md", 3, "unknown front matter field 'descripton': did you mean 'description'?"),
        ("docs/chapters/two.md", 8, "unknown admonition type 'warnng'"),
        ("docs/chapters/two.md", 12, "reflection admonition has no prompts"),
        ("docs/chapters/two.md", 16, "heading 'Skipped a level' is level 3"),
        ("docs/chapters/two.md", 18, "anchor '#no-such-anchor', which docs/chapters/one.md does not have"),
        ("docs/index.md", 8, "link text 'here'"),
    ]
    assert [(f, n) for f, n, _ in problems] == [(f, n) for f, n, _ in expected], result.stderr
    for (_, _, message), (_, _, words) in zip(problems, expected):
        assert words in message
    assert f"The book has {len(expected)} problems to fix:" in result.stderr


def test_a_book_that_follows_every_rule_builds(tmp_path: Path) -> None:
    result, site = build_fixture("check-clean", tmp_path)
    assert result.returncode == 0, result.stderr
    chapter = soup(page_html_path(site, "chapters/listening.md"))
    kinds = [box["class"][1] for box in chapter.select("article .admonition")] + \
        [box["class"][0] for box in chapter.select("article details")]
    assert kinds == ["scenario", "consider", "note", "reflection", "tip"]
    # The title's "&" is shown as typed.
    assert soup(page_html_path(site, "index.md")).title.get_text().startswith("Home & welcome")


@settings(max_examples=6, deadline=None)
@given(keys=st.sampled_from(FIELDS), text=TEXT, raw=st.booleans())
@example(keys=("title",), text="<img src=x onerror=alert(1)>Mallory", raw=False)
@example(keys=("description",), text="Q & A: what peers do, and don't", raw=False)
@example(keys=("attribution", "adapted_from", "author"), text="</script><script>alert(1)</script>", raw=False)
def test_any_front_matter_text_fails_clearly_or_is_escaped_in_the_built_book(keys: tuple[str, ...], text: str, raw: bool) -> None:
    front = front_matter_with(keys, text, raw)
    with tempfile.TemporaryDirectory() as workdir:
        result, site = build_pages({"index.md": f"---\n{front}---\n\n# Home\n\nText.\n"}, Path(workdir))
        assert "Traceback" not in result.stderr
        if result.returncode != 0:
            problems = reported(result.stderr)
            assert problems and all(f == "docs/index.md" for f, _, _ in problems), result.stderr
            assert all(": " in message for _, _, message in problems)
            return
        value = value_at(yaml.safe_load(front), keys)
        page = soup(page_html_path(site, "index.md"))
        # Nothing typed into the front matter became an element, a handler or a script.
        assert all(not name.lower().startswith("on") for tag in page.find_all() for name in tag.attrs)
        for script in page.find_all("script"):
            if script.get("type") == "application/ld+json":
                json.loads(script.string)
            else:
                assert "alert(" not in (script.string or "")
        shown = {
            ("title",): lambda: page.title.get_text(),
            ("description",): lambda: page.find("meta", attrs={"name": "description"})["content"],
        }.get(keys, lambda: page.select_one(".book-attribution").get_text())()
        assert normalise(str(value)) in normalise(shown) or keys[-1] in ("license", "source_url")
