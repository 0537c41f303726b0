"""What PDFs a build writes, before any is made: the book, each chapter's handout, and a
worksheet for each chapter with reflection prompts; and the collections the chapters' PDFs are
printed in (`chapters_per_print` at a time).

A plan knows where its PDF goes, a hash of what its print document is made from (for the cache
key, `cache_keys`), and how to make the document: only done when the PDF must be printed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError

from ebook.model import build_cache
from ebook.model.book import download_path
from ebook.pdf.book_document import book_document
from ebook.pdf.chapter_documents import collection_document, handout_document, worksheet_document
from ebook.pdf.documents import PRINT_PAGE, ChapterPrint, PrintDocument

if TYPE_CHECKING:
    from ebook.model.book import Kind
    from ebook.pdf.documents import ChapterSource, PrintSetup


@dataclass(frozen=True)
class PrintPlan:
    """A PDF to write, before its print document is made: where it goes, a hash of what the
    document is made from, and how to make it (only done when the PDF must be printed)."""

    kind: Kind
    path: str
    inputs: str
    make: Callable[[], PrintDocument | ChapterPrint]


def print_plans(site: Path, chapters: Sequence[ChapterSource], setup: PrintSetup, *,
                config_name: str) -> list[PrintPlan]:
    """The book first (it takes longest), then each chapter's handout and worksheet."""
    print_page = site / PRINT_PAGE
    if not print_page.is_file():
        raise PluginError(
            f"site/{PRINT_PAGE} was not built: keep the print-site plugin in {config_name} "
            "(last in `plugins:`), the book PDF is printed from its combined page."
        )
    book_html = print_page.read_bytes()
    plans = [PrintPlan(
        kind="book", path=download_path("book", book=setup.book.slug),
        inputs=build_cache.digest("book", book_html),
        make=lambda: book_document(book_html.decode("utf-8"), setup),
    )]
    for chapter in chapters:
        page_bytes = chapter.html_file.read_bytes()
        # The built page's own path differs between builds (make book builds in a temporary folder).
        described = repr(dataclasses.replace(chapter, html_file=Path(chapter.url)))

        # The page is read again when its document is made, rather than every chapter's page
        # held through the whole printing (tens of MiB in a long book): the site's pages are
        # all written before the PDFs are made.
        def handout(chapter: ChapterSource = chapter) -> ChapterPrint:
            return handout_document(chapter.html_file.read_bytes().decode("utf-8"), chapter, setup)

        def worksheet(chapter: ChapterSource = chapter) -> ChapterPrint:
            document = worksheet_document(chapter.html_file.read_bytes().decode("utf-8"), chapter, setup)
            assert document is not None  # has_prompts said so
            return document

        plans.append(PrintPlan(
            kind="handout", path=download_path("handout", book=setup.book.slug, chapter=chapter.slug),
            inputs=build_cache.digest("handout", described, page_bytes), make=handout,
        ))
        if chapter.has_prompts:
            plans.append(PrintPlan(
                kind="worksheet", path=download_path("worksheet", book=setup.book.slug, chapter=chapter.slug),
                inputs=build_cache.digest("worksheet", described, page_bytes), make=worksheet,
            ))
    return plans


def collections(plans: Sequence[PrintPlan], size: int) -> list[list[PrintPlan]]:
    """The handouts, then the worksheets, `size` chapters to a collection printed in one go.

    Each print of the browser costs about as much as printing a dozen chapters more, so
    chapters are printed together and split apart after. The collections depend on the book
    alone, never on what the cache holds, so a chapter's PDF is the same in every build.
    """
    batches = []
    for kind in ("handout", "worksheet"):
        chapters = [plan for plan in plans if plan.kind == kind]
        batches += [chapters[i:i + size] for i in range(0, len(chapters), size)]
    return batches


def book_job(plan: PrintPlan) -> PrintDocument:
    """The whole book's print document, made from the print page."""
    document = plan.make()
    assert isinstance(document, PrintDocument), plan.path
    return document


def collection_job(batch: Sequence[PrintPlan], setup: PrintSetup, *, name: str) -> PrintDocument:
    """A collection's print document, made from its chapters' pages."""
    parts: list[ChapterPrint] = []
    for plan in batch:
        part = plan.make()
        assert isinstance(part, ChapterPrint), plan.path  # a collection holds chapters only
        parts.append(part)
    return collection_document(parts, setup, name=name)
