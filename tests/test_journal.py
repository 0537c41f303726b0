"""The reflection journal at build time (hooks/ebook/site/journal.py): each prompt's identity in
its chapter's page, the page that lists every prompt of the book, and what is left out of the
search index and the downloads. The journal in a browser: tests/test_journal_browser.py."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup
from lxml import html as lxml_html
from mkdocs.exceptions import PluginError

from ebook.pdf.reflection import worksheet_prompts
from ebook.site import journal
from tests.helpers import chapter_pages, nav_titles, normalise, page_html_path, soup
from tests.pdfs import body_text, normalise_pdf_text

EXTENSIONS = ["admonition", "pymdownx.details", "pymdownx.superfences", "attr_list", "md_in_html"]

# Every way a chapter may hold its prompts: two boxes (an admonition and a collapsible one), an
# ordered list, a prompt with its own list and emphasis, lists outside the boxes, a comment that
# holds a list's tags, and a prompt asked twice.
CHAPTER = """\
Some text.

- Not a prompt.

<!-- <ul><li>in a comment</li></ul> -->

!!! reflection "For Reflection"

    - How did it *feel*?
    - What would you do?
        - Would you ask?
    - How did it *feel*?

!!! note "A note"

    - Not a prompt either.

??? reflection "More"

    1. Who could you ask?
"""


def render(source: str) -> str:
    return markdown.markdown(source, extensions=EXTENSIONS)


def read(html: str) -> journal.ChapterJournal:
    found = journal.read_chapter(html, slug="a-chapter", title="A & Chapter", url="chapters/a-chapter/",
                                 where="docs/chapters/a-chapter.md")
    assert found is not None
    return found


def test_the_journal_takes_the_prompts_the_worksheet_takes_in_the_same_order() -> None:
    html = render(CHAPTER)
    found = read(html)
    worksheet = [normalise(BeautifulSoup(p, "html.parser").get_text()) for p in
                 worksheet_prompts(lxml_html.fromstring(html), lambda prompts: None)]
    assert [normalise(p.text) for p in found.prompts] == worksheet
    assert [p.position for p in found.prompts] == [1, 2, 3, 4]


def test_a_reflection_box_inside_another_asks_no_prompt_twice_and_gets_no_note_of_its_own() -> None:
    # The chapter checks refuse it; should one get past them, the journal reads what the worksheet reads.
    html = render("!!! reflection\n\n    - What did you notice?\n\n        !!! reflection\n\n"
                  "            - And then?\n\n    - Two?\n")
    found = read(html)
    assert [normalise(p.text) for p in found.prompts] == ["What did you notice? Reflection And then?", "Two?"]
    assert len(found.box_offsets) == 1


def test_a_prompt_keeps_its_identity_through_typography_and_gets_a_new_one_when_reworded() -> None:
    same = journal.prompts(["Can you recall a time? If so, how did it feel?",
                            "can you  recall a time?\nIf so, how did it feel?",
                            "Can you recall a time? If so, how did it feel?"])
    assert same[0].id == same[1].id.removesuffix("-2")
    assert [p.id for p in same] == [same[0].id, same[0].id + "-2", same[0].id + "-3"]  # asked again: its own
    assert journal.prompt_hash("Sam’s position – “now”") == journal.prompt_hash("Sam's position - \"now\"")
    reworded = journal.prompt_hash("Can you remember a time? If so, how did it feel?")
    assert reworded != same[0].id
    assert re.fullmatch(r"[0-9a-f]{10}", reworded)


def test_each_prompt_is_marked_and_each_box_gets_its_note_and_nothing_else_changes() -> None:
    html = render(CHAPTER)
    found = read(html)
    annotated = found.annotated(html, book="the-book", page_url="chapters/a-chapter/",
                                reflections_url="my-reflections/")
    page = BeautifulSoup(annotated, "html.parser")
    marked = page.select("li[data-journal-prompt]")
    assert [li["data-journal-prompt"] for li in marked] == [p.id for p in found.prompts]
    assert [li["data-journal-position"] for li in marked] == ["1", "2", "3", "4"]
    assert all(li.find_parent(class_="reflection") is not None for li in marked)
    notes = page.select("[data-journal-note]")
    assert len(notes) == 2 and [n.parent.get("class") for n in notes] == [["admonition", "reflection"], ["reflection"]]
    assert notes[0].find_next_sibling().name == "ul" and notes[1].find_next_sibling().name == "ol"
    assert notes[0]["data-journal-chapter"] == "a-chapter" and notes[0]["data-journal-title"] == "A & Chapter"
    assert notes[0].a["href"] == "../../my-reflections/"
    # Taking out what was written in gives the page back, byte for byte.
    annotated = re.sub(r'<div class="book-journal-note".*?</div>\n', "", annotated)
    assert re.sub(r' data-journal-(prompt|position)="[^"]*"', "", annotated) == html


def test_a_chapter_without_a_reflection_box_is_left_alone() -> None:
    assert journal.read_chapter(render("- A list.\n\n!!! note\n\n    - Not a prompt."), slug="a", title="A",
                                url="a/", where="docs/a.md") is None


def test_a_page_whose_lists_cannot_be_found_in_its_html_stops_the_build_naming_it() -> None:
    html = '<p title="&lt;li&gt;">x</p><div class="admonition reflection"><ul><li>A?</li></ul></div>'
    html = html.replace("&lt;li&gt;", "<li>")  # a tag's text in an attribute, as no Markdown writes it
    with pytest.raises(PluginError, match=r"docs/chapters/a-chapter\.md: .*journal"):
        read(html)


def test_the_page_of_every_prompt_links_each_chapter_and_credits_the_prompts(tmp_path: Path) -> None:
    from ebook.model.credits import LICENCES, Credits, Edition, Work

    original = Work("The <Original>", "An Author", "https://example.org/book/", LICENCES["CC-BY-4.0"], "A Press", 2022)
    credits = Credits(original, Edition("An edition"), LICENCES["CC-BY-4.0"], "", "")
    found = read(render(CHAPTER))
    page = BeautifulSoup(journal.with_prompts(f"<p>Intro</p>\n{journal.MARKER}\n", [found], book="the-book",
                                              page_url="my-reflections/", book_credits=credits), "html.parser")
    section = page.select_one("section[data-journal-chapter='a-chapter']")
    assert section.h3.a["href"] == "../chapters/a-chapter/" and section.h3.get_text() == "A & Chapter"
    assert [normalise(p.get_text()) for p in section.select(".book-journal__prompt")] == \
        [normalise(p.text) for p in found.prompts]
    assert page.select_one("[data-journal-page]")["data-journal-credit"] == (
        "The prompts are from “The <Original>” by An Author (A Press, 2022), licensed under CC BY 4.0, "
        "https://example.org/book/.")
    assert "The &lt;Original&gt;" in str(page.select_one(".book-journal__credit"))


# --- The real book ------------------------------------------------------------------------------


def box_prompts(site: Path, src_uri: str) -> list[str]:
    article = soup(page_html_path(site, src_uri)).find("article")
    return [normalise(li.get_text()) for li in
            article.select(":is(.admonition, details).reflection > :is(ul, ol) > li")]


def test_every_chapter_prompt_is_marked_and_listed_in_my_reflections_in_reading_order(site: Path) -> None:
    reflections = soup(site / "my-reflections" / "index.html")
    listed = [(normalise(s.h3.get_text()), s.h3.a["href"], [normalise(p.get_text()) for p in
               s.select(".book-journal__prompt")]) for s in reflections.select("section[data-journal-chapter]")]
    titles = nav_titles()
    expected = [(titles[src], f"../{src.removesuffix('.md')}/", box_prompts(site, src))
                for src in chapter_pages() if box_prompts(site, src)]
    assert expected and listed == expected
    for src in chapter_pages():
        marked = soup(page_html_path(site, src)).select("article li[data-journal-prompt]")
        assert len(marked) == len(box_prompts(site, src))


def test_the_worksheets_ask_the_prompts_of_my_reflections_in_the_same_order(site: Path) -> None:
    reflections = soup(site / "my-reflections" / "index.html")
    sections = reflections.select("section[data-journal-chapter]")
    assert sections
    for section in sections:
        prompts = [normalise(p.get_text()) for p in section.select(".book-journal__prompt")]
        worksheet = site / "downloads" / "worksheets" / f"{section['data-journal-chapter']}-reflection.pdf"
        text = normalise_pdf_text(body_text(worksheet))
        numbered = " ".join(f"{n}. {prompt}" for n, prompt in enumerate(prompts, start=1))
        assert numbered in text, (worksheet.name, numbered, text)
        assert not text.split(numbered, 1)[1].lstrip().startswith(f"{len(prompts) + 1}. "), worksheet.name


def test_no_download_and_not_the_search_index_carry_the_journal(site: Path) -> None:
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "data-journal" not in index and journal.NOTE_TEXT not in index
    assert "data-journal" not in (site / "print_page" / "index.html").read_text(encoding="utf-8")
    downloads = json.loads((site / "downloads" / "index.json").read_text(encoding="utf-8"))
    archives = [site / "downloads" / f["path"].removeprefix("downloads/") for f in downloads["files"]
                if f["path"].endswith(".epub")]
    assert archives
    for archive in archives:
        with zipfile.ZipFile(archive) as epub:
            text = " ".join(epub.read(name).decode("utf-8", "replace") for name in epub.namelist()
                            if name.endswith((".xhtml", ".html")))
        assert "data-journal" not in text and journal.NOTE_TEXT not in text
