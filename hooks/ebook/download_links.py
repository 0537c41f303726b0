"""The links to downloads in the built pages, and what they say of each file.

`complete_links` adds type, pages and size to the text of every `<a data-download="downloads/…">`
of a page ("Handout (PDF, 2 pages, 61 KB)"). A link to a file the build does not have stops a
build that makes the downloads; otherwise it becomes text that says why the file is not there
(`missing_download`): the book does not offer it, `make book` makes it (a preview), or the offline
edition lacks it. `Download` (one file, as the index describes it) and `Offer` (what a build may
say of the files it lacks) are the words this module shares with the index and the list of
downloads (`ebook.downloads`), which calls it for every page.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError

from ebook.checks.book_wide import not_offered
from ebook.model.book import DOWNLOADS_DIR, unoffered_format

if TYPE_CHECKING:
    from ebook.model.book import Book, Kind


@dataclass(frozen=True)
class Download:
    """One file under site/downloads/, as index.json lists it and the pages describe it."""

    kind: Kind
    title: str  # the book's, or the chapter page's
    page_url: str  # the chapter page's site-relative URL ("" for the whole book's files)
    path: str
    pages: int | None
    bytes: int
    sha256: str


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


# --- What a link says of its file ------------------------------------------------------------

FILE_TYPES = {".pdf": "PDF", ".epub": "EPUB", ".zip": "ZIP"}


def human_size(size: int) -> str:
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{round(size / 1000)} KB"
    return f"{size / 1_000_000:.1f} MB"


def file_type(path: str) -> str:
    suffix = PurePosixPath(path).suffix
    return FILE_TYPES.get(suffix, suffix.lstrip(".").upper())


def page_count(pages: int) -> str:
    return "1 page" if pages == 1 else f"{pages} pages"


def about(download: Download, *, with_type: bool = True) -> str:
    """"PDF, 9 pages, 90 KB", "EPUB, 8 KB": what a reader wants to know before downloading."""
    parts = [file_type(download.path)] if with_type else []
    if download.pages is not None:
        parts.append(page_count(download.pages))
    return ", ".join([*parts, human_size(download.bytes)])


# --- The links in the built pages ------------------------------------------------------------

# The markers are written by our own templates and Markdown, in one known form; editing just
# them keeps every other byte of a page as MkDocs wrote it (a parser would reformat the page).
_DOWNLOAD_LINK = re.compile(
    r'(?P<open><a\b[^>]*?\bdata-download="(?P<path>[^"]*)"[^>]*>)(?P<text>.*?)(?P<close></a>)',
    re.S,
)
_LINK_START = re.compile(r"<a\b")


def link_suffix(text: str, download: Download) -> str:
    """The HTML a link's text ends with: type, pages and size, " (PDF, 2 pages, 210 KB)", or
    " (2 pages, 210 KB)" when the text already names the type ("Download PDF"). In a span of its
    own, as the name before it is: downloads.css keeps it on one line, and underlines the name
    alone (not the space between)."""
    described = about(download, with_type=not names_type(text, file_type(download.path)))
    return f' <span class="book-download__about">({html.escape(described)})</span>'


@functools.lru_cache(maxsize=256)  # the same few texts on every chapter's page
def names_type(text: str, kind: str) -> bool:
    """Whether a link's text (HTML) already names the file's type ("Download PDF")."""
    return bool(re.search(rf"\b{re.escape(kind)}\b", html.unescape(re.sub(r"<[^>]+>", "", text)), re.I))


def complete_links(page_html: str, downloads: Mapping[str, Download], *, page: str, offer: Offer) -> str:
    """Add type, pages and size to every `data-download` link. A missing file stops a build that
    makes the downloads (`offer.exports`); otherwise its link becomes text that says so."""

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
        text, suffix = m.group("text"), link_suffix(m.group("text"), download)
        return f'{m.group("open")}<span class="book-download__name">{text}</span>{suffix}{m.group("close")}'

    parts: list[str] = []
    end = 0
    for found in download_links(page_html):
        parts += (page_html[end:found.start()], complete(found))
        end = found.end()
    return "".join(parts) + page_html[end:] if parts else page_html


def download_links(page_html: str) -> Iterator[re.Match[str]]:
    """The `data-download` links of a page, as `_DOWNLOAD_LINK.finditer` finds them, found from
    each `data-download="` (a page has a few) instead of tried at each of its hundreds of links.

    A match starts at the first `<a` of the tag that holds its attribute, after the last `>`
    before it: the pattern allows no `>` in between, and from any later `<a` of that stretch it
    would match from the first too."""
    start = 0
    while (attribute := page_html.find('data-download="', start)) >= 0:
        tag_start = max(page_html.rfind(">", start, attribute) + 1, start)
        tag = _LINK_START.search(page_html, tag_start, attribute)
        found = _DOWNLOAD_LINK.match(page_html, tag.start()) if tag else None
        if found:
            yield found
            start = found.end()
        else:
            start = attribute + 1


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
