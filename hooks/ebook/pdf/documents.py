"""Print documents: what one print of the browser is made of, and what every document of a build shares.

A PDF's bytes depend on its `PrintDocument` (HTML from the templates in `overrides/print/`), the
site files that HTML loads, the browser, and the epoch. The documents are made from the built
pages by `book_document` (the whole book) and `chapter_documents` (handouts, worksheets and the
collections they are printed in); this module holds their types, the book's and each chapter's
facts they are made from, the templates, and the parts of a document every kind shares.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from lxml import etree as lxml_etree
from lxml import html as lxml_html
from markupsafe import Markup

from ebook.model import credits
from ebook.model.book import page_slug
from ebook.site import csp

if TYPE_CHECKING:
    from datetime import datetime

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

    from ebook.model.book import Book, Kind
    from ebook.model.settings import BookSettings, PdfSettings

TEMPLATES_DIR = "print"  # under the theme's custom_dir (overrides/)
PRINT_PAGE = "print_page/index.html"  # print-site's combined page, in the built site


def part_targets(count: int) -> list[str]:
    """The ids where the parts of a collection begin, in order (collection.html links to each,
    so that Chromium writes where each lands: `numbering` counts each part's pages from them)."""
    return [f"book-collection-part-{number}" for number in range(1, count + 1)]


BOX_MARK_PREFIX = "book-print-mark-"


def box_marks(number: int) -> tuple[str, str]:
    """The ids of a reflection box's two marks (`box_breaks`): where the text before it ends, and
    where the box is. Chromium writes where each lands, and the finished PDFs leave them out."""
    text_end = f"{BOX_MARK_PREFIX}{number}"
    return text_end, box_mark_of(text_end)


def box_mark_of(text_mark: str) -> str:
    """The id of the box's mark, from its text's mark's (either as a chapter's own, `content.own_ids`)."""
    return f"{text_mark}-box"


# A mark's id (`box_marks`), after a chapter's own prefix in a handout (`content.own_ids`).
BOX_MARK_ID = re.compile(rf"(?:.*--)?{BOX_MARK_PREFIX}\d+(?:-box)?")


def made_to_measure(destination: str) -> bool:
    """Whether a named destination of a printed document is only there to be measured: a box's mark."""
    return BOX_MARK_ID.fullmatch(destination) is not None


@dataclass(frozen=True)
class PdfMetadata:
    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    language: str
    rights: str  # the licence statement, in words
    licence_url: str
    editors: tuple[str, ...] = ()  # this edition's (XMP dc:contributor)
    source: str = ""  # the address of the work it adapts (XMP dc:source); "" for new writing
    publisher: str = ""  # this edition's publisher, if it has one (never the original's)


@dataclass(frozen=True)
class ChapterPrint:
    """A chapter's handout or worksheet, ready to be printed in a collection (`collection_document`)."""

    path: str  # where the PDF goes, site-relative: downloads/…
    kind: Kind
    metadata: PdfMetadata
    head: str  # the running head's right side: the chapter's title
    foot: str  # the footer's left side: the chapter's address online, or ""
    body: Markup  # the <article>; its addresses are site-root-relative and its ids its own
    stylesheets: tuple[str, ...]  # site-root-relative

    @property
    def headings(self) -> list[str]:
        return document_headings(self.body)


@dataclass(frozen=True)
class PrintDocument:
    """Everything that shapes one print of the browser, apart from the site files its HTML links
    to: one PDF (the book), or a collection of chapters' PDFs printed together (`parts`)."""

    path: str  # where the PDF goes, site-relative: downloads/… (for a collection, a name for logs)
    url_path: str  # where the browser loads the HTML, site-relative: its links resolve from there
    html: str
    metadata: PdfMetadata | None  # None for a collection: each part has its own
    toc: bool = False  # fill in the table of contents' page numbers
    # The book's parts, in order: the contents' target of each one's heading, and its running
    # head ("" for none). `numbering` gives each page the head of the part that runs on it.
    heads: tuple[tuple[str, str], ...] = ()
    book_head: str = ""  # the running head's left side, on every page but those parts open on
    parts: tuple[ChapterPrint, ...] = ()  # a collection: fill in each part's number of pages, split
    # The numbers the last build measured for it (`numbering.with_last_numbers`): written in
    # before the first printing, which is then the last one if the layout kept them.
    last_numbers: Mapping[str, int] | None = dataclasses.field(default=None, compare=False)


@dataclass(frozen=True)
class ChapterSource:
    src_uri: str
    slug: str
    title: str
    url: str  # site-relative URL of the chapter page
    html_file: Path  # the built page
    description: str
    author: str
    licence: credits.Licence
    credit: str  # the work the chapter is based on, in words
    has_prompts: bool
    attribution: credits.PageAttribution  # its credit; a worksheet's says what the worksheet changed


@dataclass(frozen=True)
class BookInfo:
    title: str
    author: str
    description: str
    slug: str
    site_url: str  # "" when the site's address is not set
    edition: str  # e.g. "Edition of 28 November 2025"
    settings: BookSettings

    @classmethod
    def from_book(cls, book: Book) -> BookInfo:
        return cls(
            title=book.title,
            author=book.settings.book.original.author,
            description=book.description,
            slug=book.slug,
            site_url=book.site_url,
            edition=edition_text(book.settings.switches.build_time),
            settings=book.settings.book,
        )


def edition_text(when: datetime) -> str:
    return f"Edition of {when.day} {when:%B %Y}"


def chapter_source(book: Book, page: Page, *, has_prompts: bool) -> ChapterSource:
    credit = book.page_attribution(page.meta, source=f"docs/{page.file.src_uri}")
    based_on = credit.adapted_from or credit.original
    return ChapterSource(
        src_uri=page.file.src_uri,
        slug=page_slug(page.file.src_uri),
        title=page.title or "",
        url=page.url,
        html_file=Path(page.file.abs_dest_path),
        description=str(page.meta.get("description") or book.description).strip(),
        author=credit.written_by or based_on.author,
        licence=credit.licence,
        credit=f"written for this edition by {credit.written_by}" if credit.written_by
        else f"adapted from {credits.credit_text(based_on)}",
        has_prompts=has_prompts,
        attribution=credit,
    )


@dataclass(frozen=True)
class PrintSetup:
    """What every print document of a build shares."""

    book: BookInfo
    settings: PdfSettings
    body: Mapping[str, str]  # Material's <body> attributes (body_attributes)
    templates: jinja2.Environment  # overrides/print/ (template_environment)


def body_attributes(config: MkDocsConfig) -> dict[str, str]:
    """The `<body>` attributes Material's styles key on: text direction, and the light colour
    scheme (print is on white paper)."""
    palette = config.theme.get("palette") or {}
    entries = palette if isinstance(palette, list) else [palette]
    entry = next((p for p in entries if p.get("scheme") == "default"), entries[0] if entries else {})
    return {
        "dir": str(config.theme.get("direction") or "ltr"),
        "data-md-color-scheme": "default",
        "data-md-color-primary": str(entry.get("primary", "indigo")),
        "data-md-color-accent": str(entry.get("accent", "indigo")),
    }


def template_environment(folder: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["css_string"] = css_string
    env.globals["document_policy"] = csp.document_policy()  # script-free, as the EPUB's
    return env


def css_string(text: str) -> Markup:
    """A CSS string literal, safe inside a <style> element (which HTML does not unescape)."""
    escaped = "".join(
        f"\\{ord(c):x} " if c in '\\"<>&\n\r' or ord(c) < 32 else c for c in text
    )
    return Markup(f'"{escaped}"')


# Each paper's height: print.css scales a picture to the page's body, the height less margins.
PAPER_HEIGHTS = {"letter": "279.4mm", "A4": "297mm"}
# The pages' margins in millimetres (base.html), where the running head and the footer go.
MARGIN_TOP_MM = 22
MARGIN_SIDES_MM = 20
MARGIN_BOTTOM_MM = 20
POINTS_PER_MM = 72 / 25.4


# A running head longer than this is shortened: in the margin it would wrap onto lines that
# climb towards the paper's edge, past what a printer prints.
HEAD_MAX = 60
# A worksheet's head shares its line with the places for a name and a date (margins.html), which
# leave it about 45 characters on A4.
WORKSHEET_HEAD_MAX = 40
# The original work's title in the credit at each page's foot (margins.html): a longer one, with
# its authors, publisher, licence and source and the page's address, would run towards the
# paper's edge, past what a printer prints. The whole credit closes each chapter.
CREDIT_TITLE_MAX = 60


def running_head(title: str, most: int = HEAD_MAX) -> str:
    """A title as a running head: whole if at most `most` characters, else cut at a word and
    ended with an ellipsis (the page's own heading and the bookmarks keep it whole)."""
    if len(title) <= most:
        return title
    cut = title[:most].rsplit(" ", 1)[0] if " " in title[:most] else title[:most - 1]
    return cut.rstrip(" ,;:&–—-") + "…"


def document_context(metadata: PdfMetadata, sheets: Sequence[str], setup: PrintSetup, *,
                     head: str, foot: str) -> dict[str, Any]:
    """What the base template needs: the head, the styles, the paper, the margin boxes."""
    credits = setup.book.settings.credits
    return {
        "title": metadata.title, "author": metadata.author, "subject": metadata.subject,
        "keywords": ", ".join(metadata.keywords), "language": metadata.language,
        "stylesheets": tuple(sheets), "paper": setup.settings.paper,
        "paper_height": PAPER_HEIGHTS[setup.settings.paper], "body": setup.body,
        "margins": {"top": f"{MARGIN_TOP_MM}mm", "sides": f"{MARGIN_SIDES_MM}mm", "bottom": f"{MARGIN_BOTTOM_MM}mm"},
        "head_left": running_head(setup.book.title), "head_right": running_head(head), "foot_left": foot,
        "credit": credits.page_credit_lines(running_head(credits.original.title, CREDIT_TITLE_MAX)),
    }


# The bookmarks' text: Chromium drops the space where a heading wraps (`files.repair_outline`).
_HEADINGS = lxml_etree.XPath("//h1|//h2|//h3|//h4|//h5|//h6")


def document_headings(document_html: str) -> list[str]:
    """The text of every heading of a print document, in order."""
    root = lxml_html.fromstring(document_html)
    return [re.sub(r"\s+", " ", h.text_content()).strip() for h in _HEADINGS(root)]
