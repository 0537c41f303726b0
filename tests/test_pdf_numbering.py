"""The page numbers written into a print document: the book's contents, each chapter's page count."""

from __future__ import annotations

import asyncio
import dataclasses
import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pikepdf
import pypdf
import pytest
from mkdocs.exceptions import PluginError

from ebook.pdf import finishing
from ebook.pdf.box_breaks import KeptBox, kept_boxes
from ebook.pdf.browser import render_documents
from ebook.pdf.chapter_documents import collection_document, handout_document
from ebook.pdf.documents import MARGIN_BOTTOM_MM, MARGIN_TOP_MM, POINTS_PER_MM, PrintDocument, part_targets
from ebook.pdf.finishing import finish_printed
from ebook.pdf.numbering import (
    MAX_TOC_PASSES,
    Printed,
    fill_page_totals,
    fill_running_heads,
    fill_toc_pages,
    front_matter_pages,
    measured_numbers,
    measuring_html,
    print_until_numbers_hold,
    toc_targets,
    with_last_numbers,
    with_numbers,
)
from tests.pdfs import full_page_texts
from tests.print_documents import METADATA, chapter_with_paragraphs, print_setup, system_browser


def test_toc_page_numbers_are_filled_in_their_slots() -> None:
    html = ('<span class="book-toc__page" data-toc-target="a-b"></span>'
            '<span class="book-toc__page" data-toc-target="c">7</span>')
    assert toc_targets(html) == ["a-b", "c"]
    assert fill_toc_pages(html, {"a-b": 3, "c": 12}) == (
        '<span class="book-toc__page" data-toc-target="a-b">3</span>'
        '<span class="book-toc__page" data-toc-target="c">12</span>')


def test_each_chapters_number_of_pages_is_filled_in_its_slot() -> None:
    html = ('content: "Page " counter(part-1) " of " /* pages of part 1 */ "";\n'
            'content: "Page " counter(part-2) " of " /* pages of part 2 */ "9";')
    assert fill_page_totals(html, [3, 2]) == (
        'content: "Page " counter(part-1) " of " /* pages of part 1 */ "3";\n'
        'content: "Page " counter(part-2) " of " /* pages of part 2 */ "2";')


def test_the_last_builds_numbers_are_written_in_first_only_when_they_cover_the_whole_document() -> None:
    slot = '<span class="book-toc__page" data-toc-target="{}">0</span>'
    book = PrintDocument(path="downloads/b.pdf", url_path="b.print.html", metadata=METADATA, toc=True,
                         html=slot.format("why") + slot.format("how"))
    guessed = with_last_numbers(lambda: book, {"why": 3, "how": 5, "a-heading-since-removed": 9})
    assert guessed.last_numbers == {"why": 3, "how": 5}
    assert with_numbers(guessed, guessed.last_numbers) == slot.format("why").replace(">0<", ">3<") + \
        slot.format("how").replace(">0<", ">5<")
    # A heading new since the last build: nothing to go on, so the first printing measures.
    assert with_last_numbers(lambda: book, {"why": 3}).last_numbers is None
    assert with_last_numbers(lambda: book, {}).last_numbers is None


def test_each_page_gets_the_running_heads_of_the_part_running_on_it_and_none_where_one_opens() -> None:
    slot = "/* running heads */ @counter-style book-head-left { system: cyclic; symbols: \"\"; }\nnext line"
    heads = (("a", "One"), ("b", "Two \"2\""), ("c", ""))  # "": a part titled like the book
    filled = fill_running_heads(slot, heads, "Book", {"a": 1, "b": 3, "c": 3})
    rules, rest = filled.split("\n")
    assert rest == "next line"
    # Pages 1 and 3 open parts; page 2 runs part a; from page 4 on, part c (b opened on 3 too).
    assert '@counter-style book-head-left { system: fixed; symbols: "" "Book" ""; fallback: book-head-left-on; }' in rules
    assert '@counter-style book-head-left-on { system: cyclic; symbols: "Book"; }' in rules
    assert '@counter-style book-head-right { system: fixed; symbols: "" "One" ""; fallback: book-head-right-on; }' in rules
    assert '@counter-style book-head-right-on { system: cyclic; symbols: ""; }' in rules
    assert fill_running_heads(slot, (("a", "One"), ("b", 'Two "2"')), "Book", {"a": 1, "b": 2}).count(
        'symbols: "Two \\22 2\\22 "') == 1


def test_the_contents_count_pages_from_the_body_and_the_pdf_labels_them_so() -> None:
    book = PrintDocument(path="downloads/b.pdf", url_path="b.print.html", metadata=METADATA, toc=True,
                         html='<span class="book-toc__page" data-toc-target="first"></span>'
                              '<span class="book-toc__page" data-toc-target="later"></span>')
    assert front_matter_pages(book, {"first": 4, "later": 9}) == 3
    pdf = pikepdf.new()
    for _ in range(5):
        pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    ((labelled, pages),) = finish_printed(out.getvalue(), [(METADATA, [])], collection=False, front_pages=3, epoch=0)
    assert pypdf.PdfReader(io.BytesIO(labelled)).page_labels == ["i", "ii", "iii", "1", "2"]
    assert pages == 5
    ((unlabelled, _),) = finish_printed(out.getvalue(), [(METADATA, [])], collection=False, front_pages=0, epoch=0)
    assert "/PageLabels" not in pikepdf.open(io.BytesIO(unlabelled)).Root  # no front matter: no labels


def test_a_printing_made_to_measure_shows_nothing_and_lands_every_part_where_the_real_one_does(
        tmp_path: Path) -> None:
    """The first printing of a collection (or the book) without numbers from an earlier build only
    measures: printed showing nothing, it is laid out page for page as the printing that follows,
    which writes the numbers it measured into every chapter's footer."""
    setup = print_setup()
    chapters = [chapter_with_paragraphs("short", "A short chapter", 1),
                chapter_with_paragraphs("long", "A long chapter", 14),
                chapter_with_paragraphs("middle", "A middle chapter", 6)]
    collection = collection_document([handout_document(page, chapter, setup) for chapter, page in chapters],
                                     setup, name="handouts-1")
    measuring = dataclasses.replace(collection, url_path="handouts-measuring.print.html",
                                    html=measuring_html(collection.html))
    # In its own thread: see test_render_documents_prints_with_the_system_browser (test_pdf_browser.py).
    with ThreadPoolExecutor(1) as worker:
        shown, hidden = worker.submit(render_documents, [collection, measuring], tmp_path, system_browser()).result()
    assert shown.printings == 2  # measured once, then printed with the numbers
    numbers = measured_numbers(collection, shown.data)
    short, long, middle = (numbers[part.path] for part in collection.parts)
    assert short < middle < long  # each chapter's own pages, counted from where it begins
    assert measured_numbers(collection, hidden.data) == numbers
    assert finishing.page_count(hidden.data) == finishing.page_count(shown.data) == sum(numbers.values())
    for name, data in (("shown", shown.data), ("hidden", hidden.data)):
        (tmp_path / f"{name}.pdf").write_bytes(data)
    assert "".join(full_page_texts(tmp_path / "hidden.pdf")).strip() == ""
    assert f"Page {long} of {long}" in "".join(full_page_texts(tmp_path / "shown.pdf"))
    # Where the parts begin is a destination of the printed collection only, not of a chapter's PDF.
    finished = finish_printed(shown.data, [(part.metadata, part.headings) for part in collection.parts],
                              collection=True, front_pages=0, epoch=0)
    for data, _ in finished:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            names = pikepdf.NameTree(pdf.Root.Names.Dests).keys() if "/Names" in pdf.Root else []
            assert not [name for name in names if name.startswith("book-collection-part")]


LETTER = (612, 792)  # the stand-in printings' paper, in points


def one_chapter_with_a_kept_box() -> tuple[PrintDocument, KeptBox]:
    setup = print_setup()
    chapter, page = chapter_with_paragraphs("one", "one", 1)
    collection = collection_document([handout_document(page, chapter, setup)], setup, name="handouts-1")
    (kept,) = kept_boxes(collection.html)
    return collection, kept


def printings(document: PrintDocument, pdfs: list[bytes]) -> tuple[Printed, list[str]]:
    """The document printed by a stand-in printer that gives these PDFs in turn (the last one
    again once they run out), and the HTML of each printing."""
    calls: list[str] = []

    async def print_html(html: str, printing: int, tagged: bool) -> bytes:
        calls.append(html)
        return pdfs[min(printing, len(pdfs)) - 1]

    with ThreadPoolExecutor(1) as worker:
        return worker.submit(asyncio.run, print_until_numbers_hold(document, print_html)).result(), calls


# Where the text before a box ends, as Chromium gives a destination's top (leaving out the top
# margin): this share of the body above the body's foot.
def text_ending(share: float) -> float:
    body = LETTER[1] - (MARGIN_TOP_MM + MARGIN_BOTTOM_MM) * POINTS_PER_MM
    return (MARGIN_TOP_MM + MARGIN_BOTTOM_MM) * POINTS_PER_MM + share * body


def test_a_box_that_moved_on_leaving_too_much_of_a_page_empty_is_let_break_and_printed_again() -> None:
    """Every printing measures afresh: with the last build's numbers too, a box that moved whole
    to the next page, leaving most of the page before empty, is let break in the next printing."""
    collection, kept = one_chapter_with_a_kept_box()
    start = {part_targets(1)[0]: 1}
    # First the box is on page 2, the text before it ending halfway down page 1; let break, it
    # starts on page 1 after that text.
    moved = printed_with_destinations(2, start | {kept.mark: (1, text_ending(0.5)), kept.box: (2, 700.0)})
    let_break = printed_with_destinations(2, start | {kept.mark: (1, text_ending(0.5)), kept.box: (1, text_ending(0.45))})
    calls: list[str] = []

    async def print_html(html: str, printing: int, tagged: bool) -> bytes:
        calls.append(html)
        return let_break if "break-inside: auto !important" in html else moved  # the rule letting it break

    for last in (None, {collection.parts[0].path: 2}):
        calls.clear()
        document = dataclasses.replace(collection, last_numbers=last)
        with ThreadPoolExecutor(1) as worker:
            done = worker.submit(asyncio.run, print_until_numbers_hold(document, print_html)).result()
        assert done.data == let_break and done.printings == len(calls) == 2


def test_a_box_is_let_break_only_when_the_page_it_moved_from_is_left_more_than_30_percent_empty() -> None:
    collection, kept = one_chapter_with_a_kept_box()
    start = {part_targets(1)[0]: 1}
    for share, let_break in ((0.27, False), (0.33, True)):
        moved = printed_with_destinations(2, start | {kept.mark: (1, text_ending(share)), kept.box: (2, 700.0)})
        done, calls = printings(collection, [moved])
        assert ("break-inside: auto !important" in calls[-1]) == let_break, share
        # A box that moves on even when let break (it cannot start lower on the page) is let
        # break once: the printings end when the numbers hold.
        assert done.printings == 2


def test_a_printing_without_a_boxs_marks_stops_the_build_rather_than_never_measure_the_box() -> None:
    collection, kept = one_chapter_with_a_kept_box()
    lost = printed_with_destinations(1, {part_targets(1)[0]: 1, kept.mark: 1})
    with pytest.raises(PluginError, match=rf"no destination for \['{kept.box}'\]: each should be one of the empty marks"):
        printings(collection, [lost])


def test_each_box_let_break_allows_one_printing_more_for_the_numbers_to_settle() -> None:
    collection, kept = one_chapter_with_a_kept_box()
    start = {part_targets(1)[0]: 1}
    moved = {kept.mark: (1, text_ending(0.5)), kept.box: (2, 700.0)}
    let_break = {kept.mark: (1, text_ending(0.5)), kept.box: (1, text_ending(0.45))}
    # The first printing lets the box break; its page count then settles at the fifth.
    pdfs = [printed_with_destinations(2, start | moved)] + [
        printed_with_destinations(pages, start | let_break) for pages in (3, 4, 5, 5)]
    done, _ = printings(collection, pdfs)
    assert done.printings == MAX_TOC_PASSES + 1
    with pytest.raises(PluginError, match=r"still moved after 5 printings \(reflection boxes let break on the way: 1\)"):
        printings(collection, pdfs[:-1] + [printed_with_destinations(6, start | let_break)] * 2)


def printed_with_destinations(pages: int, destinations: dict[str, int | tuple[int, float]]) -> bytes:
    """A PDF of blank letter pages with named destinations on the given pages (from 1), at the
    given tops (0 if none given), as Chromium writes them."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=LETTER)
    pdf.Root.Names = pikepdf.Dictionary(Dests=pikepdf.NameTree.new(pdf).obj)
    tree = pikepdf.NameTree(pdf.Root.Names.Dests)
    for name, place in destinations.items():
        page, top = place if isinstance(place, tuple) else (place, 0)
        tree[name] = pikepdf.Array([pdf.pages[page - 1].obj, pikepdf.Name.XYZ, 0, top, 0])
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_a_document_without_numbers_is_first_printed_to_measure_then_printed_tagged_with_them() -> None:
    setup = print_setup()
    chapters = [chapter_with_paragraphs(slug, slug, 1) for slug in ("one", "two", "three")]
    collection = collection_document([handout_document(page, chapter, setup) for chapter, page in chapters],
                                     setup, name="handouts-1")
    # The three chapters begin on pages 1, 2 and 4 of 5, however the document is printed, each
    # with its reflection box on its first page.
    starts = dict(zip(part_targets(3), (1, 2, 4)))
    boxes = {name: page for kept, page in zip(kept_boxes(collection.html), starts.values()) for name in kept}
    printed = printed_with_destinations(5, starts | boxes)
    calls: list[tuple[str, bool]] = []

    async def print_html(html: str, printing: int, tagged: bool) -> bytes:
        calls.append((html, tagged))
        return printed

    # In a thread of its own: the browser tests' session-wide Playwright (sync API) may hold an
    # event loop in this one.
    with ThreadPoolExecutor(1) as worker:
        done = worker.submit(asyncio.run, print_until_numbers_hold(collection, print_html)).result()
    numbers = {part.path: pages for part, pages in zip(collection.parts, (1, 2, 2))}
    assert done.printings == 2 and done.numbers == numbers
    assert calls == [(measuring_html(collection.html), False), (with_numbers(collection, numbers), True)]
    # With the last build's numbers, its first printing is a real one, and the last if they hold.
    calls.clear()
    known = dataclasses.replace(collection, last_numbers=numbers)
    with ThreadPoolExecutor(1) as worker:
        assert worker.submit(asyncio.run, print_until_numbers_hold(known, print_html)).result().printings == 1
    assert calls == [(with_numbers(collection, numbers), True)]
