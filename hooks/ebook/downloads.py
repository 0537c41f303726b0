"""The downloads index: `site/downloads/index.json`, and the downloads in the website's pages.

`DownloadsIndex` is made once per build and runs last of the exports (the contract it reads is
in `ebook.exports`). It scans `site/downloads/`, writes `site/downloads/index.json`, completes
every `<a data-download="downloads/…">` in the built pages with the file's type, pages and size
(`ebook.download_links`; the build stops if the file is missing), and replaces every
`<div data-downloads-list></div>` with the list of all downloads (the facilitators' page): the
whole book's formats and its print page, then one card per chapter, in the book's reading order,
whose links name the chapter.

`BOOK_EXPORTS=0` (set by `make serve`) turns the exporters off: a preview. Then a missing file is
no error: its link becomes text that says `make book` makes the file, so a preview has no link
that leads nowhere, and an empty list names the downloads `make book` makes. Both say only what
is true of the book (`Offer`): the formats it offers (`extra.downloads`), and whether this is a
preview at all. Without a downloads folder no index is written. The offline edition's build also
runs with the exporters off, but its index is written by the book's build, once that build's
downloads are copied in (`complete_edition_index`, `ebook.offline`): its links find their files,
and it is no preview, so it never says so.
"""
from __future__ import annotations

import hashlib
import html
import json
import logging
import posixpath
import re
from collections.abc import Mapping, Sequence, Set
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError

from ebook.download_links import Download, Offer, about, complete_links
from ebook.model.book import DOWNLOADS_DIR, FORMAT_NAMES, Book, Kind, download_kind
from ebook.model.settings import EXPORTS_ENV
from ebook.model.writing import write_atomically
from ebook.pdf import finishing
from ebook.site.print_page import print_page_file

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
        self.completed: set[str] = set()  # the pages `post_page` completed, by their path in the site

    def page_context(self, context: dict[str, Any], page: Page) -> None:
        if self.book.is_chapter(page.file.src_uri):
            self.titles[page.file.src_uri] = page.title or ""

    def post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """The page's download links completed before MkDocs writes it, when this build can
        have no download: `write` would find no downloads folder, and complete them the same way
        after reading the page back. Only then: the exports write the downloads after the pages,
        and the offline edition's build copies the book build's in. A page with the list of
        downloads is left to `write`, which knows whether print-site wrote its print page."""
        # Written again (the preview's rebuild of an edited page): `write` completes it unless
        # this call does, as it may now hold the list of downloads.
        self.completed.discard(page.file.dest_uri)
        offer = Offer.of(self.book)
        if offer.exports or offer.edition:
            return output
        first = output.find("data-download")  # the list's marker, if any, starts there or later
        if first == -1 or output.find("data-downloads-list", first) != -1 \
                or (Path(config.site_dir) / DOWNLOADS_DIR).is_dir():  # an older build's, in the same folder
            return output
        self.completed.add(page.file.dest_uri)
        return complete_links(output, {}, page=page.file.dest_uri, offer=offer)

    def inputs(self, config: MkDocsConfig) -> IndexInputs:
        """What the index is made from besides the downloads: the book's chapters as this build
        titled and placed them, its print page, what it may say of missing files."""
        book, site = self.book, Path(config.site_dir)
        return IndexInputs(
            book_title=book.title, book_slug=book.slug,
            chapters=tuple(ChapterPage(slug=c.slug, title=self.titles.get(c.src_uri) or c.slug, url=c.url,
                                       src_uri=c.src_uri) for c in book.chapters),
            print_page=site_path(print_page_file(config), site), offer=Offer.of(book),
        )

    def write(self, config: MkDocsConfig) -> None:
        write_index(Path(config.site_dir), self.inputs(config), completed=self.completed)


@dataclass(frozen=True)
class IndexInputs:
    """What a build's index is made from besides its downloads folder (`DownloadsIndex.inputs`).
    The offline edition's build writes its own to a file (`write_index_inputs`) and ends; the
    book's build completes the edition's index with it once the downloads are copied in
    (`complete_edition_index`)."""

    book_title: str
    book_slug: str
    chapters: tuple[ChapterPage, ...]  # in reading order
    print_page: str | None  # the print page's file in the site, if print-site wrote one
    offer: Offer


def write_index(site: Path, inputs: IndexInputs, *, completed: Set[str] = frozenset(), told: bool = True) -> None:
    """Scan `site`'s downloads, write their index and complete every page's download links and
    lists (but those of the pages `completed` already). `told`: say what was written."""
    offer = inputs.offer
    folder = site / DOWNLOADS_DIR
    if not folder.is_dir() and not offer.exports:
        if told:
            log.info("Downloads: none in this build (%s=0%s).", EXPORTS_ENV,
                     ", none copied in from the book's build" if offer.edition
                     else "; their links say that `make book` makes them")
        downloads: list[Download] = []
    else:
        chapters = {c.slug: c for c in inputs.chapters}
        downloads = scan_downloads(site, book_title=inputs.book_title, book_slug=inputs.book_slug, chapters=chapters)
        if completed:
            raise PluginError(written_too_late(completed))
        write_atomically(folder / INDEX_FILE, render_index(inputs.book_title, downloads).encode("utf-8"))
        if told:
            log.info("Downloads: %d files listed in %s/%s", len(downloads), DOWNLOADS_DIR, INDEX_FILE)
    complete_pages(site, downloads, offer, print_page=inputs.print_page, completed=completed)


def write_index_inputs(path: Path, inputs: IndexInputs) -> None:
    write_atomically(path, json.dumps(asdict(inputs), ensure_ascii=False).encode("utf-8"))


def complete_edition_index(site: Path, inputs_file: Path) -> None:
    """The offline edition's index, written into its `site` by the book's build once the
    downloads are copied in, from what the edition's build wrote to `inputs_file`."""
    try:
        raw = json.loads(inputs_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PluginError(f"The offline edition's build left no description of its pages to complete "
                          f"its downloads with ({error}). Build again.") from None
    inputs = IndexInputs(
        book_title=raw["book_title"], book_slug=raw["book_slug"],
        chapters=tuple(ChapterPage(**chapter) for chapter in raw["chapters"]),
        print_page=raw["print_page"], offer=Offer(**{**raw["offer"], "formats": tuple(raw["offer"]["formats"])}),
    )
    write_index(site, inputs, told=False)


def written_too_late(completed: Set[str]) -> str:
    """Why a build without downloads stops when a downloads folder turns up after `completed`,
    the pages whose links `post_page` made say their files are missing, and the fix."""
    pages = sorted(completed)
    named = ", ".join(pages[:3]) + (", …" if len(pages) > 3 else "")
    which = f"1 page ({named}) says its" if len(pages) == 1 else f"{len(pages)} pages ({named}) say their"
    return (f"site/{DOWNLOADS_DIR}/ was written after the pages were completed in a build without downloads "
            f"({EXPORTS_ENV}=0): {which} downloads are missing. Write "
            f"site/{DOWNLOADS_DIR}/ before MkDocs writes the pages, or build with {EXPORTS_ENV}=1.")


def site_path(path: Path | None, site: Path) -> str | None:
    """`path`, a file of the built site, relative to it (None if it is not in the site)."""
    if path is None or not path.is_file() or not path.resolve().is_relative_to(site.resolve()):
        return None
    return path.resolve().relative_to(site.resolve()).as_posix()


def complete_pages(site: Path, downloads: Sequence[Download], offer: Offer, *,
                   print_page: str | None = None, completed: Set[str] = frozenset()) -> None:
    """Complete the download links and lists of every built page (see `complete_links`) but
    those `completed` already (paths in the site); `print_page` is the print page's file in the
    site, which the lists link to."""
    by_path = {d.path: d for d in downloads}
    # Looked for in the bytes, so that pages with nothing to change are not decoded; the marker
    # also finds `data-downloads-list`.
    for page in sorted(site.rglob("*.html")):
        where = page.relative_to(site).as_posix()
        if where in completed:
            continue
        raw = page.read_bytes()
        if b"data-download" not in raw:
            continue
        text = raw.decode("utf-8")
        new = complete_links(text, by_path, page=where, offer=offer)
        new = replace_downloads_lists(new, downloads, page=where, offer=offer, print_page=print_page)
        if new != text:
            write_atomically(page, new.encode("utf-8"))


# --- The contract: names and paths -----------------------------------------------------------


@dataclass(frozen=True)
class ChapterPage:
    slug: str  # the chapter file's stem
    title: str
    url: str  # site-relative URL of the chapter page
    src_uri: str


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
        digest = hashlib.sha256(data).hexdigest()
        download = Download(
            kind=kind, title=title, page_url=page_url, path=path,
            pages=_page_count(digest, data) if file.suffix == ".pdf" else None,
            bytes=len(data), sha256=digest,
        )
        ranked.append(((chapter_rank.get(slug, -1), KIND_ORDER.index(kind), path), download))
    return [download for _, download in sorted(ranked, key=lambda pair: pair[0])]


# Each PDF's pages, by its SHA-256: a build with an offline edition scans the same PDFs twice
# (the edition's index, then its own), and reading a PDF's pages is most of a scan.
_PAGES: dict[str, int] = {}


def _page_count(digest: str, data: bytes) -> int:
    if digest not in _PAGES:
        if len(_PAGES) > 10_000:  # a long-lived process (the preview) never holds more
            _PAGES.clear()
        _PAGES[digest] = finishing.page_count(data)
    return _PAGES[digest]


def render_index(book_title: str, downloads: Sequence[Download]) -> str:
    return json.dumps({"book": book_title, "files": [asdict(d) for d in downloads]},
                      ensure_ascii=False, indent=2) + "\n"


# --- The list of downloads -------------------------------------------------------------------

# Written by our own Markdown, in one known form, as the links are (see `ebook.download_links`).
_DOWNLOADS_LIST = re.compile(r"<div\b[^>]*\bdata-downloads-list\b[^>]*>\s*</div>")

# What each download is called in the list of downloads; a chapter's adds the chapter's title
# ("Handout: Listening"), so that its link read alone says which chapter it is for.
KIND_NAMES: Mapping[Kind, str] = {
    "book": "Whole book",
    "epub": "E-book",
    "offline": "Offline edition",
    "handout": "Handout",
    "worksheet": "Worksheet",
}
# The line under each of the whole book's formats in the list, for whoever has not met one.
KIND_NOTES: Mapping[Kind, str] = {
    "book": "Every chapter, with a table of contents, to print or read on paper.",
    "epub": "For e-readers and reading apps: the text fits the screen, in the font and size you choose.",
    "offline": "This website, to read without a connection: unzip it and open index.html.",
}
PRINT_PAGE_NAME = "The whole book on one page, to print from your browser"
PRINT_PAGE_NOTE = "Nothing to download: open it, then print from your browser's menu."


def replace_downloads_lists(page_html: str, downloads: Sequence[Download], *, page: str, offer: Offer,
                            print_page: str | None = None) -> str:
    if "data-downloads-list" not in page_html or not _DOWNLOADS_LIST.search(page_html):
        return page_html
    listing = render_downloads_list(downloads, page=page, offer=offer, print_page=print_page)
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
    """The URL of the site-relative `target` from the built HTML file `page` (a folder's URL,
    "chapters/one/", keeps its closing slash)."""
    url = posixpath.relpath(target, posixpath.dirname(page) or ".")
    return url + "/" if target.endswith("/") and not url.endswith("/") else url


def render_downloads_list(downloads: Sequence[Download], *, page: str, offer: Offer,
                          print_page: str | None = None) -> str:
    """Every download, linked from `page`: the whole book's formats (and `print_page`, the print
    page's file, if given), then a card for each chapter, headed by its title, with its handout
    and worksheet. A list and headings, no table: it reflows to any width, and each link's text
    alone says what it leads to ("Handout: <title> (PDF, 2 pages, 61 KB)")."""
    e = html.escape
    print_link = (f'<a class="book-print-link" href="{e(print_page_url(print_page, page=page))}">'
                  f"{e(PRINT_PAGE_NAME)}</a>" if print_page else "")
    if not downloads:
        listing = f'<div class="book-downloads-list"><p>{no_downloads(offer)}</p></div>'
        return listing + (f'\n<p class="book-print-page">{print_link}</p>' if print_link else "")
    whole = [d for d in downloads if not d.page_url]
    chapters: dict[str, list[Download]] = {}  # in the reading order `scan_downloads` gave
    for d in downloads:
        if d.page_url:
            chapters.setdefault(d.page_url, []).append(d)
    parts = ['<div class="book-downloads-list">']
    if whole or print_link:
        items = [f'<li>{download_link(d, page=page)}<span class="book-download__note">{e(KIND_NOTES.get(d.kind, ""))}</span></li>'
                 for d in whole]
        if print_link:
            items.append(f'<li>{print_link}<span class="book-download__note">{e(PRINT_PAGE_NOTE)}</span></li>')
        parts += ['<h3 class="book-downloads-list__heading">The whole book</h3>',
                  '<ul class="book-downloads-list__book">', *items, "</ul>"]
    if chapters:
        cards = []
        for page_url, files in chapters.items():
            links = "".join(f"<li>{download_link(d, page=page)}</li>" for d in files)
            cards.append(
                '<li class="book-download-card">'
                f'<h4 class="book-download-card__title"><a href="{e(relative_url(page_url, page=page))}">'
                f"{e(files[0].title)}</a></h4>"
                f'<ul class="book-download-card__files">{links}</ul></li>'
            )
        parts += ['<h3 class="book-downloads-list__heading">Chapter by chapter</h3>',
                  '<ul class="book-downloads-list__chapters">', *cards, "</ul>"]
    parts.append("</div>")
    return "\n".join(parts)


def download_link(download: Download, *, page: str) -> str:
    """A download's link in the list: its kind, then type, pages and size. A chapter's shows only
    its kind (its card's heading shows the chapter) and says "Handout: <title>" to screen readers:
    the whole name in one hidden span, as a hidden part beside the shown one would be read apart
    from it ("Handout : <title>")."""
    e = html.escape
    kind = KIND_NAMES[download.kind]
    name = (f'<span aria-hidden="true">{e(kind)}</span>'
            f'<span class="book-visually-hidden">{e(kind)}: {e(download.title)}</span>'
            if download.page_url else e(kind))
    return (f'<a class="book-download" href="{e(relative_url(download.path, page=page))}">'
            f'<span class="book-download__name">{name}</span>'
            f' <span class="book-download__about">({e(about(download))})</span></a>')


def print_page_url(print_page: str, *, page: str) -> str:
    """The print page's URL from `page`: its folder's with directory URLs ("../print_page/")."""
    if print_page.endswith("/index.html") and page.endswith("index.html"):
        return relative_url(print_page.removesuffix("index.html"), page=page)
    return relative_url(print_page, page=page)
