"""PDFs: the whole book, a handout per chapter, a reflection worksheet per chapter.

After the site is built, this hook turns pages of it into print documents (HTML from the
templates in `overrides/print/`), prints them with a headless system Chromium driven by
Playwright, and writes them under `site/downloads/` (the downloads contract, hooks/downloads.py):

- `<book-slug>.pdf`: print-site's combined page after a cover, a copyright page and a table of
  contents whose page numbers are read back from the printed PDF (Chromium has no
  `target-counter()`): print, read where each heading landed, write the numbers in, print again;
- `handouts/<chapter>.pdf`: the chapter alone, with the same print styling;
- `worksheets/<chapter>-reflection.pdf`: the prompts of the chapter's reflection box, each with
  ruled lines to write on.

Each print of the browser has a fixed cost about that of a dozen more chapters, so handouts
(and worksheets) are printed `chapters_per_print` at a time: a collection in which each chapter
has pages of its own name, with its own running head, footer and page count, printed twice (the
second time with each chapter's number of pages written in) and split into one tagged PDF per
chapter (`pdf_files.split_collection`). The collections depend on the book alone, so a
chapter's PDF is the same in every build.

Three plain steps, each a function the tests call without MkDocs:
built pages -> `PrintDocument` (HTML) -> `render_documents` (Chromium: PDF bytes) ->
`pdf_files.finalise_pdf` (metadata, fixed dates and ID for reproducible files).
What a PDF's bytes depend on is explicit: its `PrintDocument`, the site files its HTML loads
(stylesheets, images, fonts), the browser, and for `finalise_pdf` the epoch.

Unchanged PDFs are not printed again (`hooks/build_cache.py`, `.cache/book/pdf/`): a PDF's
entry is keyed by a hash of what its print document is made from (the built page, the
chapter's metadata, the book's settings, the print templates, this code, the libraries, the
browser's version, the epoch; for a handout or worksheet, that of every chapter of its
collection), and also records the hash of every site file the browser loaded while printing
it; it is reused only when all of those are the same in this build. With no PDF in the cache
(a first build, or the cache off), everything will be printed: the browser is then launched in
`on_pre_build` and starts while the site is built. A document printed again starts from the
numbers the last build measured for it (`.cache/book/pdf-numbers/`: the contents' page numbers,
each chapter's number of pages): when the layout kept them, as after most edits of a chapter,
its first printing is its last. Otherwise it is printed until its numbers hold, as in a first
build, which gives the same bytes.

Settings: `extra.pdf` in mkdocs.yml. Environment (what differs per machine): `BOOK_EXPORTS=0`
turns the PDFs off (`make serve`), `BOOK_BROWSER` names the browser, `SOURCE_DATE_EPOCH` fixes
the dates, `BOOK_CACHE=0` prints every PDF afresh.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import importlib.metadata
import json
import logging
import os
import posixpath
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

import jinja2
import markdown
from lxml import etree as lxml_etree
from lxml import html as lxml_html
from markupsafe import Markup
from mkdocs.exceptions import PluginError

from ebook.model import credits, state
from ebook.model.book import Kind, download_path, page_slug
from ebook.model.settings import BookSettings, PdfSettings
from ebook.site import attribution

from ebook.model import cache as build_cache

from ebook.site import csp


from ebook.model import files as export_files

from ebook.model import page_tree

from ebook.pdf import files as pdf_files

# BeautifulSoup (with soupsieve, a tenth of a second to import) and asyncio are imported by the
# functions that make and print documents: a build without PDFs (`make serve`, an unchanged
# rebuild) never loads them. (Python 3.11's lazy loader is not safe from the threads that make
# the documents.)
if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.book.pdf")

CONFIG_FILE = "mkdocs.yml"
TEMPLATES_DIR = "print"  # under the theme's custom_dir (overrides/)
PRINT_PAGE = "print_page/index.html"  # print-site's combined page, in the built site


# --- MkDocs events ---------------------------------------------------------------------------

_book: BookSettings | None = None
_settings: PdfSettings | None = None
_browser: str | None = None
_chapters: dict[str, ChapterSource] = {}
_prompts_found: dict[str, bool | None] = {}  # by page, from ReflectionPrompts (None: not known)
_version: Future[str] | None = None  # the browser's version line, asked in on_config
_started: Browser | None = None  # launched in on_pre_build when every PDF will be printed
_VERSION_ASKER = ThreadPoolExecutor(1, thread_name_prefix="browser-version")


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _book, _settings, _browser, _version
    _book = state.book_of(config).settings.book
    _settings = state.book_of(config).settings.pdf
    # Found now, so a missing browser stops the build before anything is written.
    _browser = find_browser(os.environ) if export_files.exports_enabled(os.environ) else None
    if _browser is not None:  # asked now, beside the site's build; the PDF cache needs it
        _version = _VERSION_ASKER.submit(browser_version, _browser)
    export_files.source_date_epoch(os.environ)
    _chapters.clear()
    _prompts_found.clear()
    if ReflectionPrompts.in_config(config) is None:
        config.markdown_extensions.append(ReflectionPrompts())
    return config


def on_pre_build(config: MkDocsConfig) -> None:
    global _started
    close_browser()  # from an earlier build of the same process
    if _browser is None:
        return
    cache = build_cache.open_cache(Path(config.config_file_path), os.environ)
    # No PDF from an earlier build (or the cache off): every PDF will be printed, so the browser
    # starts now, beside the site's build. Otherwise only a changed PDF starts it.
    if cache is None or not cache.has_entries(CACHE_NAMESPACE):
        _started = Browser(_browser)


def on_build_error(error: Exception) -> None:
    close_browser()


def close_browser() -> None:
    global _started
    if _started is not None:
        browser, _started = _started, None
        browser.close()


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    # For overrides/partials/print-downloads.html: the book's PDF, linked from every page.
    env.globals["book_pdf"] = download_path(
        "book", book=export_files.book_slug(config.site_name)
    )
    return env


def on_page_content(html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    finder = ReflectionPrompts.in_config(config)
    _prompts_found[page.file.src_uri] = finder.take() if finder else None
    return html_text


def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig,
                    nav: Navigation) -> dict[str, Any]:
    assert _book is not None
    if not state.book_of(config).is_chapter(page.file.src_uri):
        return context
    found = _prompts_found.get(page.file.src_uri)
    has_prompts = found if found is not None else has_reflection_prompts(page.content or "")
    chapter = chapter_source(_book, page, config.site_description or "", has_prompts=has_prompts)
    _chapters[page.file.src_uri] = chapter
    book = export_files.book_slug(config.site_name)
    context["chapter_downloads"] = {
        "handout": download_path("handout", book=book, chapter=chapter.slug),
        "worksheet": (download_path("worksheet", book=book, chapter=chapter.slug)
                      if chapter.has_prompts else ""),
    }
    return context


def on_post_build(config: MkDocsConfig) -> None:
    if not export_files.exports_enabled(os.environ):
        log.info("PDFs: not written (%s=0).", export_files.EXPORTS_ENV)
        return
    assert _book is not None and _settings is not None and _browser is not None
    start = time.perf_counter()
    site = Path(config.site_dir)
    epoch = export_files.source_date_epoch(os.environ)
    chapters = [_chapters[src] for src in sorted(_chapters)]
    book = BookInfo.from_config(_book, config, epoch)
    templates = Path(str(config.theme.custom_dir)) / TEMPLATES_DIR
    setup = PrintSetup(
        book=book, settings=_settings, body=body_attributes(config),
        templates=template_environment(templates),
    )
    plans = print_plans(site, chapters, setup)
    batches = collections(plans, _settings.chapters_per_print)
    cache = build_cache.open_cache(Path(config.config_file_path), os.environ)
    site_files = SiteFiles(site)
    keys: dict[str, str] = {}
    reusable: dict[str, bytes] = {}
    last_numbers = load_numbers(cache, plans)
    if cache is not None:
        assert _version is not None
        # Which program too: the headless shell and the full browser share a version number.
        version = f"{_browser}: {_version.result()}"
        keys = cache_keys(plans, batches, render_fingerprint(version, epoch, setup, templates))
        for plan in plans:
            entry = cache.get(CACHE_NAMESPACE, keys[plan.path])
            if entry is not None and site_files.unchanged(entry.meta.get("loaded", {})):
                reusable[plan.path] = entry.data
    # The book if it changed, and every collection with a chapter that changed, printed whole.
    jobs: list[Callable[[], PrintDocument]] = [
        plan.make for plan in plans if plan.kind == "book" and plan.path not in reusable]  # type: ignore[misc]
    for number, batch in enumerate(batches, start=1):
        if any(plan.path not in reusable for plan in batch):
            jobs.append(partial(collection_job, batch, setup, name=f"{batch[0].kind}s-{number}"))
            for plan in batch:
                reusable.pop(plan.path, None)
    jobs = [partial(with_last_numbers, job, last_numbers) for job in jobs]
    printed = len(plans) - len(reusable)

    pages: dict[str, int] = {}

    def write(path: str, data: bytes) -> None:
        export_files.write_atomically(site / path, data)
        pages[path] = pdf_files.page_count(data)

    for path, data in reusable.items():
        write(path, data)
    reused = len(reusable)
    del reusable  # written: not held while the rest prints

    def finish(rendered: RenderedPdf) -> None:
        document = rendered.document
        if cache is not None:
            save_numbers(cache, rendered)
        printings = f"{rendered.printings} printing{'s' if rendered.printings > 1 else ''}"
        if document.parts:  # a collection: one PDF per chapter
            split = pdf_files.split_collection(rendered.data, len(document.parts))
            files = [(part.path, data, part.metadata, part.headings)
                     for part, data in zip(document.parts, split)]
        else:
            assert document.metadata is not None
            files = [(document.path, rendered.data, document.metadata, document_headings(document.html))]
        for path, data, metadata, headings in files:
            data = pdf_files.finalise_pdf(data, metadata, epoch=epoch, headings=headings)
            write(path, data)
            log.info("PDF %s: %d page%s, %.1f s (%s)", path, pages[path], "s" * (pages[path] != 1),
                     rendered.seconds / len(files), printings)
            if cache is not None:
                cache.put(CACHE_NAMESPACE, keys[path], {"loaded": site_files.digests(rendered.loaded)}, data)

    # Each document is made, and each PDF finished and written, beside the browser printing
    # the others.
    try:
        render_documents(jobs, site, _started or _browser, finish=finish)
    finally:
        close_browser()
    if cache is not None:
        cache.prune(CACHE_NAMESPACE)
        cache.prune(NUMBERS_NAMESPACE)
    log.info("PDFs: %d files (%d printed, %d unchanged since the last build), %d pages in %.1f s",
             len(plans), printed, reused, sum(pages.values()), time.perf_counter() - start)


def cache_keys(plans: Sequence[PrintPlan], batches: Sequence[Sequence[PrintPlan]],
               common: str) -> dict[str, str]:
    """Each PDF's cache key: what every PDF shares (`render_fingerprint`) and what its print
    document is made from. A chapter's PDF shares its fonts with the others printed with it:
    the same bytes come from the same collection, so its key covers the whole collection."""
    keys = {plan.path: build_cache.digest(common, plan.inputs) for plan in plans if plan.kind == "book"}
    keys |= {plan.path: build_cache.digest(common, plan.inputs, *(b.inputs for b in batch))
             for batch in batches for plan in batch}
    return keys


# --- Settings and environment ----------------------------------------------------------------


BROWSER_ENV = "BOOK_BROWSER"
# Chromium's headless shell first: the same Blink layout and PDF printing as the full browser
# (the same pages, pixel for pixel) without the desktop browser around them, so printing takes
# about a third less time and memory. Debian packages it as chromium-headless-shell.
BROWSER_NAMES = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome",
                 "google-chrome-stable")
BROWSER_PATHS = (
    "/usr/lib/chromium/chromium-headless-shell",
    "/usr/bin/chromium",
    "/usr/lib/chromium/chromium",
    "/snap/bin/chromium",
    "/opt/google/chrome/chrome",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)
NO_BROWSER = (
    "No Chromium or Chrome found to print the PDFs. On Debian install it with:\n"
    "    sudo apt-get install chromium-headless-shell\n"
    "(on Ubuntu: sudo apt-get install chromium), "
    f"or set {BROWSER_ENV} to the browser's path. To build without PDFs (as `make serve` "
    f"does), set {export_files.EXPORTS_ENV}=0."
)


def find_browser(env: Mapping[str, str], *, names: Sequence[str] = BROWSER_NAMES,
                 paths: Sequence[str] = BROWSER_PATHS) -> str:
    """The system Chromium or Chrome: BOOK_BROWSER first, then the usual names and places
    (the headless shell before the full browsers)."""
    chosen = env.get(BROWSER_ENV, "").strip()
    if chosen:
        found = shutil.which(chosen)
        if not found:
            raise PluginError(
                f"{BROWSER_ENV}={chosen!r}: no such program. Set it to the path of Chromium or "
                f"Chrome, or unset it to use the one on PATH."
            )
        return found
    for name in names:
        if found := shutil.which(name):
            return found
    for path in paths:
        if os.access(path, os.X_OK):
            return path
    raise PluginError(NO_BROWSER)


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


# --- Print documents: from the built pages to HTML ready to print ----------------------------


@dataclass(frozen=True)
class PdfMetadata:
    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    language: str
    rights: str  # the licence statement, in words
    licence_url: str


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
    parts: tuple[ChapterPrint, ...] = ()  # a collection: fill in each part's number of pages, split
    # The numbers the last build measured for it (`with_last_numbers`): written in before the
    # first printing, which is then the last one if the layout kept them.
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
    def from_config(cls, book: BookSettings, config: MkDocsConfig,
                    epoch: int | None) -> BookInfo:
        return cls(
            title=config.site_name,
            author=book.original.author,
            description=config.site_description or "",
            slug=export_files.book_slug(config.site_name),
            site_url=config.site_url or "",
            edition=edition_text(epoch),
            settings=book,
        )


def edition_text(epoch: int | None) -> str:
    when = datetime.fromtimestamp(epoch, timezone.utc) if epoch is not None else datetime.now(timezone.utc)
    return f"Edition of {when.day} {when:%B %Y}"


def chapter_source(book: BookSettings, page: Page, site_description: str, *,
                   has_prompts: bool) -> ChapterSource:
    credit = credits.page_attribution(book.original, book.changes, page.meta, source=f"docs/{page.file.src_uri}")
    based_on = credit.adapted_from or credit.original
    return ChapterSource(
        src_uri=page.file.src_uri,
        slug=page_slug(page.file.src_uri),
        title=page.title or "",
        url=page.url,
        html_file=Path(page.file.abs_dest_path),
        description=str(page.meta.get("description") or site_description).strip(),
        author=credit.written_by or based_on.author,
        licence=credit.licence,
        credit=f"written for this edition by {credit.written_by}" if credit.written_by
        else f"adapted from {credits.credit_text(based_on)}",
        has_prompts=has_prompts,
    )


# What reflection_prompts selects, as XPath: a yes or no asked of every chapter in every build,
# answered by lxml alone (about twenty times quicker than building a BeautifulSoup tree).
_REFLECTION_PROMPTS = lxml_etree.XPath(
    "//*[self::div[contains(concat(' ', normalize-space(@class), ' '), ' admonition ')] or self::details]"
    "[contains(concat(' ', normalize-space(@class), ' '), ' reflection ')]/*[self::ul or self::ol]/li"
)


def has_reflection_prompts(content_html: str) -> bool:
    if "reflection" not in content_html:
        return False
    return bool(_REFLECTION_PROMPTS(lxml_html.fromstring(content_html)))


class ReflectionPrompts(page_tree.PageTreeReader["bool | None"]):
    """Answers `has_reflection_prompts` for each page from the tree Python-Markdown builds, so
    that the page's HTML is not parsed again (about a third of a millisecond a chapter).

    Only for a page without raw HTML: its HTML's elements are then exactly the tree's. Raw HTML
    is kept aside by Python-Markdown and pasted into the HTML later, so a page with any gets no
    answer (None) and its HTML is parsed. A test compares the answers on every page of the book.
    """

    name = "book_pdf_reflection_prompts"

    def read(self, md: markdown.Markdown, root: Any) -> bool | None:
        return None if page_tree.holds_stashed_html(md) else tree_has_prompts(root)


def tree_has_prompts(root: Any) -> bool:
    """What _REFLECTION_PROMPTS asks, of an ElementTree."""
    for box in root.iter():
        classes = str(box.get("class") or "").split()
        if "reflection" not in classes:
            continue
        if not (box.tag == "details" or (box.tag == "div" and "admonition" in classes)):
            continue
        if any(child.tag in ("ul", "ol") and any(item.tag == "li" for item in child) for child in box):
            return True
    return False


@dataclass(frozen=True)
class PrintSetup:
    """What every print document of a build shares."""

    book: BookInfo
    settings: PdfSettings
    body: Mapping[str, str]  # Material's <body> attributes (body_attributes)
    templates: jinja2.Environment  # overrides/print/ (template_environment)


@dataclass(frozen=True)
class PrintPlan:
    """A PDF to write, before its print document is made: where it goes, a hash of what the
    document is made from, and how to make it (only done when the PDF must be printed)."""

    kind: Kind
    path: str
    inputs: str
    make: Callable[[], PrintDocument | ChapterPrint]


def print_plans(site: Path, chapters: Sequence[ChapterSource], setup: PrintSetup) -> list[PrintPlan]:
    """The book first (it takes longest), then each chapter's handout and worksheet."""
    print_page = site / PRINT_PAGE
    if not print_page.is_file():
        raise PluginError(
            f"site/{PRINT_PAGE} was not built: keep the print-site plugin in {CONFIG_FILE} "
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

        def handout(page: bytes = page_bytes, chapter: ChapterSource = chapter) -> ChapterPrint:
            return handout_document(page.decode("utf-8"), chapter, setup)

        def worksheet(page: bytes = page_bytes, chapter: ChapterSource = chapter) -> ChapterPrint:
            document = worksheet_document(page.decode("utf-8"), chapter, setup)
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


def collection_job(batch: Sequence[PrintPlan], setup: PrintSetup, *, name: str) -> PrintDocument:
    """A collection's print document, made from its chapters' pages."""
    parts = [plan.make() for plan in batch]
    return collection_document(parts, setup, name=name)  # type: ignore[arg-type]


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


# Chrome a print document leaves out: the site prints its content only.
CHROME_SELECTORS = (
    "a.headerlink", ".book-downloads", ".md-content__button",
    ".md-source-file", ".md-feedback", "script", "noscript", "form",
)


def clean_content(fragment: Tag, *, base_url: str) -> None:
    """Ready a page's content for print, in place: no chrome, blocks open, links that work.

    Links to other pages of the site point at the published site (`base_url`, the online
    address of the document's folder) or, with no address set, become plain text.
    """
    from bs4 import BeautifulSoup  # see the note at the imports

    for selector in CHROME_SELECTORS:
        for tag in fragment.select(selector):
            tag.decompose()
    for listing in fragment.select("[data-downloads-list]"):
        # The list is filled in after the PDFs are printed; on paper, say where it is.
        note = BeautifulSoup("<p>The list of downloads is on the book's website.</p>", "html.parser")
        listing.replace_with(note)
    for details in fragment.find_all("details"):
        details["open"] = ""
    for link in fragment.find_all("a", href=True):
        href = str(link["href"])
        if href.startswith("#") or urlsplit(href).scheme:
            continue
        if base_url:
            link["href"] = urljoin(base_url, href)
        else:
            link.unwrap()


def heading_text(tag: Tag) -> str:
    return re.sub(r"\s+", " ", tag.get_text()).strip()


def stylesheets(page: BeautifulSoup) -> tuple[str, ...]:
    """The page's own stylesheets (relative to it), without print-site's screen styles."""
    return tuple(
        str(link["href"]) for link in page.select('head link[rel~="stylesheet"][href]')
        if "print-site" not in str(link["href"])
    )


def online_folder(site_url: str, url_path: str) -> str:
    """The published address of the folder a document is served from, or ""."""
    if not site_url:
        return ""
    return urljoin(site_url.rstrip("/") + "/", url_path.rsplit("/", 1)[0] + "/")


def book_parts(page: BeautifulSoup, *, base_url: str) -> list[BookPart]:
    """The pages of print-site's combined page, in order, each ready to print (changes `page`)."""
    root = page.select_one("#print-site-page")
    if root is None:
        raise PluginError(f"site/{PRINT_PAGE}: no #print-site-page element; is print-site enabled?")
    clean_content(root, base_url=base_url)
    parts: list[BookPart] = []
    for section in root.find_all("section", class_="print-page"):
        heading = section.find("h1")
        if not section.get("id") or heading is None:
            continue  # print-site's own table of contents, filled by JavaScript
        if "md-section" in section.get("class", []):
            # A navigation section: its title gets a page unless its first page has the same title.
            first = section.find("section", class_="print-page")
            first_heading = first.find("h1") if first else None
            if first_heading is not None and heading_text(first_heading) == heading_text(heading):
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


def book_document(print_page_html: str, setup: PrintSetup) -> PrintDocument:
    book = setup.book
    url_path = "print_page/book.print.html"
    # lxml's parser: the whole book is read here, about ten times faster than html.parser.
    from bs4 import BeautifulSoup  # see the note at the imports

    page = BeautifulSoup(print_page_html, "lxml")
    parts = book_parts(page, base_url=online_folder(book.site_url, url_path))
    original = book.settings.original
    metadata = PdfMetadata(
        title=book.title, author=book.author, subject=book.description,
        keywords=setup.settings.keywords, language=book.settings.language,
        rights=(f"{book.title}, adapted from {credits.credit_text(original)}, {original.source_url}. "
                f"Licensed under {original.licence.name}: {original.licence.url}"),
        licence_url=original.licence.url,
    )
    doc = document_context(metadata, stylesheets(page), setup, head=book.title, foot=book.site_url)
    # The whole book's tree is a web of references that only the cycle collector would free,
    # later; freed now, its memory is there for the browser printing it.
    page.decompose()
    return PrintDocument(
        path=download_path("book", book=book.slug),
        url_path=url_path,
        html=setup.templates.get_template("book.html").render(
            doc=doc, book=book, original=original, parts=parts),
        metadata=metadata,
        toc=True,
    )


def handout_document(page_html: str, chapter: ChapterSource, setup: PrintSetup) -> ChapterPrint:
    sheets, article = _printable_chapter(page_html, chapter, setup)
    body = setup.templates.get_template("handout.html").render(content=Markup(article.decode_contents()))
    return _chapter_print("handout", "Handout", sheets, chapter, setup, Markup(body))


def worksheet_document(page_html: str, chapter: ChapterSource,
                       setup: PrintSetup) -> ChapterPrint | None:
    """The chapter's reflection worksheet, or None when the chapter has no reflection box."""
    sheets, article = _printable_chapter(page_html, chapter, setup)
    prompts = reflection_prompts(article)
    if not prompts:
        return None
    credit = article.select_one(f".{attribution.BLOCK_CLASS}")
    body = setup.templates.get_template("worksheet.html").render(
        chapter=chapter, prompts=prompts, lines=setup.settings.writing_lines,
        attribution=Markup(str(credit)) if credit else Markup(""),
    )
    return _chapter_print("worksheet", "Reflection worksheet", sheets, chapter, setup, Markup(body))


def reflection_prompts(content: Tag) -> list[Markup]:
    """The prompts of a chapter's reflection box: its list's items (hooks/checks.py makes sure
    each prompt is one)."""
    items = content.select(":is(.admonition, details).reflection > :is(ul, ol) > li")
    return [Markup(item.decode_contents().strip()) for item in items]


_ARTICLE = lxml_etree.XPath("//article[contains(concat(' ', normalize-space(@class), ' '), ' md-content__inner ')]")
_STYLESHEETS = lxml_etree.XPath("//head/link[@href][contains(concat(' ', normalize-space(@rel), ' '), ' stylesheet ')]")


def _printable_chapter(page_html: str, chapter: ChapterSource,
                       setup: PrintSetup) -> tuple[tuple[str, ...], Tag]:
    """The built chapter page's stylesheets, and its article cleaned for print, its ids made
    the chapter's own and its addresses site-root-relative, so it can be printed among other
    chapters."""
    # lxml finds the article in the whole page (whose navigation grows with the book), and
    # BeautifulSoup reads the article alone: reading whole pages made big books slow to print.
    root = lxml_html.fromstring(page_html)
    found = _ARTICLE(root)
    if not found:
        raise PluginError(f"{chapter.html_file}: no <article> to print; is the theme Material?")
    sheets = tuple(str(link.get("href")) for link in _STYLESHEETS(root)
                   if "print-site" not in str(link.get("href")))
    from bs4 import BeautifulSoup  # see the note at the imports

    article = BeautifulSoup(lxml_html.tostring(found[0], encoding="unicode"), "lxml").article
    assert article is not None
    clean_content(article, base_url=chapter_address(setup.book.site_url, chapter.url))
    own_ids(article, prefix=f"{chapter.slug}--")
    root_relative(article, page_url=chapter.url)
    return sheets, article


# Attributes that name elements of the page by id, each a space-separated list.
_ID_REFERENCES = ("for", "headers", "aria-labelledby", "aria-describedby", "aria-controls",
                  "aria-owns", "aria-activedescendant", "aria-details", "aria-errormessage")


def own_ids(fragment: Tag, *, prefix: str) -> None:
    """Prefix every id of the fragment and every reference to one, in place: chapters printed
    together share heading ids, and each link must still lead to its own chapter's."""
    for tag in fragment.find_all(True):
        if tag.get("id"):
            tag["id"] = prefix + str(tag["id"])
        href = tag.get("href")
        if isinstance(href, str) and href.startswith("#") and len(href) > 1:
            tag["href"] = "#" + prefix + href[1:]
        for name in _ID_REFERENCES:
            value = tag.get(name)
            if value:
                ids = value if isinstance(value, list) else str(value).split()
                tag[name] = " ".join(prefix + i for i in ids)


def root_relative(fragment: Tag, *, page_url: str) -> None:
    """Make the fragment's images and other loaded files' addresses start at the site's root, in
    place, so they load whichever folder the print document is served from."""
    here = "/" + page_url.lstrip("/")
    for tag in fragment.find_all(src=True):
        tag["src"] = _from_root(str(tag["src"]), here)
    for tag in fragment.find_all(srcset=True):
        candidates = [c.strip().split(maxsplit=1) for c in str(tag["srcset"]).split(",") if c.strip()]
        tag["srcset"] = ", ".join(" ".join([_from_root(c[0], here), *c[1:]]) for c in candidates)


def _from_root(address: str, here: str) -> str:
    if urlsplit(address).scheme or address.startswith(("/", "#")) or not address:
        return address
    return urljoin(here, address)


def collection_document(parts: Sequence[ChapterPrint], setup: PrintSetup, *, name: str) -> PrintDocument:
    """Chapters' handouts or worksheets, printed together and split apart after (`split_collection`)."""
    kind = parts[0].kind
    # Its own head and metadata never reach a reader: each part's are written in after the split.
    metadata = dataclasses.replace(parts[0].metadata, title=f"{kind.capitalize()}s",
                                   subject=setup.book.description)
    sheets = dict.fromkeys(href for part in parts for href in part.stylesheets)
    doc = document_context(metadata, tuple(sheets), setup, head="", foot="")
    return PrintDocument(
        path=f"{name} ({len(parts)} chapters)",
        url_path=f"{posixpath.dirname(PRINT_PAGE)}/{name}.print.html",
        html=setup.templates.get_template("collection.html").render(doc=doc, kind=kind, parts=parts),
        metadata=None,
        parts=tuple(parts),
    )


def _chapter_print(kind: Kind, label: str, sheets: Sequence[str], chapter: ChapterSource,
                   setup: PrintSetup, body: Markup) -> ChapterPrint:
    book = setup.book
    metadata = PdfMetadata(
        title=f"{label}: {chapter.title}", author=chapter.author, subject=chapter.description,
        keywords=setup.settings.keywords, language=book.settings.language,
        rights=(f"“{chapter.title}”, from {book.title}, {chapter.credit}. "
                f"Licensed under {chapter.licence.name}: {chapter.licence.url}"),
        licence_url=chapter.licence.url,
    )
    here = "/" + chapter.url.lstrip("/")
    return ChapterPrint(
        path=download_path(kind, book=book.slug, chapter=chapter.slug),
        kind=kind, metadata=metadata, head=chapter.title,
        foot=chapter_address(book.site_url, chapter.url), body=body,
        stylesheets=tuple(_from_root(href, here) for href in sheets),
    )


def chapter_address(site_url: str, page_url: str) -> str:
    return urljoin(site_url.rstrip("/") + "/", page_url) if site_url else ""


def document_context(metadata: PdfMetadata, sheets: Sequence[str], setup: PrintSetup, *,
                     head: str, foot: str) -> dict[str, Any]:
    """What the base template needs: the head, the styles, the paper, the margin boxes."""
    return {
        "title": metadata.title, "author": metadata.author, "subject": metadata.subject,
        "keywords": ", ".join(metadata.keywords), "language": metadata.language,
        "stylesheets": tuple(sheets), "paper": setup.settings.paper, "body": setup.body,
        "head_left": setup.book.title, "head_right": head, "foot_left": foot,
    }


# --- The table of contents' page numbers -----------------------------------------------------

# The page-number slots the book template writes: <span class="book-toc__page" data-toc-target="ID">.
_TOC_SLOT = re.compile(r'(<span class="book-toc__page" data-toc-target="([^"]*)">)[^<]*(</span>)')


def toc_targets(document_html: str) -> list[str]:
    return [html.unescape(m.group(2)) for m in _TOC_SLOT.finditer(document_html)]


def fill_toc_pages(document_html: str, pages: Mapping[str, int]) -> str:
    return _TOC_SLOT.sub(
        lambda m: f"{m.group(1)}{pages[html.unescape(m.group(2))]}{m.group(3)}", document_html
    )


def numbered(document: PrintDocument) -> list[str]:
    """What the document's numbers are of: the targets of the book's contents, or the PDF of
    each chapter of a collection (whose number of pages its footers give)."""
    if document.toc:
        return toc_targets(document.html)
    return [part.path for part in document.parts]


def measured_numbers(document: PrintDocument, pdf: bytes) -> dict[str, int]:
    """The numbers a printing of the document measured, by what they are of (`numbered`): the
    page each of the book's contents entries landed on, or each chapter's number of pages."""
    if document.toc:
        return pdf_files.heading_pages(pdf, numbered(document))
    if document.parts:
        return dict(zip(numbered(document), pdf_files.part_page_counts(pdf, len(document.parts))))
    return {}


def with_numbers(document: PrintDocument, numbers: Mapping[str, int]) -> str:
    """The document's HTML with these numbers written in."""
    if document.toc:
        return fill_toc_pages(document.html, numbers)
    if document.parts:
        return fill_page_totals(document.html, [numbers[path] for path in numbered(document)])
    return document.html


def with_last_numbers(make: Callable[[], PrintDocument], last: Mapping[str, int]) -> PrintDocument:
    """The document `make` makes, given the numbers the last build measured for it (`last`,
    by what they are of) when it measured them all."""
    document = make()
    wanted = numbered(document)
    if wanted and all(name in last for name in wanted):
        return dataclasses.replace(document, last_numbers={name: last[name] for name in wanted})
    return document


# The slots of collection.html where each chapter's number of pages goes.
_PAGES_SLOT = re.compile(r'(/\* pages of part (\d+) \*/ )"[^"]*"')


def fill_page_totals(document_html: str, totals: Sequence[int]) -> str:
    return _PAGES_SLOT.sub(lambda m: f'{m.group(1)}"{totals[int(m.group(2)) - 1]}"', document_html)


# --- Printing with Chromium ------------------------------------------------------------------

CHROMIUM_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    # Only the local server that serves the built site may be reached.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    # Blink's page memory is collected on V8's schedule even with JavaScript off; a small
    # limit collects it often: about 150 MiB less while printing a 600-page book, same PDF.
    "--js-flags=--max-old-space-size=32",
)
MAX_TOC_PASSES = 4
# Times a print that Chromium reports as failed is tried (see _render_one).
PRINT_ATTEMPTS = 3


@dataclass(frozen=True)
class RenderedPdf:
    document: PrintDocument
    data: bytes
    seconds: float
    loaded: tuple[str, ...] = ()  # the site files the browser loaded for it (site-relative paths)
    numbers: Mapping[str, int] = dataclasses.field(default_factory=dict)  # `measured_numbers`
    printings: int = 1


def chromium_args() -> list[str]:
    running_as_root = getattr(os, "geteuid", lambda: -1)() == 0
    return [*CHROMIUM_ARGS, *(["--no-sandbox"] if running_as_root else [])]


Job = PrintDocument | Callable[[], PrintDocument]


@dataclass(frozen=True)
class Origin:
    """The local server: its address, and the print documents it answers with (by url_path)."""

    url: str
    documents: dict[str, str]


class Browser:
    """One headless Chromium for the build, driven from an event loop in a thread of its own,
    so that it can start while the site is still being built.

    Playwright's async API must stay on the loop that started it; `print` hands the printing
    to that loop and waits for it.
    """

    def __init__(self, executable: str) -> None:
        import asyncio

        self.executable = executable
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="browser", daemon=True)
        self._thread.start()
        self._playwright: Any = None
        self._chromium = asyncio.run_coroutine_threadsafe(self._launch(executable), self._loop)

    async def _launch(self, executable: str) -> Any:
        from playwright.async_api import async_playwright  # only when there is something to print

        self._playwright = await async_playwright().start()
        return await self._playwright.chromium.launch(executable_path=executable,
                                                      args=chromium_args())

    def print(self, documents: Sequence[Job], origin: Origin, workers: int,
              finish: Callable[[RenderedPdf], None] | None) -> list[RenderedPdf]:
        import asyncio

        try:
            chromium = self._chromium.result()
        except Exception as error:  # Playwright's Error (imported only when printing), OSError
            raise PluginError(not_started(self.executable, error)) from None
        return asyncio.run_coroutine_threadsafe(
            _print_with(chromium, documents, origin, workers, finish), self._loop).result()

    def close(self) -> None:
        import asyncio

        async def stop() -> None:
            try:
                chromium = await asyncio.wrap_future(self._chromium)
                await chromium.close()
            except Exception:  # noqa: BLE001 - a failed launch was already reported by `print`
                pass
            if self._playwright is not None:
                await self._playwright.stop()

        try:
            asyncio.run_coroutine_threadsafe(stop(), self._loop).result(timeout=60)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()


def render_documents(documents: Sequence[Job], site: Path, browser: str | Browser, *,
                     workers: int = 0,
                     finish: Callable[[RenderedPdf], None] | None = None) -> list[RenderedPdf]:
    """Print the documents with one browser, several pages at once: inputs -> PDF bytes.

    `browser` is the program to launch, or a `Browser` already started (left open). The built
    site is served from 127.0.0.1, and each document's HTML by the same server at its
    `url_path` while it prints, so nothing is written into the site. A document may be given
    as a function that makes it, and `finish` is called with each PDF as it is printed (the
    PDFs are then returned to it alone): both run in threads while the browser prints other
    documents.
    """
    if not documents:
        return []
    workers = min(len(documents), workers or max(1, os.cpu_count() or 1))
    served: dict[str, str] = {}  # the print documents being printed, by their url_path
    session = Browser(browser) if isinstance(browser, str) else browser
    try:
        with serve_directory(site, served) as origin:
            return session.print(documents, Origin(origin, served), workers, finish)
    finally:
        if session is not browser:
            session.close()


async def _print_with(chromium: Any, documents: Sequence[Job], origin: Origin, workers: int,
                      finish: Callable[[RenderedPdf], None] | None) -> list[RenderedPdf]:
    """Print with `workers` tabs. The Python work around each print (making the next document,
    finishing the PDF just printed) runs in threads while the browser prints, instead of
    keeping a tab waiting."""
    import asyncio

    context = await chromium.new_context(java_script_enabled=False)
    try:
        queue = list(enumerate(documents))  # the book, the longest, goes first
        results: dict[int, RenderedPdf] = {}
        making: dict[int, asyncio.Task[PrintDocument]] = {}
        finishing: list[asyncio.Task[None]] = []

        async def made(item: Job) -> PrintDocument:
            return item if isinstance(item, PrintDocument) else await asyncio.to_thread(item)

        def start_making(index: int, item: Job) -> asyncio.Task[PrintDocument]:
            if index not in making:
                making[index] = asyncio.create_task(made(item))
            return making[index]

        async def worker() -> None:
            while queue:
                index, item = queue.pop(0)
                document = await start_making(index, item)
                del making[index]
                if queue:  # the next document is made while this one prints
                    start_making(*queue[0])
                rendered = await _render_one(context, origin, document)
                if finish is None:
                    results[index] = rendered
                else:  # kept by `finish` alone: the PDFs are not all held in memory at once
                    finishing.append(asyncio.create_task(asyncio.to_thread(finish, rendered)))

        await asyncio.gather(*(worker() for _ in range(workers)))
        await asyncio.gather(*finishing)
        return [results[i] for i in sorted(results)]
    finally:
        await context.close()


def site_path(url: str, origin: str) -> str | None:
    """The site-relative path a URL of the local server names, or None for other URLs."""
    if not url.startswith(origin + "/"):
        return None
    return unquote(urlsplit(url).path).lstrip("/")


async def _render_one(context: Any, origin: Origin, document: PrintDocument) -> RenderedPdf:
    """Print a document in a tab of its own, again while its page numbers move."""
    import asyncio

    start = time.perf_counter()
    url = f"{origin.url}/{document.url_path}"
    current = document.html
    loaded: set[str] = set()

    def record(request: Any) -> None:  # the browser's cache answers some: still recorded
        path = site_path(request.url, origin.url)
        if path is not None and path != document.url_path:
            loaded.add(path)

    async def print_in(page: Any, *, tagged: bool) -> bytes:
        origin.documents[document.url_path] = current
        page.on("request", record)
        try:
            await page.goto(url, wait_until="load")
            attempt = 1
            while True:
                try:
                    return await page.pdf(print_background=True, prefer_css_page_size=True,
                                          outline=True, tagged=tagged)
                except Exception as error:  # Playwright's Error, imported only when printing
                    # Chromium now and then answers a print with "Printing failed" and prints
                    # the same page the next time: only that is tried again.
                    if "Printing failed" not in str(error) or attempt == PRINT_ATTEMPTS:
                        raise
                    log.info("%s: Chromium could not print it; trying again", document.path)
                    attempt += 1
        finally:
            page.remove_listener("request", record)
            del origin.documents[document.url_path]

    # With the last build's numbers written in, the first printing is the last if the layout
    # kept them. Without, the book's first printing only measures where headings land (its
    # named destinations): it needs no tags, which change no layout. (A collection's are
    # measured by its bookmarks, which Chromium writes only into a tagged PDF.)
    if document.last_numbers:
        current = with_numbers(document, document.last_numbers)
    measuring = document.toc and not document.last_numbers
    page = await context.new_page()
    try:
        for printing in range(1, MAX_TOC_PASSES + 1):
            if printing > 1 and document.toc:  # the whole book: a fresh tab gives back the
                await page.close()             # memory of the last layout (hundreds of MiB)
                page = await context.new_page()
            data = await print_in(page, tagged=not measuring)
            # Print again while the numbers written in differ from those just printed.
            numbers = await asyncio.to_thread(measured_numbers, document, data)
            filled = with_numbers(document, numbers)
            if filled == current and not measuring:
                break
            current, measuring = filled, False
        else:
            raise PluginError(
                f"{document.path}: the page numbers still moved after {MAX_TOC_PASSES} "
                f"printings; check the templates in overrides/{TEMPLATES_DIR}/."
            )
    finally:
        await page.close()
    return RenderedPdf(document=document, data=data, seconds=time.perf_counter() - start,
                       loaded=tuple(sorted(loaded)), numbers=numbers, printings=printing)


class _SiteRequestHandler(SimpleHTTPRequestHandler):
    """The built site's files, and the print documents being printed (never written to disk)."""

    def __init__(self, *args: Any, documents: Mapping[str, str], **kwargs: Any) -> None:
        self.documents = documents
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        document = self.documents.get(unquote(urlsplit(self.path).path).lstrip("/"))
        if document is None:
            return super().do_GET()
        body = document.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # printed again with new page numbers
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


@contextmanager
def serve_directory(root: Path, documents: Mapping[str, str] | None = None) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 while the block runs, and `documents` (site-relative path:
    HTML) as if they were in it; yields its origin."""
    handler = partial(_SiteRequestHandler, directory=str(root),
                      documents=documents if documents is not None else {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --- Reusing unchanged PDFs ------------------------------------------------------------------

CACHE_NAMESPACE = "pdf"
# The code and libraries that turn a print document into PDF bytes.
_CODE_FILES = (Path(__file__), Path(pdf_files.__file__), Path(export_files.__file__))
_LIBRARIES = ("beautifulsoup4", "jinja2", "markupsafe", "pikepdf", "playwright")


def browser_version(browser: str) -> str:
    """The browser's own version line, e.g. "Chromium 156.0.8078.108 built on Debian…"."""
    try:
        result = subprocess.run([browser, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PluginError(not_started(browser, error)) from None
    if result.returncode != 0:  # a program that is not a browser, or one that cannot start here
        raise PluginError(not_started(browser, f"`{browser} --version` ended with status {result.returncode}"))
    return result.stdout.strip() or f"{browser} (no version)"


def not_started(browser: str, reason: object) -> str:
    """One line: which browser, why (the first line of the error: Playwright's next lines are
    its whole command line and call log), and what to do."""
    first = str(reason).strip().splitlines()[0] if str(reason).strip() else type(reason).__name__
    return (f"The browser {browser} does not start ({first}). Install Chromium (on Debian: "
            f"sudo apt-get install chromium-headless-shell), or set {BROWSER_ENV} to a working "
            f"Chromium or Chrome.")


def render_fingerprint(version: str, epoch: int | None, setup: PrintSetup, templates: Path) -> str:
    """A hash of what every PDF of the build shares: browser, epoch (None: the current time,
    so nothing is reused), libraries, this code, the print templates and the book's settings."""
    parts = [version, str(epoch if epoch is not None else time.time()),
             *(f"{name} {importlib.metadata.version(name)}" for name in _LIBRARIES),
             *(path.read_bytes() for path in _CODE_FILES),
             repr(setup.book), repr(setup.settings), repr(sorted(setup.body.items()))]
    for path in sorted(p for p in templates.rglob("*") if p.is_file()):
        parts += [path.relative_to(templates).as_posix(), path.read_bytes()]
    return build_cache.digest(*parts)


# The numbers the last build measured (`measured_numbers`), an entry per PDF: the book's
# contents page numbers, or a chapter's number of pages.
NUMBERS_NAMESPACE = "pdf-numbers"


def load_numbers(cache: build_cache.Cache | None, plans: Sequence[PrintPlan]) -> dict[str, int]:
    """The numbers the last build measured for these PDFs, by what they are of (`numbered`)."""
    numbers: dict[str, int] = {}
    for plan in plans if cache is not None else ():
        entry = cache.get(NUMBERS_NAMESPACE, build_cache.digest(plan.path))
        if entry is not None:
            numbers.update(json.loads(entry.data) if plan.kind == "book" else {plan.path: int(entry.data)})
    return numbers


def save_numbers(cache: build_cache.Cache, rendered: RenderedPdf) -> None:
    document = rendered.document
    if document.toc:
        cache.put(NUMBERS_NAMESPACE, build_cache.digest(document.path), {},
                  json.dumps(rendered.numbers, sort_keys=True).encode("utf-8"))
    for path in numbered(document) if document.parts else ():
        cache.put(NUMBERS_NAMESPACE, build_cache.digest(path), {}, str(rendered.numbers[path]).encode())


class SiteFiles:
    """The hashes of the built site's files, each read once per build ("" for a missing file)."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self._known: dict[str, str] = {}

    def digest(self, path: str) -> str:
        if path not in self._known:
            file = self.site / path
            self._known[path] = hashlib.sha256(file.read_bytes()).hexdigest() if file.is_file() else ""
        return self._known[path]

    def digests(self, paths: Sequence[str]) -> dict[str, str]:
        return {path: self.digest(path) for path in sorted(paths)}

    def unchanged(self, recorded: Mapping[str, str]) -> bool:
        return all(self.digest(path) == digest for path, digest in recorded.items())


# --- The bookmarks' text ---------------------------------------------------------------------


_HEADINGS = lxml_etree.XPath("//h1|//h2|//h3|//h4|//h5|//h6")


def document_headings(document_html: str) -> list[str]:
    """The text of every heading of a print document, in order."""
    root = lxml_html.fromstring(document_html)
    return [re.sub(r"\s+", " ", h.text_content()).strip() for h in _HEADINGS(root)]
