"""The chapter template (templates/chapter.md): a contributor's copy is stopped, line by line,
until its sample text is replaced, and then builds into a chapter."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.helpers import ROOT, make_fixture_project, mkdocs_build, normalise, page_html_path, soup

TEMPLATE = ROOT / "templates" / "chapter.md"
PROBLEM = re.compile(r"^docs/chapters/new-chapter\.md:(\d+): (.+)$", re.M)


def new_chapter(tmp_path: Path, text: str) -> tuple[Path, Path]:
    config = make_fixture_project("chapter-template", tmp_path)
    chapters = config.parent / "docs" / "chapters"
    chapters.mkdir()
    (chapters / "new-chapter.md").write_text(text, encoding="utf-8")
    return config, config.parent / "site"


def filled_in(template: str) -> str:
    """The template as a contributor leaves it: a title, a description and a name of their own,
    every sample sentence replaced, the structure (headings, boxes, lists) kept."""
    front, body = re.match(r"^(---\n.*?\n---\n)(.*)$", template, re.DOTALL).groups()
    front = re.sub(r"(?m)^title: .*$", "title: Listening Well", front)
    front = re.sub(r"(?m)^description: >-\n(?:  .*\n)+", "description: How peers listen without judging.\n", front)
    front = re.sub(r"(?m)^(\s*written_by:) .*$", r"\1 Robin Example", front)
    lines = []
    for number, line in enumerate(body.split("\n")):
        indent, text = re.match(r"^(\s*(?:- )?)(.*)$", line).groups()
        if text.startswith("# "):
            line = "# Listening Well"
        elif text and not text.startswith(("#", "!!!")):
            line = f"{indent}Words of the chapter's own, line {number}."
        lines.append(line)
    return front + "\n".join(lines)


def test_a_copy_of_the_template_is_stopped_at_each_piece_of_sample_text(tmp_path: Path) -> None:
    template = TEMPLATE.read_text(encoding="utf-8")
    config, site = new_chapter(tmp_path, template)
    result = mkdocs_build(config, site)
    assert result.returncode != 0
    found = {int(line): message for line, message in PROBLEM.findall(result.stderr)}
    template_lines = template.split("\n")
    for sample, fix in (("title: Your Chapter Title", "give the chapter's own title"),
                        ("written_by: Your Name", "put the name of whoever wrote the chapter"),
                        ("# Your Chapter Title", "give the chapter's own title"),
                        ("A short introduction: what the reader will learn", "replace it with the chapter's own words"),
                        ("- A first question for the reader", "replace it with the chapter's own words")):
        line = next(n for n, text in enumerate(template_lines, start=1) if sample in text)
        assert line in found and "template's sample text" in found[line], (sample, result.stderr)
        assert found[line].endswith(fix), found[line]
    assert len(PROBLEM.findall(result.stderr)) == len(found)  # one finding a line
    assert not (site / "chapters" / "new-chapter" / "index.html").exists()


def test_a_filled_in_copy_of_the_template_builds_into_a_chapter(tmp_path: Path) -> None:
    template = TEMPLATE.read_text(encoding="utf-8")
    config, site = new_chapter(tmp_path, filled_in(template))
    result = mkdocs_build(config, site)
    assert result.returncode == 0, result.stderr

    page = soup(page_html_path(site, "chapters/new-chapter.md"))
    article = page.find("article")
    assert normalise(article.h1.get_text()).rstrip("¶") == "Listening Well"
    assert page.title.get_text().startswith("Listening Well")
    assert page.find("meta", attrs={"name": "description"})["content"] == "How peers listen without judging."
    for kind in ("scenario", "consider", "reflection"):
        assert len(article.select(f".admonition.{kind} .admonition-title")) == 1, kind
    prompts = [line for line in template.split("\n") if re.match(r"^\s+- ", line)]
    assert len(article.select(".admonition.reflection li")) == len(prompts) > 0
    credit = normalise(article.select_one(".book-attribution").get_text(" "))
    assert "written for this edition by Robin Example" in credit
    # The notes in the front matter stay notes: none reaches the page.
    assert "Choice 1" not in article.get_text() and "adapted_from" not in article.get_text()


def test_template_is_kept_out_of_the_built_book(site: Path) -> None:
    assert not (ROOT / "docs" / "templates").exists()
    for path in site.rglob("*.html"):
        assert "Your Chapter Title" not in path.read_text(encoding="utf-8"), path
