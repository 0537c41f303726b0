"""The chapter template (templates/chapter.md): a contributor's copy builds into a chapter."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.helpers import ROOT, make_fixture_project, mkdocs_build, normalise, page_html_path, soup

TEMPLATE = ROOT / "templates" / "chapter.md"


def test_a_copy_of_the_template_builds_into_a_chapter(tmp_path: Path) -> None:
    config = make_fixture_project("chapter-template", tmp_path)
    chapters = config.parent / "docs" / "chapters"
    chapters.mkdir()
    shutil.copy(TEMPLATE, chapters / "new-chapter.md")
    site = config.parent / "site"
    result = mkdocs_build(config, site)
    assert result.returncode == 0, result.stderr

    page = soup(page_html_path(site, "chapters/new-chapter.md"))
    article = page.find("article")
    assert normalise(article.h1.get_text()).rstrip("¶") == "Your Chapter Title"
    assert page.title.get_text().startswith("Your Chapter Title")
    assert page.find("meta", attrs={"name": "description"})["content"].startswith("One or two sentences")
    for kind in ("scenario", "consider", "reflection"):
        assert len(article.select(f".admonition.{kind} .admonition-title")) == 1, kind
    assert len(article.select(".admonition.reflection li")) == 2
    credit = normalise(article.select_one(".book-attribution").get_text(" "))
    assert "written for this edition by Your Name" in credit
    # The notes in the front matter stay notes: none reaches the page.
    assert "Choice 1" not in article.get_text() and "adapted_from" not in article.get_text()


def test_template_is_kept_out_of_the_built_book(site: Path) -> None:
    assert not (ROOT / "docs" / "templates").exists()
    for path in site.rglob("*.html"):
        assert "Your Chapter Title" not in path.read_text(encoding="utf-8"), path
