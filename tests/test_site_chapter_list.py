"""hooks/chapter_list.py: the lists of chapters the home page and the chapters' page show."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from ebook.site import chapter_list as c
from tests.helpers import build_pages, page_html_path, soup

CHAPTERS = [
    c.ListedChapter("chapters/one.md", "Connection & Care", "What connection means."),
    c.ListedChapter("chapters/part/two.md", "Écoute active : [les bases] *d’une* présence", "Du texte {: .x } et `code`."),
]


def test_each_chapter_is_linked_from_where_the_list_is() -> None:
    assert c.chapter_list(CHAPTERS[:1], "index.md") == "1. [Connection & Care](<chapters/one.md>): What connection means."
    assert c.chapter_list(CHAPTERS, "chapters/index.md").split("\n")[1].startswith("2. [")
    assert "(<part/two.md>)" in c.chapter_list(CHAPTERS, "chapters/index.md")


def test_titles_and_descriptions_stay_plain_text() -> None:
    html = markdown.markdown(c.chapter_list(CHAPTERS, "index.md"), extensions=["attr_list"])
    assert html.count("<a ") == 2 and "<em>" not in html and "<code>" not in html and 'class="x"' not in html
    assert "Écoute active : [les bases] *d’une* présence" in html and "Du texte {: .x } et `code`." in html


def test_only_a_marker_line_of_its_own_is_replaced() -> None:
    page = f"# Home\n\n{c.MARKER}\n\nSee `{c.MARKER}` in the text.\n"
    result = c.with_chapter_list(page, CHAPTERS[:1], "index.md")
    assert result.startswith("# Home\n\n1. [Connection & Care]")
    assert f"`{c.MARKER}` in the text" in result


def test_start_reading_leads_to_the_first_chapter_from_where_the_marker_is() -> None:
    html = markdown.markdown(c.start_reading(CHAPTERS[::-1], "index.md"), extensions=["attr_list"])
    assert html.startswith('<p class="book-start"><a class="md-button md-button--primary" href="chapters/part/two.md">Start reading</a>')
    assert "Chapter 1: Écoute active : [les bases] *d’une* présence</p>" in html and "<em>" not in html
    assert "(<../one.md>)" in c.start_reading(CHAPTERS, "chapters/part/index.md")


def test_a_book_without_chapters_has_nothing_to_start_reading() -> None:
    page = f"# Home\n\n{c.START_MARKER}\n\nText.\n"
    assert c.with_chapter_list(page, [], "index.md") == "# Home\n\n\n\nText.\n"


def test_both_markers_are_replaced_in_one_page() -> None:
    page = f"# Home\n\n{c.START_MARKER}\n\n## Contents\n\n{c.MARKER}\n"
    assert c.has_marker(page) and not c.has_marker("# Home\n")
    result = c.with_chapter_list(page, CHAPTERS, "index.md")
    assert result.count("](<chapters/one.md>)") == 2 and "<!--" not in result


def test_a_built_book_lists_its_chapters_in_navigation_order_on_every_marked_page(tmp_path: Path) -> None:
    front = "---\ntitle: {t}\ndescription: {d}\nattribution:\n  written_by: Sam\n---\n\n# {t}\n\nText.\n"
    pages = {
        "index.md": "---\ntitle: Home\ndescription: Home.\n---\n\n# Home\n\n" + c.START_MARKER + "\n\n" + c.MARKER + "\n",
        "chapters/index.md": "---\ntitle: Chapters\ndescription: All.\n---\n\n# Chapters\n\n" + c.MARKER + "\n",
        "chapters/zebra.md": front.format(t="Zebra", d="Last by name, first in the book."),
        "chapters/apple.md": front.format(t="Apple", d="First by name, second in the book."),
    }
    nav = "nav:\n  - index.md\n  - Chapters:\n      - chapters/index.md\n      - chapters/zebra.md\n      - chapters/apple.md\n"
    (tmp_path / "fixtures" / "made").mkdir(parents=True)
    (tmp_path / "fixtures" / "made" / "mkdocs.override.yml").write_text(nav, encoding="utf-8")
    result, site = build_pages(pages, tmp_path)
    assert result.returncode == 0, result.stderr
    for src_uri in ("index.md", "chapters/index.md"):
        items = soup(page_html_path(site, src_uri)).select("article ol > li")
        assert [li.a.get_text() for li in items] == ["Zebra", "Apple"], src_uri
        assert items[0].get_text().endswith(": Last by name, first in the book.")
        target = (page_html_path(site, src_uri).parent / items[1].a["href"]).resolve()
        assert target == page_html_path(site, "chapters/apple.md").parent.resolve()
    start = soup(page_html_path(site, "index.md")).select_one("article p.book-start a.md-button")
    assert start.get_text() == "Start reading"
    assert (page_html_path(site, "index.md").parent / start["href"]).resolve() \
        == page_html_path(site, "chapters/zebra.md").parent.resolve()
