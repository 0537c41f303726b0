"""EPUB 3: the book for e-readers and phones, made from the chapter HTML the site shows.

`EpubExport` is made once per build. It declares the EPUB among the site's files (so links to
it are checked), keeps each page's content HTML as the site shows it, attribution block
included, and at the end of the build writes `site/downloads/<book-slug>.epub`: a cover, a
title page carrying the credits and the licence, a navigation document, and every chapter of
the book (`book.chapters`) in reading order.

The modules beside this one do the work: `convert` turns a chapter's HTML into XHTML (and
refuses script and anything from other sites), `documents` writes the metadata and the
documents, `package` builds the file with ebooklib. With `SOURCE_DATE_EPOCH` set, two builds
give byte-identical files. `BOOK_EXPORTS=0` turns it off (the offline edition's own build does
so). Settings: `extra.epub` (identifier, accessibility summary) and `extra.book` in the
configuration, read once into `book.settings`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ebook.epub.convert import EpubChapter
from ebook.epub.documents import book_metadata
from ebook.epub.package import build_epub
from ebook.model import writing
from ebook.model.book import Book

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.ebook.epub")


@dataclass(frozen=True)
class PageContent:
    url: str  # site-relative URL of the page, e.g. chapters/connection/
    title: str
    html: str  # the page's content HTML as the site shows it


def book_chapters(book: Book, pages: Mapping[str, PageContent]) -> list[EpubChapter]:
    """The book's chapters in reading order, each with its page's content (a chapter without
    its page's content is left out)."""
    return [
        EpubChapter(c.src_uri, pages[c.src_uri].url, pages[c.src_uri].title or PurePosixPath(c.src_uri).stem,
                pages[c.src_uri].html)
        for c in book.chapters
        if c.src_uri in pages
    ]


class EpubExport:
    """The EPUB of one build."""

    def __init__(self, book: Book, config: MkDocsConfig) -> None:
        self.book = book
        self.pages: dict[str, PageContent] = {}

    def files(self, files: Files, config: MkDocsConfig) -> None:
        # Declared even with BOOK_EXPORTS=0, so links to it are checked like links to any page.
        writing.declare_download(files, config, self.book.download_path("epub"))

    def page_content(self, html: str, page: Page) -> None:
        """Keep a page's content; given it once every other hook has added to it, so the EPUB
        has each page exactly as the site shows it."""
        self.pages[page.file.src_uri] = PageContent(url=page.url, title=page.title or "", html=html)

    def write(self, config: MkDocsConfig) -> None:
        settings = self.book.settings
        if not settings.switches.exports:
            return
        chapters = book_chapters(self.book, self.pages)
        if not chapters:
            log.info("No EPUB: the navigation lists no chapter under docs/%s/.", settings.book.chapters_dir)
            return
        assert settings.epub is not None  # read whenever the book offers an EPUB, as it does here
        meta = book_metadata(settings.book, settings.epub, description=self.book.description,
                             date=settings.switches.build_time)
        data = build_epub(meta, chapters, site_dir=Path(config.site_dir), site_url=config.site_url)
        dest = Path(config.site_dir) / self.book.download_path("epub")
        writing.write_atomically(dest, data)
        log.info("EPUB written: %s (%d chapters, %d KB)", self.book.download_path("epub"), len(chapters),
                 len(data) // 1024)
