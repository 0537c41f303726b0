"""The exports of one build, run in order: the PDFs, the EPUB, the offline edition, the index.

`Exports` is made once per build (`hooks/exports.py` keeps it) and hands each MkDocs event to
the exports that take it. At the end of the build, `write` runs them one after the other, each
reading what the ones before it wrote. The downloads contract they share:

- every downloadable file lives under `site/downloads/`, at a path that says what it is
  (`ebook.model.book.download_path`): the book `<book-slug>.pdf`, `handouts/<chapter-slug>.pdf`,
  `worksheets/<chapter-slug>-reflection.pdf`, `<book-slug>.epub`, `<book-slug>-offline.zip`;
- each export writes its files first to a temporary name, then renames them
  (`ebook.model.writing.write_atomically`): a reader of the folder sees whole files only;
- in this order:
  1. the PDFs (`ebook.pdf`) write the book, the handouts and the worksheets;
  2. the EPUB (`ebook.epub`) writes the book for e-readers (it reads only the site's pages and
     images);
  3. the offline edition (`ebook.offline`) waits for its own build, which ran beside this one and
     left its pages and what its index is made from, copies the PDFs and the EPUB into it (so
     they must all be written by then), writes its index there as the next step does here
     (`ebook.downloads.complete_edition_index`), and zips the edition;
  4. the index (`ebook.downloads`) scans `site/downloads/`, all of it now written, writes
     `site/downloads/index.json`, and completes every download link and list in the built pages
     (a link to a file no export wrote stops the build).

`BOOK_EXPORTS=0` (set by `make serve`, and for the offline edition's own build) turns the first
three off; the index then lists whatever the folder holds and turns links to missing files into
text. The offline edition's build started by the book's writes, instead of its index, what the
index is made from (`write_index_inputs`), for the book's build to complete.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ebook.downloads import DownloadsIndex, complete_edition_index, write_index_inputs
from ebook.epub.export import EpubExport
from ebook.offline import OfflineExport
from ebook.pdf.export import PdfExport

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    from ebook.model.book import Book


class Exports:
    """Every export of one build, each given the events it takes, in the order of the contract.

    Only the formats the book offers (`extra.downloads`) are made; the index is always written.
    """

    def __init__(self, book: Book, config: MkDocsConfig) -> None:
        formats = book.settings.formats
        self.pdf = PdfExport(book, config) if "pdf" in formats else None
        self.epub = EpubExport(book, config) if "epub" in formats else None
        self.offline = OfflineExport(book, config) if "offline" in formats else None
        self.index = DownloadsIndex(book, config)

    def read_navigation(self, book: Book) -> None:
        """The book again, now with its chapters (known once MkDocs has read the navigation)."""
        for export in (self.pdf, self.epub, self.offline, self.index):
            if export:
                export.book = book

    def files(self, files: Files, config: MkDocsConfig) -> None:
        """Declare the downloads among the site's files, so links to them are checked."""
        if self.pdf:
            self.pdf.files(files, config)
        if self.epub:
            self.epub.files(files, config)
        if self.offline:
            self.offline.files(files, config)

    def pre_build(self, config: MkDocsConfig) -> None:
        """Start what runs beside the site's build: the browser, the offline edition's build."""
        if self.pdf:
            self.pdf.pre_build(config)
        if self.offline:
            self.offline.pre_build(config)

    def env(self, env: jinja2.Environment) -> None:
        if self.pdf:
            self.pdf.env(env)

    def page_content(self, html: str, page: Page) -> None:
        """A page's content as it is rendered (the PDFs take what they read of it then)."""
        if self.pdf:
            self.pdf.page_content(html, page)

    def finished_page_content(self, html: str, page: Page) -> None:
        """A page's content once every other hook has added to it (the EPUB takes it as the
        site shows it)."""
        if self.epub:
            self.epub.page_content(html, page)

    def page_context(self, context: dict[str, Any], page: Page) -> None:
        if self.pdf:
            self.pdf.page_context(context, page)
        self.index.page_context(context, page)

    def post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        return self.offline.post_page(output, page, config) if self.offline else output

    def written_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """The page as MkDocs writes it, after every other hook: the index completes its
        download links now when this build can have no downloads (`DownloadsIndex.post_page`)."""
        return self.index.post_page(output, page, config)

    def write(self, config: MkDocsConfig) -> None:
        """Write every download, in the contract's order, then the index of them."""
        for export in (self.pdf, self.epub):
            if export:
                export.write(config)
        if self.offline:
            self.offline.write(config, complete_edition_index)
        if self.offline and (handed_over := self.offline.index_inputs()) is not None:
            # The offline edition's own build: the book's build writes its index.
            write_index_inputs(handed_over, self.index.inputs(config))
            self.offline.handed_over()
        else:
            self.index.write(config)

    def close(self) -> None:
        """Stop what still runs beside the build (it failed, or a new one starts)."""
        if self.pdf:
            self.pdf.close()
        if self.offline:
            self.offline.close()
