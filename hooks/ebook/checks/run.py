"""One build's chapter checks, from `on_config` to `on_env` (`CheckRun`, which hooks/checks.py
makes in each build's `on_config` and calls from its events).

How they run, so that they add almost nothing to the build's time:
- Before MkDocs renders anything (`pre_build`), the sources are read and checked for what they
  alone tell: encoding, limits, front matter, unique titles and slugs. Front matter is parsed
  once, with the parser MkDocs itself uses, after a screen of its YAML that nothing expands.
- The checks of each page's content (headings, admonitions, images, link text, the links in raw
  HTML and between pages) read the page MkDocs renders anyway, with `html.parser`: enough to find
  a heading or a box, never trusted with safety, which is the allowlist's (below, read as
  browsers read HTML). A Markdown extension (`RenderedHtml`) reads each page as
  Python-Markdown makes it, before MkDocs rewrites its links, since the checks quote the
  addresses the contributor wrote: from its tree (`scan_tree`), or from its HTML when the page
  has raw HTML, which only the HTML holds.
- If the sources already have problems, the build stops in `pre_build` with those and the
  rendered checks' problems together (the pages rendered here, as the build goes no further).
  Otherwise the build stops in `env` (every page converted, none written yet) if the rendered
  pages have problems.
- The allowlist reads each page's HTML in `page_content`, whatever made it (raw HTML,
  attribute lists, boxes' titles, footnotes): what it refuses stops the build in `env` too,
  with the rest of the book's problems, and even a preview never writes it.
- The offline edition's build (ebook/offline.py), which the book's build runs beside itself
  from the same sources, checks the sources and keeps the allowlist, but leaves the rendered
  checks to the book's build.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, ClassVar, cast

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import get_files
from mkdocs.structure.nav import get_navigation

from ebook.checks.book_wide import (Context, chapter_slugs, check_page_source, check_rendered_book,
                                    check_sources, rendered_book_problems)
from ebook.checks.lines import Lines
from ebook.checks.mkdocs_warnings import FoldedWarnings
from ebook.checks.navigation import nav_problems, nav_unsafe_problems
from ebook.checks.problems import DOCS, PageReport, Problem, Source, format_problems
from ebook.checks.rendered import check_rendering, refused_problems
from ebook.checks.scanner import RenderedHtml
from ebook.checks.sources import read_sources, read_template_placeholders

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    from ebook.model.book import Book

log = logging.getLogger("mkdocs.plugins.ebook.checks")

PREVIEW_GOES_ON = ("The preview shows the book as it is now; `make book`, `make test` and the pull "
                   "request's checks stop until these are fixed.")
PREVIEW_CLEAN = "The chapter checks find no problem now."


class CheckRun:
    """What one build's checks learn as MkDocs goes, and the verdict.

    `serving`: `mkdocs serve`, where problems are listed and the preview goes on (see `env`).
    hooks/checks.py keeps each build's in `ebook.model.state` (`state.kept(config, CheckRun)`),
    where the preview's rebuild of one page finds it: what it holds of the pages is private, and
    changed from outside only through `replace_page`.
    """

    # Whether the preview's last build told problems. Kept across its builds (each whole build
    # has a CheckRun of its own), so the first build without any says so: a contributor who
    # fixed them sees it.
    told_in_preview: ClassVar[bool] = False

    def __init__(self, config: MkDocsConfig, book: Book, *, serving: bool) -> None:
        self.serving = serving
        self.context = Context(
            book=book,
            extensions=list(config.markdown_extensions),
            extension_configs=dict(config.mdx_configs),
            placeholders=read_template_placeholders(config, book),
        )
        self._lines_by_page: dict[str, Lines] = {}  # each readable page's, to place what is found in it
        self._others: list[Source] = []  # the book's other files: the rendered checks' links may lead there
        self._chapters: tuple[str, ...] = ()  # the chapters' slugs: a page may link to their downloads
        # Each page's links to a chapter's worksheet, judged once that chapter is rendered (its prompts).
        self._worksheet_links: dict[str, list[tuple[str, int, str]]] = {}
        self._reports: list[PageReport] = []  # each page's rendered checks, as MkDocs renders the pages
        self._refused: list[Problem] = []  # what the allowlist refused in the pages' HTML
        self._source_problems: list[Problem] = []  # found before the build, reported with the rest (serve)
        # The offline edition's pages are the book's, whose build (running beside it) checks them.
        self.checking = not book.settings.offline_edition
        if self.checking and RenderedHtml.in_config(config) is None:
            # Typed as names, the list takes extensions as objects too (Python-Markdown does).
            cast("list[object]", config.markdown_extensions).append(RenderedHtml())
        self.warnings: FoldedWarnings | None = None  # MkDocs' own, while they are folded in
        if self.checking and (config.strict or serving):  # where they stop a build, or are reported
            self.warnings = FoldedWarnings(book.settings.config_name, book=book.slug,
                                           formats=book.settings.formats)
            self.warnings.install()

    def close(self) -> None:
        """Let MkDocs' warnings through again, if this build stopped before `env` did."""
        if self.warnings is not None:
            self.warnings.remove()
            self.warnings = None

    def pre_build(self, config: MkDocsConfig) -> None:
        """Check every source of the book before MkDocs empties site/ or renders anything."""
        context, config_name = self.context, self.context.book.settings.config_name
        pages, others, refused = read_sources(config, config_name)
        refused += nav_unsafe_problems(config, config_name)
        self._chapters = chapter_slugs(pages, context.book)  # replace_page checks a page with them too
        report = check_sources(pages, context.book, context.placeholders, context.renderer,
                               chapters=self._chapters)
        report.problems += nav_problems(config, config_name) + refused
        self._lines_by_page = dict(report.lines)
        self._others = others
        self._worksheet_links = dict(report.worksheet_links)
        if report.problems and self.serving and not refused \
                and all(page.src_uri in report.lines for page in pages):
            # The preview goes on (see env), unless a file must not be read or published, a
            # navigation title holds markup, or a page cannot even be read as text.
            self._source_problems = report.problems  # with the rendered pages' problems, in env
        elif report.problems:
            # The build stops here: render the pages here too, and read the navigation as MkDocs
            # will, so every problem is listed at once.
            rendered = check_rendered_book(pages, others, context.renderer, context.book,
                                           report.worksheet_links)
            if self.warnings is not None:
                self._render_as_mkdocs(config)
            problems = report.problems + rendered + self._folded_warnings(config)
            CheckRun.told_in_preview = self.serving
            raise PluginError(format_problems(sorted(set(problems))))

    def page_content(self, html_text: str, page: Page, config: MkDocsConfig) -> str:
        """A page as Python-Markdown made it: its rendered checks, and the allowlist's verdict on
        its HTML."""
        src_uri = page.file.src_uri
        lines = self._lines_by_page.get(src_uri) or Lines("", 1)
        keeper = RenderedHtml.in_config(config)
        rendered = (keeper.take() if keeper else None) or ("", [])  # Python-Markdown skips an empty page
        if self.checking:
            report = PageReport(src_uri=src_uri, url=page.file.url)
            self._reports.append(check_rendering(report, *rendered, lines))
        # The allowlist, on the HTML MkDocs will write: nothing it refuses is ever written.
        self._refused.extend(refused_problems(html_text, lines, f"{DOCS}/{src_uri}"))
        return html_text

    def env(self, config: MkDocsConfig, files: Files) -> None:
        """Every page is converted and none written yet: the last moment to stop the build cleanly."""
        problems = self.problems()
        if self.warnings is not None:
            # MkDocs checks the links to sections only after writing every page: check them now.
            for file in files.documentation_pages():
                if file.page is not None:
                    file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
            problems += self._folded_warnings(config)
        if self.serving and not self._refused:
            # A preview shows a chapter while it is being written (a new chapter keeps the
            # template's sample text for a while): the problems are listed, the pages still
            # written. Nothing unsafe ever is.
            self.tell_in_preview(problems)
        else:
            CheckRun.told_in_preview = self.serving and bool(problems)
            if problems:
                raise PluginError(format_problems(sorted(set(problems))))

    def tell_in_preview(self, problems: list[Problem], *, others_told: bool = False) -> None:
        """List the problems, the preview going on; or, when there are none after a build that
        told some, say that none is left. `others_told`: MkDocs told problems of its own meanwhile
        (on a rebuild of one page, as it finds them), so some are left."""
        if problems:
            log.warning("%s\n%s", format_problems(sorted(set(problems))), PREVIEW_GOES_ON)
        elif CheckRun.told_in_preview and not others_told:
            log.info(PREVIEW_CLEAN)
        CheckRun.told_in_preview = bool(problems) or others_told

    def problems(self) -> list[Problem]:
        """What this build's checks found so far, MkDocs' own warnings aside: the refused HTML, the
        sources' problems a preview goes on with, and the rendered pages' (`env` lists them; the
        preview lists them again after rebuilding a page alone, ebook/preview/builder.py)."""
        rendered = rendered_book_problems(self._reports, self._others, self.context.book,
                                          self._worksheet_links) if self.checking else []
        return self._refused + self._source_problems + rendered

    def refused_html(self) -> list[Problem]:
        """What the allowlist refused in the pages' HTML so far: nothing of a build that has any
        is written."""
        return list(self._refused)

    def replace_page(self, source: Source) -> bool:
        """Check one page's source again, as `pre_build` does, for a rebuild of that page alone
        (the preview's, ebook/preview/builder.py): its lines and its sources' problems replace the
        last build's, and its rendered checks and refused HTML are dropped until `page_content`
        reads the page again. False, and nothing replaced, if the page cannot be read: a whole
        build says why."""
        context, src_uri, path = self.context, source.src_uri, f"{DOCS}/{source.src_uri}"
        # The same chapters: a rebuild of one page follows an edit of its body only.
        report = check_page_source(source, context.book, context.placeholders, context.renderer,
                                   chapters=self._chapters)
        if report.lines is None:
            return False
        self._lines_by_page[src_uri] = report.lines
        self._worksheet_links[src_uri] = report.worksheet_links  # judged with the other pages' reports
        self._reports = [r for r in self._reports if r.src_uri != src_uri]
        self._refused = [p for p in self._refused if p.path != path]
        self._source_problems = [p for p in self._source_problems if p.path != path] + report.problems
        return True

    def _render_as_mkdocs(self, config: MkDocsConfig) -> None:
        """Read the navigation and render every page as MkDocs would, for the warnings it gives (a
        page left out of nav, a link to a missing page, image or section): when the build stops
        before MkDocs does this itself, they are listed with the sources' problems all the same."""
        files = config.plugins.on_files(get_files(config), config=config)  # the downloads are added there
        get_navigation(files, config)
        # A page the checks could not read (not UTF-8, or over a limit) is not read here either.
        pages = [file.page for file in files.documentation_pages()
                 if file.page is not None and file.src_uri in self._lines_by_page]
        for page in pages:
            try:
                page.read_source(config)
                page.render(config, files)
            except Exception:  # noqa: BLE001 - a page the checks found unreadable: already reported
                continue
        for page in pages:
            page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)

    def _folded_warnings(self, config: MkDocsConfig) -> list[Problem]:
        """MkDocs' warnings so far, placed on their lines; MkDocs warns of anything later itself."""
        if self.warnings is None:
            return []
        folded = self.warnings.folded
        self.close()
        config_lines = Lines.of_file(config.config_file_path)
        problems = []
        for item in folded:
            lines = config_lines if not item.path.startswith(f"{DOCS}/") \
                else self._lines_by_page.get(item.path.removeprefix(f"{DOCS}/"))
            line = lines.find_text(item.needle, kind=f"warning:{item.needle}") if lines and item.needle else 1
            problems.append(Problem(item.path, line, item.message))
        return problems
