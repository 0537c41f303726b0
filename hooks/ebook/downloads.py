"""The downloads index: `site/downloads/index.json`, and the links to the downloads on the website.

`DownloadsIndex` is made once per build and runs last of the exports (the contract it reads is
in `ebook.exports`). It scans `site/downloads/`, writes `site/downloads/index.json`, adds type
and size to the text of every `<a data-download="downloads/…">` in the built pages (the build
stops if the file is missing), and replaces every `<div data-downloads-list></div>` with the
list of all downloads (the facilitators' page). A chapter's downloads are listed under its
title, in the book's reading order.

`BOOK_EXPORTS=0` (set by `make serve`) turns the exporters off: a preview. Then a missing file is
no error: its link becomes text that says `make book` makes the file (`missing_download`), so a
preview has no link that leads nowhere, and an empty list names the downloads `make book` makes.
Both say only what is true of the book (`Offer`): the formats it offers (`extra.downloads`), and
whether this is a preview at all. Without a downloads folder no index is written. The offline
edition's build also runs with the exporters off, but with the book build's downloads copied in
first (`ebook.offline`): its links find their files, and it is no preview, so it never says so.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError

from ebook.checks.book_wide import not_offered
from ebook.model.book import DOWNLOADS_DIR, FORMAT_NAMES, Book, Kind, download_kind, unoffered_format
from ebook.model.settings import EXPORTS_ENV
from ebook.model.writing import write_atomically
from ebook.pdf import finishing

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.ebook.downloads")

INDEX_FILE = "index.json"


class DownloadsIndex:
    """The index of one build's downloads, and their links in its pages."""

    def __init__(self, book: Book, config: MkDocsConfig) -> None:
        self.book = book
        self.titles: dict[str, str] = {}  # each chapter page's title, by its source path

    def page_context(self, context: dict[str, Any], page: Page) -> None:
        if self.book.is_chapter(page.file.src_uri):
            self.titles[page.file.src_uri] = page.title or ""

    def write(self, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        offer = Offer.of(self.book)
        folder = site / DOWNLOADS_DIR
        if not folder.is_dir() and not offer.exports:
            log.info("Downloads: none in this build (%s=0%s).", EXPORTS_ENV,
                     ", none copied in from the book's build" if offer.edition
                     else "; their links say that `make book` makes them")
            downloads: list[Download] = []
        else:
            book = self.book
            chapters = {c.slug: ChapterPage(slug=c.slug, title=self.titles.get(c.src_uri) or c.slug, url=c.url,
                                            src_uri=c.src_uri) for c in book.chapters}
            downloads = scan_downloads(site, book_title=book.title, book_slug=book.slug, chapters=chapters)
            write_atomically(folder / INDEX_FILE, render_index(book.title, downloads).encode("utf-8"))
            log.info("Downloads: %d files listed in %s/%s", len(downloads), DOWNLOADS_DIR, INDEX_FILE)
        complete_pages(site, downloads, offer)


@dataclass(frozen=True)
class Offer:
    """What a build may say of the downloads it does not have."""

    formats: tuple[str, ...]  # the formats the book offers (extra.downloads)
    book: str  # the book's slug, which tells a download's kind from its path
    exports: bool  # this build makes the downloads: one missing is an error, not a preview
    edition: bool  # the offline edition's own build: no preview, its downloads copied in
    config_name: str

    @classmethod
    def of(cls, book: Book) -> Offer:
        settings = book.settings
        return cls(formats=settings.formats, book=book.slug, exports=settings.switches.exports,
                   edition=settings.offline_edition, config_name=settings.config_name)


def complete_pages(site: Path, downloads: Sequence[Download], offer: Offer) -> None:
    """Complete the download links and lists of every built page (see `complete_links`)."""
    by_path = {d.path: d for d in downloads}
    # Looked for in the bytes, so that pages with nothing to change are not decoded; the marker
    # also finds `data-downloads-list`.
    for page in sorted(site.rglob("*.html")):
        raw = page.read_bytes()
        if b"data-download" not in raw:
            continue
        text = raw.decode("utf-8")
        where = page.relative_to(site).as_posix()
        new = complete_links(text, by_path, page=where, offer=offer)
        new = replace_downloads_lists(new, downloads, page=where, offer=offer)
        if new != text:
            write_atomically(page, new.encode("utf-8"))


# --- The contract: names and paths -----------------------------------------------------------


@dataclass(frozen=True)
class ChapterPage:
    slug: str  # the chapter file's stem
    title: str
    url: str  # site-relative URL of the chapter page
    src_uri: str


@dataclass(frozen=True)
class Download:
    kind: Kind
    title: str
    page_url: str
    path: str
    pages: int | None
    bytes: int
    sha256: str


def classify(path: str, *, book: str) -> tuple[Kind, str]:
    """The kind of a download and its chapter slug ("" for whole-book files), from its path."""
    if found := download_kind(path, book=book):
        return found
    raise PluginError(
        f"site/{path}: not a known kind of download. Exporters write only "
        f"{DOWNLOADS_DIR}/{book}.pdf, .epub, -offline.zip, handouts/<chapter>.pdf and "
        "worksheets/<chapter>-reflection.pdf (see ebook/exports.py)."
    )


# --- The index -------------------------------------------------------------------------------

KIND_ORDER: tuple[Kind, ...] = ("book", "epub", "offline", "handout", "worksheet")
KIND_LABELS: Mapping[Kind, str] = {
    "book": "Whole book",
    "epub": "Whole book for e-readers",
    "offline": "Whole website, offline",
    "handout": "Chapter handout",
    "worksheet": "Reflection worksheet",
}
FILE_TYPES = {".pdf": "PDF", ".epub": "EPUB", ".zip": "ZIP"}


def scan_downloads(site: Path, *, book_title: str, book_slug: str,
                   chapters: Mapping[str, ChapterPage]) -> list[Download]:
    """Every file under site/downloads/, described; whole-book files first, then by chapter."""
    folder = site / DOWNLOADS_DIR
    files = [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")
             and p != folder / INDEX_FILE] if folder.is_dir() else []
    chapter_rank = {slug: i for i, slug in enumerate(chapters)}
    ranked: list[tuple[tuple[int, int, str], Download]] = []
    for file in files:
        path = file.relative_to(site).as_posix()
        kind, slug = classify(path, book=book_slug)
        if slug:
            if slug not in chapters:
                raise PluginError(
                    f"site/{path}: no chapter page '{slug}' in the navigation for this {kind}."
                )
            title, page_url = chapters[slug].title, chapters[slug].url
        else:
            title, page_url = book_title, ""
        data = file.read_bytes()
        download = Download(
            kind=kind, title=title, page_url=page_url, path=path,
            pages=finishing.page_count(data) if file.suffix == ".pdf" else None,
            bytes=len(data), sha256=hashlib.sha256(data).hexdigest(),
        )
        ranked.append(((chapter_rank.get(slug, -1), KIND_ORDER.index(kind), path), download))
    return [download for _, download in sorted(ranked, key=lambda pair: pair[0])]


def render_index(book_title: str, downloads: Sequence[Download]) -> str:
    return json.dumps({"book": book_title, "files": [asdict(d) for d in downloads]},
                      ensure_ascii=False, indent=2) + "\n"


def human_size(size: int) -> str:
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{round(size / 1000)} KB"
    return f"{size / 1_000_000:.1f} MB"


def file_type(path: str) -> str:
    return FILE_TYPES.get(PurePosixPath(path).suffix, PurePosixPath(path).suffix.lstrip(".").upper())


# --- The links in the built pages ------------------------------------------------------------

# The markers are written by our own templates and Markdown, in one known form; editing just
# them keeps every other byte of a page as MkDocs wrote it (a parser would reformat the page).
_DOWNLOAD_LINK = re.compile(
    r'(?P<open><a\b[^>]*?\bdata-download="(?P<path>[^"]*)"[^>]*>)(?P<text>.*?)(?P<close></a>)',
    re.S,
)
_DOWNLOADS_LIST = re.compile(r"<div\b[^>]*\bdata-downloads-list\b[^>]*>\s*</div>")


def link_suffix(text: str, download: Download) -> str:
    """" (PDF, 210 KB)", or " (210 KB)" when the link text already names the type."""
    kind = file_type(download.path)
    size = human_size(download.bytes)
    if names_type(text, kind):
        return f" ({size})"
    return f" ({kind}, {size})"


def names_type(text: str, kind: str) -> bool:
    """Whether a link's text (HTML) already names the file's type ("Download PDF")."""
    return bool(re.search(rf"\b{re.escape(kind)}\b", html.unescape(re.sub(r"<[^>]+>", "", text)), re.I))


def complete_links(page_html: str, downloads: Mapping[str, Download], *, page: str, offer: Offer) -> str:
    """Add type and size to every `data-download` link. A missing file stops a build that makes
    the downloads (`offer.exports`); otherwise its link becomes text that says so."""

    def complete(m: re.Match[str]) -> str:
        path = html.unescape(m.group("path"))
        download = downloads.get(path)
        if download is None:
            if not offer.exports:
                return missing_download(m.group("text"), path, offer)
            if fmt := unoffered_format(path, book=offer.book, formats=offer.formats):
                raise PluginError(f"site/{page}: links to {path} (data-download): "
                                  f"{not_offered(fmt, offer.config_name)}.")
            raise PluginError(
                f"site/{page}: links to {path} (data-download), but no such file was built "
                f"under site/{DOWNLOADS_DIR}/. Fix the link, or the exporter that should write it."
            )
        suffix = html.escape(link_suffix(m.group("text"), download))
        return f'{m.group("open")}{m.group("text")}{suffix}{m.group("close")}'

    return _DOWNLOAD_LINK.sub(complete, page_html)


def missing_download(text: str, path: str, offer: Offer) -> str:
    """The stand-in for the link (`text`, its HTML) to a file this build does not have.

    Text, not a link: a link would lead to "page not found". It names the file's type as the
    finished link does (`link_suffix`), and why the file is not there: the book does not offer
    it, or `make book` makes it (a preview), or (the offline edition) the edition lacks it.
    """
    kind = file_type(path)
    prefix = "" if not kind or names_type(text, kind) else f"{html.escape(kind)}; "
    if unoffered_format(path, book=offer.book, formats=offer.formats):
        why = "the book does not offer it"
    elif offer.edition:
        why = "not in this offline edition"
    else:
        why = "made by <code>make book</code>, not in this preview"
    return f'<span class="book-download-missing">{text} ({prefix}{why})</span>'


def replace_downloads_lists(page_html: str, downloads: Sequence[Download], *, page: str, offer: Offer) -> str:
    if not _DOWNLOADS_LIST.search(page_html):
        return page_html
    listing = render_downloads_list(downloads, page=page, offer=offer)
    return _DOWNLOADS_LIST.sub(lambda _: listing, page_html)


def no_downloads(offer: Offer) -> str:
    """What an empty list of downloads says (HTML), true of the book and of this build."""
    if not offer.formats:
        return "This book offers no downloads."
    if offer.edition:  # its list leaves the edition itself out (it cannot contain itself)
        others = [fmt for fmt in offer.formats if fmt != "offline"]
        if not others:
            return "The book has no downloads besides this offline edition."
        return f"This offline edition does not include {names(others)}."
    if not offer.exports:
        return f"This preview has no downloads: <code>make book</code> makes {names(offer.formats)}."
    return "No downloads were built with this version of the site."


def names(formats: Sequence[str]) -> str:
    """The formats' names in a sentence: "the PDFs, the EPUB and the offline edition"."""
    words = [FORMAT_NAMES[fmt] for fmt in formats]
    return " and ".join(filter(None, [", ".join(words[:-1]), words[-1]]))


def relative_url(target: str, *, page: str) -> str:
    """The URL of the site-relative `target` from the built HTML file `page`."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def render_downloads_list(downloads: Sequence[Download], *, page: str, offer: Offer) -> str:
    """The table of every download (title, kind, type, pages, size), linked from `page`."""
    e = html.escape
    if not downloads:
        return f'<div class="book-downloads-list"><p>{no_downloads(offer)}</p></div>'
    rows = []
    for d in downloads:
        rows.append(
            # The link itself says type and size too: a link read out of its row still tells.
            f'<tr><td><a href="{e(relative_url(d.path, page=page))}">{e(d.title + link_suffix(d.title, d))}</a></td>'
            f"<td>{e(KIND_LABELS[d.kind])}</td><td>{e(file_type(d.path))}</td>"
            f'<td>{d.pages if d.pages is not None else "–"}</td><td>{e(human_size(d.bytes))}</td></tr>'
        )
    return (
        '<div class="book-downloads-list"><table>\n'
        "<thead><tr><th scope=\"col\">Download</th><th scope=\"col\">Kind</th>"
        "<th scope=\"col\">Type</th><th scope=\"col\">Pages</th><th scope=\"col\">Size</th></tr></thead>\n"
        "<tbody>\n" + "\n".join(rows) + "\n</tbody></table></div>"
    )
