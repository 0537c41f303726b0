"""The whole book's print document: print-site's combined page after a cover, a copyright page
and a table of contents (overrides/print/book.html), whose page numbers `numbering` writes in.

The parts run on one after the other (no part has a page of its own for a few lines). A
navigation section's index page that lists the one other page of its section (the chapters'
page of a book of one chapter) is left out: a list of one says nothing the contents do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup
from mkdocs.exceptions import PluginError

from ebook.model import credits
from ebook.model.book import download_path
from ebook.pdf.content import clean_content, has_classes, heading_text, online_folder, stylesheets
from ebook.pdf.documents import PRINT_PAGE, PdfMetadata, PrintDocument, document_context, running_head

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

    from ebook.pdf.documents import PrintSetup


@dataclass(frozen=True)
class TocEntry:
    id: str
    title: str
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class BookPart:
    """One page of the site (or a navigation section's title) in the book."""

    id: str
    title: str
    html: Markup
    toc: TocEntry


def book_parts(page: BeautifulSoup, *, base_url: str) -> list[BookPart]:
    """The pages of print-site's combined page, in order, each ready to print (changes `page`)."""
    root = page.find(id="print-site-page")
    if root is None:
        raise PluginError(f"site/{PRINT_PAGE}: no #print-site-page element; is print-site enabled?")
    clean_content(root, base_url=base_url)
    parts: list[BookPart] = []
    listings = {id(page) for page in _section_listings(root)}
    for section in root.find_all("section", class_="print-page"):
        heading = section.find("h1")
        if not section.get("id") or heading is None or id(section) in listings:
            continue  # print-site's own table of contents (filled by JavaScript), or a listing
        if "md-section" in section.get_attribute_list("class"):
            # A navigation section: its title gets a page unless its first page has the same
            # title, or lists the section's pages.
            first = section.find("section", class_="print-page")
            first_heading = first.find("h1") if first else None
            if id(first) in listings or (
                    first_heading is not None and heading_text(first_heading) == heading_text(heading)):
                continue
            heading["id"] = f'{section["id"]}-title'
            title = heading_text(heading)
            parts.append(BookPart(id=str(section["id"]), title=title, html=Markup(str(heading)),
                                  toc=TocEntry(str(heading["id"]), title)))
            continue
        if not heading.get("id"):
            heading["id"] = f'{section["id"]}-title'
        sections = tuple(TocEntry(str(h["id"]), heading_text(h))
                         for h in section.find_all("h2") if h.get("id"))
        title = heading_text(heading)
        parts.append(BookPart(
            id=str(section["id"]), title=title, html=Markup(section.decode_contents()),
            toc=TocEntry(str(heading["id"]), title, sections),
        ))
    return parts


def _section_listings(root: Tag) -> list[Tag]:
    """The index pages of navigation sections of two pages that list the other one: print-site
    has made their links to it a link within the book."""
    found = []
    for section in root.find_all("section", class_="md-section"):
        if not has_classes(section, "print-page"):
            continue
        pages = section.find_all("section", class_="print-page", recursive=False)
        if len(pages) != 2 or "md-section" in pages[0].get_attribute_list("class"):
            continue
        listed = {str(a["href"])[1:] for item in pages[0].find_all("li")
                  if item.parent is not None and item.parent.name in ("ol", "ul")
                  for a in item.find_all("a", href=True) if str(a["href"]).startswith("#")}
        if pages[1].get("id") in listed:
            found.append(pages[0])
    return found


def book_document(print_page_html: str, setup: PrintSetup) -> PrintDocument:
    book = setup.book
    url_path = "print_page/book.print.html"
    # lxml's parser: the whole book is read here, about ten times faster than html.parser.
    # (Imported here: a build without PDFs never loads BeautifulSoup, see `content`.)
    from bs4 import BeautifulSoup

    page = BeautifulSoup(print_page_html, "lxml")
    parts = book_parts(page, base_url=online_folder(book.site_url, url_path))
    edition_credits = book.settings.credits
    metadata = PdfMetadata(
        title=edition_credits.edition.full_title, author=book.author, subject=book.description,
        keywords=setup.settings.keywords, language=book.settings.language,
        rights=edition_credits.rights_text(), licence_url=edition_credits.licence.url,
        editors=edition_credits.edition.editor_names,
        source=edition_credits.original.source_url, publisher=edition_credits.edition.publisher,
    )
    doc = document_context(metadata, stylesheets(page), setup, head=book.title, foot=book.site_url)
    # The whole book's tree is a web of references that only the cycle collector would free,
    # later; freed now, its memory is there for the browser printing it.
    page.decompose()
    return PrintDocument(
        path=download_path("book", book=book.slug),
        url_path=url_path,
        html=setup.templates.get_template("book.html").render(
            doc=doc, book=book, original=edition_credits.original,
            original_credit=Markup(credits.credit_html(edition_credits.original)),
            parts=parts),
        metadata=metadata,
        toc=True,
        # A part titled like the book (the home page) has the book's title on the left already.
        heads=tuple((part.toc.id, "" if part.title == book.title else running_head(part.title)) for part in parts),
        book_head=running_head(book.title),
    )
