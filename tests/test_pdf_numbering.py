"""The page numbers written into a print document: the book's contents, each chapter's page count."""

from __future__ import annotations

from ebook.pdf.documents import PrintDocument
from ebook.pdf.numbering import fill_page_totals, fill_toc_pages, toc_targets, with_last_numbers, with_numbers
from tests.print_documents import METADATA


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
