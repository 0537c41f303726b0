"""PDFs: the whole book, a handout per chapter, a reflection worksheet per chapter.

After the site is built, the build's `PdfExport` turns pages of it into print documents (HTML
from the templates in `overrides/print/`), prints them with a headless system Chromium driven over
its DevTools pipe (`browser`, `cdp`), and writes them under `site/downloads/` (the downloads contract, `Book.download_path`):

- `<book-slug>.pdf`: print-site's combined page after a cover, a copyright page and a table of
  contents whose page numbers are read back from the printed PDF (`numbering`);
- `handouts/<chapter>.pdf`: the chapter alone, with the same print styling;
- `worksheets/<chapter>-reflection.pdf`: the prompts of the chapter's reflection box, each with
  ruled lines to write on.

Handouts (and worksheets) are printed `chapters_per_print` at a time, in collections split
apart after (`chapter_documents`, `plans`).

Three plain steps, each a function the tests call without MkDocs:
built pages -> `PrintDocument` (HTML; `book_document`, `chapter_documents`) ->
`browser.render_documents` (Chromium: PDF bytes) -> `finishing.finish_printed` (collections
split, the book's page labels, PDF/UA tags, metadata, fixed dates and ID for reproducible files),
in a process of its own (`finishing_process`).

Unchanged PDFs are not printed again (`cache_keys`, `.cache/book/pdf/`). With no PDF in the
cache (a first build, or the cache off), everything will be printed: the browser is then
launched in `pre_build` and starts while the site is built.

Settings: `extra.pdf` in the configuration file. Switches (what differs per machine):
`BOOK_EXPORTS=0` turns the PDFs off (`make serve`), `BOOK_BROWSER` names the browser,
`SOURCE_DATE_EPOCH` fixes the dates, `BOOK_CACHE=0` prints every PDF afresh.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from mkdocs.exceptions import PluginError

from ebook.model import build_cache, writing
from ebook.model.reflection import has_reflection_prompts
from ebook.model.settings import EXPORTS_ENV
from ebook.pdf import finishing
from ebook.pdf.browser import Browser, browser_version, find_browser, render_documents
from ebook.pdf.cache_keys import CACHE_NAMESPACE, SiteFiles, cache_keys, render_fingerprint
from ebook.pdf.documents import (
    TEMPLATES_DIR,
    BookInfo,
    PrintSetup,
    body_attributes,
    chapter_source,
    document_headings,
    template_environment,
)
from ebook.pdf.finishing_process import FinishingProcess
from ebook.pdf.large_buffers import keep_large_blocks_mapped
from ebook.pdf.numbering import NUMBERS_NAMESPACE, load_numbers, save_numbers, with_last_numbers
from ebook.pdf.plans import book_job, collection_job, collections, print_plans
from ebook.pdf.reflection import ReflectionPrompts

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    from ebook.model.book import Book
    from ebook.pdf.browser import RenderedPdf
    from ebook.pdf.documents import ChapterSource, PrintDocument
    from ebook.pdf.plans import PrintPlan

log = logging.getLogger("mkdocs.plugins.ebook.pdf")


class PdfExport:
    """The PDFs of one build."""

    def __init__(self, book: Book, config: MkDocsConfig) -> None:
        self.book = book
        switches = book.settings.switches
        # Found now, so a missing browser stops the build before anything is written.
        self._browser = find_browser(switches.browser) if switches.exports else None
        self._version: Future[str] | None = None  # the browser's version line
        if self._browser is not None:  # asked now, beside the site's build; the PDF cache needs it
            asker = ThreadPoolExecutor(1, thread_name_prefix="browser-version")
            self._version = asker.submit(browser_version, self._browser)
            asker.shutdown(wait=False)  # the question is still answered; its thread then ends
        self._started: Browser | None = None  # launched in pre_build when every PDF will be printed
        self._chapters: dict[str, ChapterSource] = {}
        self._prompts_found: dict[str, bool | None] = {}  # by page, from ReflectionPrompts (None: not known)
        finder = ReflectionPrompts.in_config(config)
        if finder is None:
            finder = ReflectionPrompts()
            # Typed as names, the list takes extensions as objects too (Python-Markdown does).
            cast("list[object]", config.markdown_extensions).append(finder)
        self._finder = finder

    def files(self, files: Files, config: MkDocsConfig) -> None:
        # The whole book's PDF, declared even with BOOK_EXPORTS=0, so a page's link to it is
        # checked like a link to any page. (A chapter's handout and worksheet are linked only by
        # the page template, which the hook makes from the chapter's own slug.)
        writing.declare_download(files, config, self.book.download_path("book"))

    def pre_build(self, config: MkDocsConfig) -> None:
        self.close()  # one browser at a time
        if self._browser is None:
            return
        from ebook.pdf.cdp import FOLDER_PREFIX  # as the browser is: only by a build that prints

        writing.remove_left_folders(FOLDER_PREFIX)  # also when no browser starts
        cache = self._cache(config)
        # No PDF from an earlier build (or the cache off): every PDF will be printed, so the browser
        # starts now, beside the site's build. Otherwise only a changed PDF starts it.
        if cache is None or not cache.has_entries(CACHE_NAMESPACE):
            # Ctrl-C while the site is built ends the build with no build error for MkDocs to
            # report: the browser closes itself (its folder removed) as Python exits.
            self._started = Browser(self._browser)

    def env(self, env: jinja2.Environment) -> None:
        # For overrides/partials/print-downloads.html: the book's PDF, linked from every page.
        env.globals["book_pdf"] = self.book.download_path("book")

    def page_content(self, html: str, page: Page) -> None:
        self._prompts_found[page.file.src_uri] = self._finder.take()

    def page_context(self, context: dict[str, Any], page: Page) -> None:
        if not self.book.is_chapter(page.file.src_uri):
            return
        found = self._prompts_found.get(page.file.src_uri)
        has_prompts = found if found is not None else has_reflection_prompts(page.content or "")
        chapter = chapter_source(self.book, page, has_prompts=has_prompts)
        self._chapters[page.file.src_uri] = chapter
        context["chapter_downloads"] = {
            "handout": self.book.download_path("handout", chapter.slug),
            "worksheet": self.book.download_path("worksheet", chapter.slug) if chapter.has_prompts else "",
        }

    def write(self, config: MkDocsConfig) -> None:
        switches = self.book.settings.switches
        if not switches.exports:
            log.info("PDFs: not written (%s=0).", EXPORTS_ENV)
            return
        assert self._browser is not None
        start = time.perf_counter()
        keep_large_blocks_mapped()
        site, epoch = Path(config.site_dir), switches.epoch
        chapters = [self._chapters[src] for src in sorted(self._chapters)]
        templates = Path(str(config.theme.custom_dir)) / TEMPLATES_DIR
        setup = PrintSetup(
            book=BookInfo.from_book(self.book), settings=self.book.settings.pdf,
            body=body_attributes(config), templates=template_environment(templates),
        )
        plans = print_plans(site, chapters, setup, config_name=self.book.settings.config_name)
        batches = collections(plans, setup.settings.chapters_per_print)
        cache = self._cache(config)
        output = _Output(site, cache, epoch)
        reusable: dict[str, bytes] = {}
        last_numbers = load_numbers(cache, plans)
        if cache is not None:
            assert self._version is not None
            # Which program too: the headless shell and the full browser share a version number.
            version = f"{self._browser}: {self._version.result()}"
            output.keys = cache_keys(plans, batches, render_fingerprint(version, epoch, setup, templates))
            reusable = output.reusable(plans)
        jobs = print_jobs(plans, batches, setup, reusable, last_numbers)
        printed = len(plans) - len(reusable)
        for path, data in reusable.items():
            output.write(path, data)
        reused = len(reusable)
        del reusable  # written: not held while the rest prints

        # Each document is made, and each PDF finished (in the finishing process) and written,
        # beside the browser printing the others.
        try:
            render_documents(jobs, site, self._started or self._browser, finish=output.finish)
        finally:  # the finishing process first: the printing, when it stops, waits for its PDFs
            output.process.close()
            self.close()
        if cache is not None:
            cache.prune(CACHE_NAMESPACE)
            cache.prune(NUMBERS_NAMESPACE)
        log.info("PDFs: %d files (%d printed, %d unchanged since the last build), %d pages in %.1f s",
                 len(plans), printed, reused, sum(output.pages.values()), time.perf_counter() - start)

    def close(self) -> None:
        """Close the browser started for this build, if it is still open."""
        if self._started is not None:
            browser, self._started = self._started, None
            browser.close()

    def _cache(self, config: MkDocsConfig) -> build_cache.Cache | None:
        return build_cache.open_cache(Path(config.config_file_path), enabled=self.book.settings.switches.cache)


def print_jobs(plans: Sequence[PrintPlan], batches: Sequence[Sequence[PrintPlan]], setup: PrintSetup,
               reusable: dict[str, bytes], last_numbers: Mapping[str, int]) -> list[Callable[[], PrintDocument]]:
    """The book if it changed, and every collection with a chapter that changed, printed whole:
    the PDFs of its other chapters are taken out of `reusable`. Each starts from the numbers
    the last build measured for it."""
    jobs: list[Callable[[], PrintDocument]] = [
        partial(book_job, plan) for plan in plans if plan.kind == "book" and plan.path not in reusable]
    for number, batch in enumerate(batches, start=1):
        if any(plan.path not in reusable for plan in batch):
            jobs.append(partial(collection_job, batch, setup, name=f"{batch[0].kind}s-{number}"))
            for plan in batch:
                reusable.pop(plan.path, None)
    return [partial(with_last_numbers, job, last_numbers) for job in jobs]


class _Output:
    """The build's PDFs as they are written into the site: reused from the cache, or printed,
    finished and kept in the cache (under `keys`, when it is on)."""

    def __init__(self, site: Path, cache: build_cache.Cache | None, epoch: int | None) -> None:
        self.process = FinishingProcess()  # where each printed PDF is finished
        self.site = site
        self.cache = cache
        self.epoch = epoch
        self.keys: dict[str, str] = {}
        self.site_files = SiteFiles(site)
        self.pages: dict[str, int] = {}  # each PDF written, with its number of pages

    def reusable(self, plans: Sequence[PrintPlan]) -> dict[str, bytes]:
        """The PDFs the cache holds for these plans, when the site files they loaded are unchanged."""
        assert self.cache is not None
        found: dict[str, bytes] = {}
        for plan in plans:
            entry = self.cache.get(CACHE_NAMESPACE, self.keys[plan.path])
            if entry is not None and self.site_files.unchanged(entry.meta.get("loaded", {})):
                found[plan.path] = entry.data
        return found

    def write(self, path: str, data: bytes) -> None:
        writing.write_atomically(self.site / path, data)
        self.pages[path] = finishing.page_count(data)

    def finish(self, rendered: RenderedPdf) -> None:
        """A printed document's PDFs (one per chapter for a collection), finished and written."""
        document = rendered.document
        if self.cache is not None:
            save_numbers(self.cache, document, rendered.numbers)
        printings = f"{rendered.printings} printing{'s' if rendered.printings > 1 else ''}"
        if document.parts:  # a collection: one PDF per chapter
            files = [(part.path, part.metadata, part.headings) for part in document.parts]
        else:
            assert document.metadata is not None
            files = [(document.path, document.metadata, document_headings(document.html))]
        finished = self.process.run(
            document.path, finishing.finish_printed, rendered.data,
            [(metadata, headings) for _, metadata, headings in files],
            collection=bool(document.parts), front_pages=rendered.front_pages, epoch=self.epoch)
        for (path, _, _), (data, pages) in zip(files, finished):
            if document.parts and rendered.numbers[path] != pages:  # its footers say "of N"
                raise PluginError(f"{path}: its footers count {rendered.numbers[path]} pages where it has "
                                  f"{pages}: its chapter's heading must begin its first page (overrides/{TEMPLATES_DIR}/).")
            writing.write_atomically(self.site / path, data)
            self.pages[path] = pages
            log.info("PDF %s: %d page%s, %.1f s (%s)", path, self.pages[path], "s" * (self.pages[path] != 1),
                     rendered.seconds / len(files), printings)
            if self.cache is not None:
                self.cache.put(CACHE_NAMESPACE, self.keys[path],
                               {"loaded": self.site_files.digests(rendered.loaded)}, data)
