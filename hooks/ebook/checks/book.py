"""Chapter checks: a contributor's mistake stops the build with every problem listed at once.

MkDocs forgives too much: front matter that does not parse is silently dropped, a misspelt
admonition type renders as a plain note, raw HTML is neither checked nor cleaned. This hook reads
every page's source itself, collects every problem of the whole book, and stops the build with
one list, each line in the form

    docs/path/file.md:LINE: what is wrong: how to fix it

The checks (each documented with a good and a bad example in CONTRIBUTING.md, "Chapter checks"):
front matter (parses, known fields, types, title and description present, plain text, attribution
complete), admonitions (known type, a body, prompts in reflections), headings (one level-1
heading, no skipped level), images (alt text), link text (not "here" or a bare address), HTML
(only what an allowlist keeps, read as browsers read it: hooks/html_allowlist.py; links to pages
and anchors that exist), files (UTF-8, safe names, the kinds the book publishes, no link out of
their folder), sizes and nesting the build can read (front matter, lists, raw HTML), navigation
titles and links, and titles and slugs unique across the book.

How they run, so that they add almost nothing to the build's time:
- Before MkDocs renders anything (`on_pre_build`), the sources are read and checked for what they
  alone tell: encoding, limits, front matter, unique titles and slugs. Front matter is parsed
  once, with the parser MkDocs itself uses, after a screen of its YAML that nothing expands.
- The checks of each page's content (headings, admonitions, images, link text, the links in raw
  HTML and between pages) read the page MkDocs renders anyway, with `html.parser`: enough to find
  a heading or a box, never trusted with safety, which is the allowlist's (below, read as
  browsers read HTML). A Markdown extension (`RenderedHtml`) reads each page as
  Python-Markdown makes it, before MkDocs rewrites its links, since the checks quote the
  addresses the contributor wrote: from its tree (`scan_tree`), or from its HTML when the page
  has raw HTML, which only the HTML holds.
- If the sources already have problems, the build stops in `on_pre_build` with those and the
  rendered checks' problems together (the pages rendered here, as the build goes no further).
  Otherwise the build stops in `on_env` (every page converted, none written yet) if the rendered
  pages have problems.
- The allowlist reads each page's HTML in `on_page_content`, whatever made it (raw HTML,
  attribute lists, boxes' titles, footnotes): what it refuses stops the build in `on_env` too,
  with the rest of the book's problems, and even a preview never writes it.
- The offline edition's build (hooks/offline.py), which the book's build runs beside itself
  from the same sources, checks the sources and keeps the allowlist, but leaves the rendered
  checks to the book's build.

The logic is in plain functions; the MkDocs event functions at the top only adapt.
"""

from __future__ import annotations

import bisect
import difflib
import html
import itertools
import logging
import os
import posixpath
import re
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from xml.etree.ElementTree import Comment, ProcessingInstruction
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence
from urllib.parse import unquote, urljoin, urlsplit

import markdown
import yaml
# The serializer's own escaping, so that the tree is read as its HTML will be (see scan_tree).
from markdown.serializers import BOOLEAN_ATTRIBUTES, HTML_EMPTY, _escape_attrib_html, _escape_cdata
from markdown.util import STX
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import get_files
from mkdocs.structure.nav import get_navigation
from mkdocs.utils.meta import YAML_RE

# MkDocs puts this hook's folder on sys.path while loading it; tests put it there too.
from ebook.model import credits, state
from ebook.model.book import Book, page_slug
from ebook.model.settings import BookSettings
from ebook.checks import html_allowlist
from ebook.checks import mkdocs_warnings
from ebook.model import page_tree
from ebook.checks import source_lines

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

DOCS = "docs"
log = logging.getLogger("mkdocs.plugins.book.checks")


# --- MkDocs events ---------------------------------------------------------------------------

_context: Context | None = None
_lines_by_page: dict[str, Lines] = {}
_others: list[Source] = []  # the book's other files: the rendered checks' links may lead there
_reports: list[PageReport] = []  # each page's rendered checks, as MkDocs renders the pages
_refused: list[Problem] = []  # what the allowlist refused in the pages' HTML
_checking = False  # the rendered checks run in this build (not in the offline edition's)
_warnings: mkdocs_warnings.FoldedWarnings | None = None  # MkDocs' own, while they are folded in
_serving = False  # `mkdocs serve`: problems are reported, and the preview goes on (see on_env)
_source_problems: list[Problem] = []  # found before the build, reported with the rest (serve)


def on_startup(command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _context, _checking, _warnings
    book = state.book_of(config).settings.book
    _context = Context(
        book=book,
        extensions=list(config.markdown_extensions),
        extension_configs=dict(config.mdx_configs),
        placeholders=read_template_placeholders(config, book),
    )
    _lines_by_page.clear()
    _others.clear()
    _reports.clear()
    _refused.clear()
    _source_problems.clear()
    # The offline edition's pages are the book's, whose build (running beside it) checks them.
    _checking = not is_offline_edition(config)
    if _checking and RenderedHtml.in_config(config) is None:
        config.markdown_extensions.append(RenderedHtml())
    if _warnings is not None:  # an earlier build of the same process (mkdocs serve) stopped early
        _warnings.remove()
    _warnings = None
    if _checking and (config.strict or _serving):  # where they stop a build, or are reported
        _warnings = mkdocs_warnings.FoldedWarnings(os.path.basename(config.config_file_path))
        _warnings.install()
    return config


def on_pre_build(config: MkDocsConfig) -> None:
    """Check every source of the book before MkDocs empties site/ or renders anything."""
    assert _context is not None
    pages, others, refused = read_sources(config)
    refused += nav_unsafe_problems(config)
    report = check_sources(pages, _context.book, _context.placeholders)
    report.problems += nav_problems(config) + refused
    _lines_by_page.clear()
    _lines_by_page.update(report.lines)
    _others[:] = others
    if report.problems and _serving and not refused \
            and all(page.src_uri in report.lines for page in pages):
        # The preview goes on (see on_env), unless a file must not be read or published, a
        # navigation title holds markup, or a page cannot even be read as text.
        _source_problems[:] = report.problems  # with the rendered pages' problems, in on_env
    elif report.problems:
        # The build stops here: render the pages here too, and read the navigation as MkDocs
        # will, so every problem is listed at once.
        rendered = check_rendered_book(pages, others, _context.renderer)
        if _warnings is not None:
            render_as_mkdocs(config)
        raise PluginError(format_problems(sorted(set(report.problems + rendered + folded_warnings(config)))))


def is_offline_edition(config: MkDocsConfig) -> bool:
    """Whether this is the offline edition's build, which the book's build runs (hooks/offline.py)."""
    plugin = config.plugins.get("material/offline")
    return bool(plugin is not None and plugin.config.enabled)


# Priority 100: see exactly what Python-Markdown made of the contributor's Markdown, before
# other plugins and hooks add their own (trusted) markup.
@event_priority(100)
def on_page_content(html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    src_uri = page.file.src_uri
    lines = _lines_by_page.get(src_uri) or Lines("", 1)
    keeper = RenderedHtml.in_config(config)
    rendered = (keeper.take() if keeper else None) or ("", [])  # Python-Markdown skips an empty page
    if _checking:
        report = PageReport(src_uri=src_uri, url=page.file.url)
        _reports.append(check_rendering(report, *rendered, lines))
    # The allowlist, on the HTML MkDocs will write: nothing it refuses is ever written.
    _refused.extend(refused_problems(html_text, lines, f"{DOCS}/{src_uri}"))
    return html_text


# Priority 100: the verdict comes before other plugins' on_env does any work for the site.
@event_priority(100)
def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    """Every page is converted and none written yet: the last moment to stop the build cleanly."""
    problems = _refused + (rendered_book_problems(_reports, _others) if _checking else [])
    if _warnings is not None:
        # MkDocs checks the links to sections only after writing every page: check them now.
        for file in files.documentation_pages():
            if file.page is not None:
                file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
        problems += folded_warnings(config)
    problems += _source_problems
    if problems and _serving and not _refused:
        # A preview shows a chapter while it is being written (a new chapter keeps the
        # template's sample text for a while): the problems are listed, the pages still written.
        # Nothing unsafe ever is.
        log.warning("%s\n%s", format_problems(sorted(set(problems))), PREVIEW_GOES_ON)
    elif problems:
        raise PluginError(format_problems(sorted(set(problems))))
    return env


def render_as_mkdocs(config: MkDocsConfig) -> None:
    """Read the navigation and render every page as MkDocs would, for the warnings it gives (a
    page left out of nav, a link to a missing page, image or section): when the build stops
    before MkDocs does this itself, they are listed with the sources' problems all the same."""
    files = config.plugins.on_files(get_files(config), config=config)  # the downloads are added there
    get_navigation(files, config)
    # A page the checks could not read (not UTF-8, or over a limit) is not read here either.
    pages = [file.page for file in files.documentation_pages()
             if file.page is not None and file.src_uri in _lines_by_page]
    for page in pages:
        try:
            page.read_source(config)
            page.render(config, files)
        except Exception:  # noqa: BLE001 - a page the checks found unreadable: already reported
            continue
    for page in pages:
        page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)


PREVIEW_GOES_ON = ("The preview shows the book as it is now; `make book`, `make test` and the pull "
                   "request's checks stop until these are fixed.")


def folded_warnings(config: MkDocsConfig) -> list[Problem]:
    """MkDocs' warnings so far, placed on their lines; MkDocs warns of anything later itself."""
    global _warnings
    if _warnings is None:
        return []
    _warnings.remove()
    folded, _warnings = _warnings.folded, None
    config_lines = Lines(_read_text(config.config_file_path), 1)
    problems = []
    for item in folded:
        lines = config_lines if not item.path.startswith(f"{DOCS}/") \
            else _lines_by_page.get(item.path.removeprefix(f"{DOCS}/"))
        line = lines.find_text(item.needle, kind=f"warning:{item.needle}") if lines and item.needle else 1
        problems.append(Problem(item.path, line, item.message))
    return problems


def _read_text(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def read_template_placeholders(config: MkDocsConfig,
                               book: BookSettings) -> tuple[source_lines.Placeholder, ...]:
    """The chapter template's sample text, which no page may keep."""
    path = os.path.join(os.path.dirname(config.config_file_path), book.chapter_template)
    try:
        with open(path, encoding="utf-8") as f:
            return source_lines.template_placeholders(f.read())
    except (OSError, UnicodeDecodeError) as error:
        raise PluginError(
            f"{os.path.basename(config.config_file_path)}: extra.book.chapter_template: cannot read "
            f"{book.chapter_template} ({error.__class__.__name__}): give the path of the chapter "
            "template, relative to this file"
        ) from None


def read_sources(config: MkDocsConfig) -> tuple[list[Source], list[Source], list[Problem]]:
    """The book's pages, its other files, and the problems of the files it will not read or
    publish: a link that leads out of its folder (in docs/, the theme's overrides, the hooks),
    a name outside the safe set, a kind of file the book does not publish."""
    pages, others = [], []
    root = os.path.realpath(os.path.dirname(config.config_file_path))
    docs = os.path.relpath(config.docs_dir, root)
    refused = outside_links(root, [docs, *_folders_read(config)])
    links = {problem.path for problem in refused}
    in_links = tuple(f"{link}/" for link in links)  # a linked folder's files: said once, of it
    scripts = {str(script) for script in config.extra_javascript}
    # MkDocs' own listing of docs/ (with exclude_docs applied): what contributors wrote.
    for file in get_files(config):
        where = f"{DOCS}/{file.src_uri}"
        if file.inclusion.is_excluded() or where in links or where.startswith(in_links):
            continue
        problem = file_problem(file.src_uri, file.abs_src_path, os.path.join(root, docs), scripts)
        if problem:
            refused.append(problem)
            continue
        is_page = file.is_documentation_page()
        raw = b""
        if is_page:
            with open(file.abs_src_path, "rb") as f:
                raw = f.read()
        (pages if is_page else others).append(Source(src_uri=file.src_uri, url=file.url, raw=raw))
    return pages, others, refused


# A file's name: lower-case letters, digits, hyphens, underscores and dots, as web addresses and
# every file system take them alike, and short enough for every file system with room to spare.
_SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,99}")


def file_problem(src_uri: str, path: str | None, docs: str,
                 scripts: Iterable[str] = ()) -> Problem | None:
    """Why a file of docs/ is not published, if it is not: a link to a file outside docs/ (it
    would be copied into the site: the repository's own .git/config or .env as well as any file
    of the computer), a name outside the safe set, or a kind of file the book does not publish
    (`scripts`: the book's own, which mkdocs.yml lists)."""
    where = f"{DOCS}/{src_uri}"
    if path is not None and not os.path.exists(path):
        return Problem(where, 1, BROKEN_LINK)
    if path is not None and not _inside(path, os.path.realpath(docs)):
        return Problem(where, 1, outside_link(DOCS))
    bad = [part for part in src_uri.split("/") if not _SAFE_NAME.fullmatch(part)]
    if bad:
        return Problem(where, 1, (
            f"the name '{bad[0]}' has capitals, spaces or other signs, or is too long: rename it "
            "with lower-case letters, digits and hyphens only, at most 100 characters, e.g. "
            "active-listening.md or two-people-talking.png"
        ))
    suffix = posixpath.splitext(src_uri)[1].lower()
    if suffix in PUBLISHED_TYPES or (suffix == ".js" and src_uri in scripts):
        return None
    reason = (SCRIPT_RUNNING_TYPES.get(suffix) or ("a script the book does not load" if suffix == ".js"
              else "not a page, an image, a stylesheet or a font"))
    return Problem(where, 1, (
        f"the book does not publish {suffix or 'extensionless'} files ({reason}): write pages "
        "in Markdown (.md), save images as PNG, JPEG, WebP or GIF, or delete the file (the "
        "book's own scripts and stylesheets are listed in mkdocs.yml, by a maintainer)"
    ))


BROKEN_LINK = ("this is a link to a file that does not exist, or to a folder that holds the link "
               "itself: copy the file itself here instead, or delete the link")


def outside_link(folder: str) -> str:
    return (f"this is a link to a file outside {folder}/, which would be published with the book "
            f"or read into it: copy the file itself into {folder}/ instead, or delete the link")


def outside_links(root: str, folders: Iterable[str]) -> list[Problem]:
    """Links among the files the build reads (docs/, the theme's overrides, the hooks) that lead
    out of their folder: a page, a template or an asset of the theme is published, or read into
    pages, and nothing outside the folder (not even the repository's .git/) is meant to be."""
    problems = []
    for folder in folders:
        top = os.path.realpath(os.path.join(root, folder))
        for where, dirs, names in os.walk(os.path.join(root, folder)):
            for name in sorted(dirs + names):
                path = os.path.join(where, name)
                if not os.path.islink(path):
                    continue
                shown = os.path.relpath(path, root).replace(os.sep, "/")
                if not os.path.exists(path) or _inside(where, os.path.realpath(path)):  # a loop
                    problems.append(Problem(shown, 1, BROKEN_LINK))
                elif not _inside(path, top):
                    problems.append(Problem(shown, 1, outside_link(folder)))
    return problems


def _inside(path: str, root: str) -> bool:
    return os.path.commonpath([os.path.realpath(path), root]) == root


def _folders_read(config: MkDocsConfig) -> list[str]:
    """The repository's folders the build reads besides docs/: the theme's overrides, the hooks."""
    root = os.path.dirname(config.config_file_path)
    folders = {os.path.dirname(os.path.relpath(hook, root)) for hook in config.hooks}
    if config.theme.custom_dir:
        folders.add(os.path.relpath(config.theme.custom_dir, root))
    return sorted(f for f in folders if f and not f.startswith(".."))


# --- The HTML the rendered checks read ----------------------------------------------------


class RenderedHtml(page_tree.PageTreeReader["tuple[Scan | str, list[str]]"]):
    """Keeps each page as Python-Markdown makes it, for the checks: what `scan_html` finds in
    its HTML, read from the tree (`scan_tree`), or else its HTML and its raw HTML.

    By `on_page_content` MkDocs has rewritten the page's links and image addresses (its `relpath`
    treeprocessor), and the checks quote those and look them up in the source. The tree is read
    before that rewrite (see `page_tree`): what is kept is what `Renderer` makes (a test compares
    them on every page of the book and of the test fixtures).
    """

    name = "book_checks_rendered_html"

    def read(self, md: markdown.Markdown, root: Any) -> tuple[Scan | str, list[str]]:
        scan = scan_tree(md, root)
        return (scan, []) if scan is not None else (serialized(md, root), raw_html_blocks(md))


def serialized(md: markdown.Markdown, root: Any) -> str:
    """What `md.convert` returns for this tree: serialized, unwrapped, post-processed.

    The end of Python-Markdown's `Markdown.convert`, which has no function of its own.
    """
    output = md.serializer(root)
    start, end = f"<{md.doc_tag}>", f"</{md.doc_tag}>"
    if start in output:
        output = output[output.index(start) + len(start):output.rindex(end)].strip()
    else:  # an empty document: <div />
        output = ""
    return _postprocessed(md, output).strip()


def raw_html_blocks(md: markdown.Markdown) -> list[str]:
    """The raw HTML the Markdown contained: Python-Markdown keeps each piece (and each code
    block, escaped) in its stash."""
    return [block for block in md.htmlStash.rawHtmlBlocks if isinstance(block, str)]


# --- Data ------------------------------------------------------------------------------------

FRONT_MATTER_FIELDS: Mapping[str, str] = {
    "title": "the page's title, as plain text",
    "description": "one or two sentences for search engines and link previews",
    "attribution": "who wrote or adapted the page (see \"Credit adapted material\" in CONTRIBUTING.md)",
}
NO_ATTRIBUTION = (
    "the chapter does not say who wrote it: add to its front matter 'attribution:' with "
    "'written_by: ' and your name for a chapter written for this book, or 'adapted_from:' with the "
    "title, author, source_url and license of the work it adapts (the original book included; see "
    "\"Credit adapted material\" in CONTRIBUTING.md)"
)
REQUIRED_FIELDS = ("title", "description")
TEXT_FIELDS = ("title", "description")

# Material for MkDocs' admonition types, and the book's own (styled in docs/stylesheets/extra.css).
ADMONITION_TYPES = (
    "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important",
    "success", "check", "done", "question", "help", "faq", "warning", "caution", "attention",
    "failure", "fail", "missing", "danger", "error", "bug", "example", "quote", "cite",
    "scenario", "consider", "reflection",
)  # fmt: skip

VAGUE_LINK_TEXTS = {"here", "click here", "click"}

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

# What docs/ may hold besides the scripts mkdocs.yml lists: pages, images, stylesheets, fonts.
PUBLISHED_TYPES = {".md", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".css",
                   ".woff", ".woff2", ".ttf", ".otf"}
# Files a browser runs script from when they are opened directly, where no check of a page and
# no policy of the book's pages applies.
SCRIPT_RUNNING_TYPES = dict.fromkeys(
    (".html", ".htm", ".xhtml", ".xht", ".shtml", ".svg", ".svgz", ".xml", ".xsl", ".xslt",
     ".mht", ".mhtml", ".pdf", ".swf"),
    "a browser can run script from it",
)

# Folders of the site the build writes itself (the downloads contract): not in docs/.
GENERATED_FOLDERS = ("/downloads/",)


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # as a contributor sees it: docs/chapters/file.md
    line: int
    message: str  # what is wrong: how to fix it

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Source:
    src_uri: str  # relative to docs/
    url: str  # the built page's or file's URL, relative to the site root (MkDocs' File.url)
    raw: bytes


@dataclass
class Renderer:
    """Python-Markdown with the site's configuration: a page's HTML as MkDocs renders it."""

    extensions: list[Any]
    extension_configs: dict[str, Any]
    _md: markdown.Markdown | None = None

    def render(self, text: str) -> tuple[str, list[str]]:
        """The page's HTML, and the raw HTML the Markdown contained."""
        if self._md is None:
            self._md = markdown.Markdown(extensions=self.extensions,
                                         extension_configs=self.extension_configs)
        md = self._md.reset()
        output = md.convert(text)
        return output, raw_html_blocks(md)


@dataclass
class Context:
    book: BookSettings
    extensions: list[Any]
    extension_configs: dict[str, Any]
    placeholders: Sequence[source_lines.Placeholder] = ()  # the chapter template's sample text

    @cached_property
    def renderer(self) -> Renderer:
        return Renderer(self.extensions, self.extension_configs)


@dataclass
class PageReport:
    """What the book-wide checks need to know about one page."""

    src_uri: str
    url: str
    problems: list[Problem] = field(default_factory=list)
    title: str | None = None
    title_line: int = 1
    ids: set[str] = field(default_factory=set)
    raw_links: list[tuple[str, int]] = field(default_factory=list)  # (address, line)
    lines: Lines | None = None


@dataclass
class BookReport:
    problems: list[Problem]
    lines: dict[str, Lines]


# --- The whole book --------------------------------------------------------------------------


def check_book(pages: Sequence[Source], others: Sequence[Source], context: Context) -> BookReport:
    """Every problem of the book, the pages rendered here: what the build checks as MkDocs
    renders them."""
    report = check_sources(pages, context.book, context.placeholders)
    rendered = check_rendered_book(pages, others, context.renderer)
    return BookReport(problems=sorted(set(report.problems + rendered)), lines=report.lines)


def check_sources(pages: Sequence[Source], book: BookSettings,
                  placeholders: Sequence[source_lines.Placeholder] = ()) -> BookReport:
    """What the sources alone tell: each page's encoding, front matter and lines, unique titles
    and slugs."""
    reports = [check_page_source(page, book, placeholders) for page in pages]
    problems = [p for report in reports for p in report.problems]
    problems += duplicate_titles(reports) + duplicate_slugs(reports)
    return BookReport(
        problems=sorted(set(problems)),
        lines={r.src_uri: r.lines for r in reports if r.lines is not None},
    )


def check_rendered_book(pages: Sequence[Source], others: Sequence[Source],
                        renderer: Renderer) -> list[Problem]:
    """What needs the pages rendered: each page's content and the raw HTML links between pages."""
    return rendered_book_problems([check_page_rendered(page, renderer) for page in pages], others)


def rendered_book_problems(reports: Sequence[PageReport], others: Sequence[Source]) -> list[Problem]:
    """The pages' rendered problems and the raw HTML links between pages."""
    problems = [p for report in reports for p in report.problems]
    problems += broken_raw_links(reports, {_site_path(o.url) for o in others})
    return sorted(set(problems))


def format_problems(problems: Sequence[Problem]) -> str:
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    return f"The book has {count} to fix:\n" + "\n".join(map(str, problems))


# --- One page --------------------------------------------------------------------------------


def check_page_source(source: Source, book: BookSettings,
                      placeholders: Sequence[source_lines.Placeholder] = ()) -> PageReport:
    """A page's encoding, front matter and lines, its title, and its lines (to place later
    findings)."""
    path = f"{DOCS}/{source.src_uri}"
    report = PageReport(src_uri=source.src_uri, url=source.url)
    text, problem = decode(source.raw, path)
    if problem:
        report.problems.append(problem)
        return report
    front, body_start = split_front_matter(text)
    lines = Lines(text, body_start)
    refused = limit_problems(front, lines.lines, body_start, path)
    if refused:
        # Neither these checks nor MkDocs read such a page any further: with no lines kept, the
        # build stops before MkDocs parses or renders it, even in a preview (see on_pre_build).
        report.problems += refused
        return report
    report.lines = lines
    meta, problems, key_lines = check_front_matter(front, path, book)
    report.problems += problems
    if meta and "attribution" not in meta and (source.src_uri.startswith(book.chapters_dir + "/") and posixpath.basename(source.src_uri) not in ("index.md", "README.md")):
        report.problems.append(Problem(path, 1, NO_ATTRIBUTION))
    findings = source_lines.box_line_problems(lines.lines, body_start) \
        + source_lines.box_indent_problems(lines.lines, body_start) \
        + source_lines.placeholder_problems(lines.lines, placeholders)
    report.problems += [Problem(path, line, message) for line, message in findings]
    title = meta.get("title")
    if isinstance(title, str) and title.strip():
        report.title, report.title_line = title, key_lines.get(("title",), 1)
    return report


def check_page_rendered(source: Source, renderer: Renderer) -> PageReport:
    """A page's rendered content: its problems, its anchors, and the links in its raw HTML."""
    path = f"{DOCS}/{source.src_uri}"
    report = PageReport(src_uri=source.src_uri, url=source.url)
    text, problem = decode(source.raw, path)
    if problem:
        return report  # check_page_source reports it; there is nothing to render
    _, body_start = split_front_matter(text)
    page_lines = text.split("\n")
    if _too_deep_or_slow(page_lines, body_start):
        return report  # check_page_source reports it; rendering it would never end
    body = "\n".join(page_lines[body_start - 1:])
    html_text, raw_blocks = renderer.render(body)
    lines = Lines(text, body_start)
    report.problems += refused_problems(html_text, lines, path)
    return check_rendering(report, html_text, raw_blocks, lines)


def refused_problems(html_text: str, lines: Lines, path: str) -> list[Problem]:
    """What the allowlist refuses in a page's HTML (hooks/html_allowlist.py), placed on its lines."""
    return [Problem(path, lines.find_text(*refusal.needles, kind=f"refused:{refusal.needles}"), refusal.message)
            for refusal in html_allowlist.refusals(html_text)]


def check_rendering(report: PageReport, rendered: Scan | str, raw_blocks: Sequence[str],
                    lines: Lines) -> PageReport:
    """A page's problems in its rendered HTML (or its scan), its anchors, and the links in its
    raw HTML."""
    scan = rendered if isinstance(rendered, Scan) else scan_html(rendered)
    report.problems += check_rendered(scan, lines, f"{DOCS}/{report.src_uri}")
    report.ids = scan.ids
    for block in raw_blocks:
        for address in scan_html(block).addresses:
            line = lines.find_text(f'"{address}"', f"'{address}'", f"={address}", address, kind="raw-link")
            report.raw_links.append((address, line))
    return report


def limit_problems(front: str | None, lines: Sequence[str], body_start: int, path: str) -> list[Problem]:
    """What no page may have, because the build could not read it in reasonable time or at all:
    front matter that YAML would blow up, nesting deeper than Python-Markdown can read, signs
    left open that make it read a page over and over. Found in time linear in the page's size."""
    problems = [Problem(path, line, message) for line, message in _too_deep_or_slow(lines, body_start)]
    if front is not None:
        try:
            screen_yaml(front, yaml.SafeLoader if "\t" in front else _LOADER)
        except FrontMatterRefused as refused:
            problems.append(Problem(path, refused.line, refused.message))
        except yaml.YAMLError:
            pass  # check_front_matter says what is wrong
    return problems


def _too_deep_or_slow(lines: Sequence[str], body_start: int) -> list[source_lines.Finding]:
    return source_lines.nesting_problems(lines, body_start) \
        + source_lines.unclosed_sign_problems(lines, body_start)


def decode(raw: bytes, path: str) -> tuple[str, Problem | None]:
    """The file's text, as MkDocs reads it (UTF-8, an optional byte-order mark, any line ends)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        line = raw.count(b"\n", 0, error.start) + 1
        column = len(raw[line_start:error.start].decode("utf-8", "replace")) + 1
        return "", Problem(
            path, line,
            f"the file is not valid UTF-8 text (byte 0x{raw[error.start]:02X} at column {column}): "
            "save the file with the UTF-8 encoding in your editor and check the characters "
            "on that line",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


# --- Front matter ----------------------------------------------------------------------------

_FRONT_MATTER_EXAMPLE = "---\ntitle: The page's title\ndescription: One sentence about the page.\n---"


def split_front_matter(text: str) -> tuple[str | None, int]:
    """The front matter's YAML (None when the page has none) and the line the body starts on."""
    match = YAML_RE.match(text if text.endswith("\n") else text + "\n")
    if not match:
        return None, 1
    front = match.group(1)
    body_start = match.group(0).count("\n") + 1
    # MkDocs strips blank lines between the front matter and the body.
    rest = text[match.end():]
    return front, body_start + (len(rest) - len(rest.lstrip("\n")))


# The parser MkDocs reads front matter with (mkdocs.utils.meta): libyaml when PyYAML has it.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """The YAML's node tree (which knows each field's line) and its value, from a single parse.

    Parsed as MkDocs parses it, so that what MkDocs would drop is reported. What YAML could blow
    up (see `screen_yaml`) raises `FrontMatterRefused` before anything is built from it.
    """
    # libyaml accepts tabs where PyYAML does not ("name: <tab>value"): with a tab in the text,
    # PyYAML's stricter reading asks the contributor to remove it, as the checks always have.
    if "\t" in text:
        return _compose_and_construct(text, yaml.SafeLoader)
    try:
        return _compose_and_construct(text, _LOADER)
    except yaml.YAMLError:
        # The error of PyYAML's own parser, when it fails too: its messages say more than libyaml's.
        _compose_and_construct(text, yaml.SafeLoader)
        raise


def _compose_and_construct(text: str, loader_class: type[Any]) -> tuple[yaml.Node | None, Any]:
    screen_yaml(text, loader_class)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


class FrontMatterRefused(Exception):
    """Front matter the checks will not build: `line` (in the file) and the message."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


# More than any page needs (a title, a description, a credit), far less than would slow anything.
FRONT_MATTER_MAX_CHARACTERS = 10_000
FRONT_MATTER_MAX_NESTING = 10
# The tags that only say what plain YAML says anyway; any other is of no use in front matter.
_PLAIN_TAGS = {None, "!", *(f"tag:yaml.org,2002:{kind}" for kind in ("str", "int", "float", "bool", "null"))}


def screen_yaml(text: str, loader_class: type[Any]) -> None:
    """Refuse, from the parser's events alone (nothing built, nothing expanded, no recursion),
    what YAML could blow up: an alias repeats a piece of the document, and nine lines of aliases
    of aliases stand for billions of values; nesting hundreds deep exhausts Python's stack."""
    if len(text) > FRONT_MATTER_MAX_CHARACTERS:
        raise FrontMatterRefused(2, (
            f"the front matter is {len(text):,} characters long, more than the "
            f"{FRONT_MATTER_MAX_CHARACTERS:,} a page's title, description and credit need: "
            "shorten it, and move long text into the page itself"
        ))
    loader = loader_class(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line + 2  # the opening --- is the file's first line
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise FrontMatterRefused(line, (
                    "the front matter uses a YAML anchor ('&name') or alias ('*name'), which "
                    "repeats another value and can make the build run out of memory: write the "
                    "value out in full; front matter has no use for YAML anchors"
                ))
            if getattr(event, "tag", None) not in _PLAIN_TAGS:
                raise FrontMatterRefused(line, (
                    f"the front matter uses the YAML tag '{event.tag}', which MkDocs cannot read: "
                    "remove the tag (the word starting with '!') and write the value as plain "
                    "text, in double quotes if it starts with '!'"
                ))
            depth += isinstance(event, yaml.CollectionStartEvent)
            depth -= isinstance(event, yaml.CollectionEndEvent)
            if depth > FRONT_MATTER_MAX_NESTING:
                raise FrontMatterRefused(line, (
                    f"the front matter's fields are nested more than {FRONT_MATTER_MAX_NESTING} "
                    "levels deep here: a page's fields nest two or three levels at most, as in "
                    "the chapter template"
                ))
    finally:
        loader.dispose()


def check_front_matter(
    front: str | None, path: str, book: BookSettings
) -> tuple[dict[str, Any], list[Problem], dict[tuple[str, ...], int]]:
    """The front matter's fields, its problems, and the line of each field (by its path)."""
    if front is None:
        return {}, [Problem(
            path, 1,
            "the page has no front matter (or it is not closed with a line of three dashes): "
            f"start the file with\n{_FRONT_MATTER_EXAMPLE}",
        )], {}
    try:
        node, meta = parse_yaml(front)
    except FrontMatterRefused as refused:
        return {}, [Problem(path, refused.line, refused.message)], {}
    except yaml.YAMLError as error:
        # The context mark is where the trouble began (an opening quote), the problem mark where
        # PyYAML gave up (often the end): the first is the line to fix.
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 2
        problem = "; ".join(
            part for part in (getattr(error, "context", None), getattr(error, "problem", None))
            if part
        ) or str(error).splitlines()[0]
        return {}, [Problem(
            path, line,
            f"the front matter is not valid YAML ({problem}), so MkDocs would silently ignore "
            "all of it: write each field as 'name: value' on its own line, indent nested fields "
            "with spaces, and put a value that contains ': ', ' #' or starts with a quote, '[', "
            "'{', '*', '&', '!', '|' or '>' in double quotes",
        )], {}
    if not isinstance(meta, dict) or not isinstance(node, yaml.MappingNode):
        return {}, [Problem(
            path, 2,
            f"the front matter must be fields written 'name: value', one per line, like\n"
            f"{_FRONT_MATTER_EXAMPLE}",
        )], {}
    key_lines = _key_lines(node)
    problems = [Problem(path, line, message) for line, message in _duplicate_keys(node)]

    def at(*keys: str) -> int:
        return key_lines.get(keys, 1)

    allowed = ", ".join(FRONT_MATTER_FIELDS)
    for key in meta:
        if key not in FRONT_MATTER_FIELDS:
            close = difflib.get_close_matches(str(key), FRONT_MATTER_FIELDS, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            if str(key) in credits.PAGE_FIELDS:
                hint = "it belongs under 'attribution:', on the line below it, indented by two spaces; "
            problems.append(Problem(
                path, at(str(key)),
                f"unknown front matter field '{key}': {hint}the fields a page may have are "
                f"{allowed}",
            ))
    for key in REQUIRED_FIELDS:
        value = meta.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(Problem(
                path, at(key) if key in meta else 1,
                f"the front matter has no {key}: add a line '{key}: …' with "
                f"{FRONT_MATTER_FIELDS[key]}",
            ))
    for key in TEXT_FIELDS:
        value = meta.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            problems.append(Problem(
                path, at(key),
                f"front matter field '{key}' must be text, not {_kind(value)}: put the text in "
                f'double quotes, e.g. {key}: "{_plain(value)}"',
            ))
        else:
            problems += [Problem(path, at(key), m) for m in plain_text_problems(key, value)]
    if "attribution" in meta:
        problems += _attribution_problems(meta, path, book, key_lines)
    return meta, problems, key_lines


def plain_text_problems(key: str, value: str) -> list[str]:
    """Why a title or description cannot be shown as it is written.

    Material's templates and the print page insert page titles and descriptions into the HTML
    without escaping them (they treat them as HTML), so markup there would change the page or run
    in readers' browsers. Rather than guess what the contributor meant, the text must be plain.
    """
    problems = []
    if "<" in value or ">" in value:
        problems.append(
            f"front matter field '{key}' contains '<' or '>': the {key} is shown as plain text "
            "in menus, tabs, search results and the printed book, where markup is not allowed: "
            "remove the angle brackets (write 'less than' or 'more than' in words)"
        )
    if html.unescape(value) != value:
        reference = re.search(r"&#?\w+;?", value)
        shown = reference.group(0) if reference else "&"
        problems.append(
            f"front matter field '{key}' contains the character reference '{shown}', which "
            f"browsers would show as '{html.unescape(shown)}': type the character itself "
            "(a '&' followed by a space is fine)"
        )
    if key == "description" and '"' in value:
        problems.append(
            "front matter field 'description' contains a straight double quote (\"), which would "
            "cut the description short in the page's metadata: use curly quotes “ ” or single "
            "quotes instead"
        )
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", value):
        problems.append(
            f"front matter field '{key}' contains an invisible control character: retype the "
            f"{key}"
        )
    return problems


def _attribution_problems(
    meta: Mapping[str, Any], path: str, book: BookSettings,
    key_lines: Mapping[tuple[str, ...], int],
) -> list[Problem]:
    """The attribution hook's own checks, with the line of the field at fault added."""
    marker = "\0"
    try:
        credits.page_attribution(book.original, book.changes, meta, source=marker)
    except PluginError as error:
        message = str(error).removeprefix(f"{marker}: ")
        # e.g. "front matter field 'attribution'.adapted_from.author is missing: add it as text."
        found = re.search(r"'attribution'((?:\.\w+)*)", message)
        keys = ("attribution", *(found.group(1).split(".")[1:] if found else []))
        while keys and keys not in key_lines:
            keys = keys[:-1]
        return [Problem(path, key_lines.get(keys, 1), message.rstrip("."))]
    # The attribution hook takes an empty field for "not given"; a contributor who wrote the
    # field meant to fill it in.
    return [
        Problem(path, key_lines.get(keys, 1), (
            f"front matter field '{'.'.join(keys)}' is empty: fill it in"
            + (", with its fields on the lines below it, each indented by two spaces, as in "
               "the chapter template" if len(keys) == 1
               else " with the names of whoever wrote the page" if keys[-1] == "written_by"
               else ", or remove the line")))
        for keys in _empty_fields(meta["attribution"], ("attribution",))
    ]


def _empty_fields(value: Any, keys: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _empty_fields(item, (*keys, str(key)))
    elif value is None or (isinstance(value, str) and not value.strip()):
        yield keys


def _key_lines(node: yaml.Node, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], int]:
    """The line (counting from the file's first line, the opening ---) of every nested field."""
    lines: dict[tuple[str, ...], int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            keys = (*prefix, str(key_node.value))
            lines.setdefault(keys, key_node.start_mark.line + 2)
            lines.update({k: v for k, v in _key_lines(value_node, keys).items() if k not in lines})
    return lines


def _duplicate_keys(node: yaml.Node, prefix: str = "") -> Iterable[tuple[int, str]]:
    """PyYAML keeps the last of two equal fields without a word; a contributor should know."""
    if not isinstance(node, yaml.MappingNode):
        return
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        name = f"{prefix}{key_node.value}"
        line = key_node.start_mark.line + 2
        if name in seen:
            yield line, (
                f"front matter field '{name}' is given twice (first on line {seen[name]}): "
                "keep one of them"
            )
        seen.setdefault(name, line)
        yield from _duplicate_keys(value_node, f"{name}.")


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    return f"a {type(value).__name__}"


def _plain(value: Any) -> str:
    if isinstance(value, (list, dict)):
        return "…"
    return str(value).replace('"', "'")[:60]


# --- The rendered page -----------------------------------------------------------------------


@dataclass
class Admonition:
    kind: str
    body_text: str = ""
    body_elements: int = 0
    list_items: int = 0


@dataclass
class Scan:
    """What the checks need from a rendered page, in document order."""

    headings: list[tuple[int, str]] = field(default_factory=list)
    admonitions: list[Admonition] = field(default_factory=list)
    images: list[tuple[str, str | None]] = field(default_factory=list)  # (src, alt)
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)
    addresses: list[str] = field(default_factory=list)  # href and src of links and media
    ids: set[str] = field(default_factory=set)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = Scan()
        self._stack: list[str] = []
        self._open_admonitions: list[tuple[Admonition, int]] = []  # with the stack depth
        self._title_depth: int | None = None  # inside an admonition's title
        self._heading: tuple[int, int, list[str]] | None = None  # level, depth, text
        self._link: tuple[str, int, list[str]] | None = None
        self._skip_depth: int | None = None  # inside a heading's permalink

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                self.scan.ids.add(values[name])
        for name in ("href", "src"):
            if values.get(name):
                self.scan.addresses.append(values[name])
        classes = values.get("class", "").split()
        depth = len(self._stack)
        if self._open_admonitions and self._title_depth is None:
            if tag in ("p", "summary") and ("admonition-title" in classes or tag == "summary") \
                    and depth == self._open_admonitions[-1][1] + 1:
                self._title_depth = depth
            else:  # the body of this admonition and of any it is nested in
                for open_admonition, _ in self._open_admonitions:
                    open_admonition.body_elements += tag not in ("p", "div", "span", "br")
                    open_admonition.list_items += tag == "li"
        if (tag == "div" and "admonition" in classes) or (tag == "details" and classes):
            kinds = [c for c in classes if c != "admonition"]
            admonition = Admonition(kind=kinds[0] if kinds else "")
            self.scan.admonitions.append(admonition)
            self._open_admonitions.append((admonition, depth))
        if tag in HEADINGS:
            self._heading = (int(tag[1]), depth, [])
        if tag == "a" and "headerlink" in classes:
            self._skip_depth = depth
        elif tag == "a" and "href" in values:
            self._link = (values["href"], depth, [])
        if tag == "img":
            self.scan.images.append((values.get("src", ""), values.get("alt")))
        if tag not in source_lines.VOID_ELEMENTS:
            self._stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in source_lines.VOID_ELEMENTS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._stack:
            return
        while self._stack:
            depth = len(self._stack) - 1
            closed = self._stack.pop()
            if self._title_depth == depth:
                self._title_depth = None
            if self._open_admonitions and self._open_admonitions[-1][1] == depth:
                self._open_admonitions.pop()
            if self._heading and self._heading[1] == depth:
                level, _, text = self._heading
                self.scan.headings.append((level, _squash("".join(text))))
                self._heading = None
            if self._link and self._link[1] == depth:
                href, _, text = self._link
                self.scan.links.append((href, _squash("".join(text))))
                self._link = None
            if self._skip_depth == depth:
                self._skip_depth = None
            if closed == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._skip_depth is not None:
            return
        if self._open_admonitions and self._title_depth is None:
            for open_admonition, _ in self._open_admonitions:
                open_admonition.body_text += data
        if self._heading:
            self._heading[2].append(data)
        if self._link:
            self._link[2].append(data)


def scan_html(html_text: str) -> Scan:
    scanner = _Scanner()
    scanner.feed(html_text)
    scanner.close()
    return scanner.scan


class _NeedsHtml(Exception):
    """The tree holds something only its HTML shows as readers' browsers will read it."""


# Names html.parser reads as one name, as browsers do: an attribute named `x/onclick` in the tree
# is two attributes in the HTML (`x` and `onclick`), so anything else is left to the HTML.
_PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]*")


def scan_tree(md: markdown.Markdown, root: Any) -> Scan | None:
    """What `scan_html` finds in the HTML Python-Markdown makes of this tree, read from the tree
    itself: serializing the page and parsing it again took most of the checks' time.

    None when the HTML would differ from the tree: raw HTML, which Python-Markdown pastes into
    the HTML after serializing (a page with any is read from its HTML), script or style
    elements, a name html.parser would read differently, or a placeholder whose replacement is
    markup. Each event is the one html.parser sends for the serialized tree: attributes sorted,
    as the serializer writes them; text and values as the serializer escapes them, the
    postprocessors complete them and html.parser unescapes them. Tests compare both scans on
    every page of the book and of the fixtures, and on generated Markdown.
    """
    if page_tree.holds_stashed_html(md):
        return None
    scanner = _Scanner()
    try:
        _feed_text(scanner, md, root.text)  # the document's own <div> is not in the page
        for child in root:
            _feed_element(scanner, md, child, xhtml=md.output_format == "xhtml")
    except _NeedsHtml:
        return None
    return scanner.scan


def _feed_element(scanner: _Scanner, md: markdown.Markdown, element: Any, *, xhtml: bool) -> None:
    tag = element.tag
    if tag is None:  # the serializer writes its content only
        _feed_text(scanner, md, element.text)
        for child in element:
            _feed_element(scanner, md, child, xhtml=xhtml)
    elif isinstance(tag, str):
        name = tag.lower()
        if not _PLAIN_NAME.fullmatch(tag) or name in ("script", "style"):
            raise _NeedsHtml
        attrs: list[tuple[str, str | None]] = []
        for key, value in sorted(element.items()):
            if not isinstance(key, str) or not _PLAIN_NAME.fullmatch(key):
                raise _NeedsHtml
            if value is not None and not (value == key and not xhtml and key in BOOLEAN_ATTRIBUTES["html"]):
                value = _attribute_text(md, value)
            else:
                value = None  # written as a bare name
            attrs.append((key.lower(), value))
        if xhtml and name in HTML_EMPTY:  # written `<img ... />`, without its text or children
            scanner.handle_startendtag(name, attrs)
        else:
            scanner.handle_starttag(name, attrs)
            _feed_text(scanner, md, element.text)
            for child in element:
                _feed_element(scanner, md, child, xhtml=xhtml)
            if name not in HTML_EMPTY:
                scanner.handle_endtag(name)
    elif tag is not Comment and tag is not ProcessingInstruction:
        raise _NeedsHtml
    _feed_text(scanner, md, element.tail)


def _feed_text(scanner: _Scanner, md: markdown.Markdown, text: str | None) -> None:
    if not text:
        return
    # An entity ("&amp;", which the serializer keeps) or a placeholder the postprocessors
    # replace (an entity, a footnote's arrow): as written to the HTML, then read by html.parser.
    if "&" in text or STX in text:
        text = _postprocessed(md, _escape_cdata(text))
        if "<" in text:
            raise _NeedsHtml
        text = html.unescape(text)
    scanner.handle_data(text)


def _attribute_text(md: markdown.Markdown, value: str) -> str:
    if "&" not in value and STX not in value:  # as in _feed_text
        return value
    value = _postprocessed(md, _escape_attrib_html(value))
    if '"' in value:
        raise _NeedsHtml
    return html.unescape(value)


def _postprocessed(md: markdown.Markdown, text: str) -> str:
    for postprocessor in md.postprocessors:
        text = postprocessor.run(text)
    return text


def check_rendered(scan: Scan, lines: Lines, path: str) -> list[Problem]:
    """Problems of a page's rendered content, each placed on its source line."""
    # Placing a finding searches the source, and most pages have nothing to place: they are
    # checked first without placing anything, and again, placing, only if they have a problem.
    if not _rendered_problems(scan, _UNPLACED, path):
        return []
    return _rendered_problems(scan, lines, path)


def _rendered_problems(scan: Scan, lines: Lines, path: str) -> list[Problem]:
    problems: list[Problem] = []

    def problem(line: int, message: str) -> None:
        problems.append(Problem(path, line, message))

    first_h1: int | None = None
    previous = 1  # Material shows the page's title as its level-1 heading when the page has none
    for level, text in scan.headings:
        line = lines.find_heading(level)
        if level == 1:
            if first_h1 is not None:
                problem(line, (
                    f"a second level-1 heading '{text}' (the first is on line {first_h1}): a page "
                    f"has one level-1 heading, its title: make this one '## {text}'"
                ))
            first_h1 = first_h1 or line
        elif level > previous + 1:
            problem(line, (
                f"heading '{text}' is level {level} but the heading before it is level "
                f"{previous}, so level {previous + 1} is skipped: write it with "
                f"{'#' * (previous + 1)} (or add the missing level above it)"
            ))
        previous = level

    for admonition in scan.admonitions:
        line = lines.find_admonition()
        if admonition.kind not in ADMONITION_TYPES:
            close = difflib.get_close_matches(admonition.kind, ADMONITION_TYPES, n=1, cutoff=0.6)
            fix = (f"did you mean '{close[0]}'?" if close
                   else f"use one of: {', '.join(ADMONITION_TYPES)}")
            problem(line, (
                f"unknown admonition type '{admonition.kind}', which would show as a plain note: "
                f"{fix}"
            ))
        if not admonition.body_text.strip() and not admonition.body_elements:
            problem(line, (
                f"the '{admonition.kind}' admonition has no body: write its text on the lines "
                "below it, each indented by four spaces"
            ))
        elif admonition.kind == "reflection" and not admonition.list_items:
            problem(line, (
                "the reflection admonition has no prompts: write each prompt as a list item "
                "('- Can you recall…?') indented by four spaces"
            ))

    for src, alt in scan.images:
        if not (alt or "").strip():
            line = lines.find_text(src, kind=f"image:{src}") if src else lines.find_text("![")
            problem(line, (
                f"image '{src}' has no alt text: describe what the image shows for readers who "
                f"cannot see it, e.g. ![A peer supporter listening to a student]({src})"
            ))

    for href, text in scan.links:
        plain = re.sub(r"[^\w\s]", "", text).strip().lower()
        if plain in VAGUE_LINK_TEXTS:
            line = lines.find_text(f"[{text}]({href}", f"[{text}]", f">{text}<", href, kind=f"link:{text}:{href}")
            problem(line, (
                f"link text '{text}' does not say where the link goes: use words that name the "
                f"page or document it opens, e.g. [Connection, Disconnection & Reconnection]({href})"
            ))
        elif _is_bare_address(text, href):
            line = lines.find_text(f"<{href}>", f"[{text}]", href, kind=f"link:{text}:{href}")
            problem(line, (
                f"link text '{text}' is a bare web address, hard to read aloud and to follow in "
                f"print: name what it links to, e.g. [BCcampus's page for the book]({href})"
            ))
    return problems


def _is_bare_address(text: str, href: str) -> bool:
    text = text.strip()
    return bool(re.fullmatch(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S*", text, re.I)) or (
        bool(text) and text.rstrip("/") == href.strip().rstrip("/") and ":" in href
    )


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- Finding source lines --------------------------------------------------------------------

_ADMONITION_LINE = re.compile(
    r"^\s*(?:!!!|\?\?\?\+?)|<div\b[^>]*\bclass=[\"'][^\"']*\badmonition\b|<details\b[^>]*\bclass=",
    re.I,
)


class Lines:
    """Finds the source line of something found in the rendered page.

    Python-Markdown keeps no source positions, so each finding is placed by searching the source
    for it, in document order (a cursor per kind of finding), skipping fenced code blocks, whose
    content is shown as code and never taken as markup.
    """

    def __init__(self, text: str, body_start: int) -> None:
        self.lines = text.split("\n")
        self.body_start = body_start  # 1-based line where the Markdown body starts
        self._code = source_lines.fenced_lines(self.lines)
        self._cursor: dict[str, int] = {}
        self._lower: str | None = None  # the text lower-cased, for find_text, made when first needed
        self._starts: list[int] = []  # where each line starts in it

    def _find(self, kind: str, matches: Callable[[int], bool]) -> int | None:
        start = self._cursor.get(kind, self.body_start - 2) + 1
        for index in range(max(start, 0), len(self.lines)):
            if index not in self._code and matches(index):
                self._cursor[kind] = index
                return index + 1
        return None

    def _fallback(self, kind: str) -> int:
        return self._cursor.get(kind, self.body_start - 1) + 1

    def find_text(self, *needles: str, kind: str = "") -> int:
        """The next line containing one of the needles (case-insensitive), in order of preference.

        Searched in the whole text at once (str.find), not line by line: a page with thousands of
        findings is placed in time proportional to their number times its length at C speed."""
        kind = kind or f"text:{needles[0] if needles else ''}"
        if self._lower is None:
            self._lower = "\n".join(self.lines).lower()
            self._starts = list(itertools.accumulate((len(line) + 1 for line in self.lines[:-1]), initial=0))
        start = max(self._cursor.get(kind, self.body_start - 2) + 1, 0)
        for needle in needles:
            if not needle:
                continue
            variants = {needle.lower(), html.escape(needle, quote=True).lower(),
                        html.escape(needle, quote=False).lower()}
            found = [index for v in variants if "\n" not in v
                     and (index := self._line_of(v, start)) is not None]
            if found:
                self._cursor[kind] = min(found)
                return min(found) + 1
        return self._fallback(kind)

    def _line_of(self, variant: str, start: int) -> int | None:
        """The first line from `start` (0-based), outside code blocks, holding the variant."""
        assert self._lower is not None
        if start >= len(self._starts):
            return None
        at = self._lower.find(variant, self._starts[start])
        while at != -1:
            index = bisect.bisect_right(self._starts, at) - 1
            if index not in self._code:
                return index
            if index + 1 >= len(self._starts):
                return None
            at = self._lower.find(variant, self._starts[index + 1])
        return None

    def find_heading(self, level: int) -> int:
        atx = re.compile(rf"^\s*(?:>\s*)*#{{{level}}}(?:\s|$)|<h{level}\b", re.I)
        underline = re.compile(r"^\s*=+\s*$" if level == 1 else r"^\s*-+\s*$")

        def matches(i: int) -> bool:
            if atx.search(self.lines[i]):
                return True
            return (level <= 2 and i + 1 < len(self.lines) and bool(self.lines[i].strip())
                    and bool(underline.match(self.lines[i + 1])))

        return self._find("heading", matches) or self._fallback("heading")

    def find_admonition(self) -> int:
        line = self._find("admonition", lambda i: bool(_ADMONITION_LINE.search(self.lines[i])))
        return line or self._fallback("admonition")


class _Unplaced(Lines):
    """Places every finding on line 1, without reading any source."""

    def __init__(self) -> None:
        super().__init__("", 1)

    def find_text(self, *needles: str, kind: str = "") -> int:
        return 1

    def find_heading(self, level: int) -> int:
        return 1

    def find_admonition(self) -> int:
        return 1


_UNPLACED = _Unplaced()


# --- What pages share ------------------------------------------------------------------------


def nav_problems(config: MkDocsConfig) -> list[Problem]:
    """A page listed twice in `nav:`: the site would link it twice and the EPUB hold it twice."""
    if not isinstance(config.nav, list):
        return []
    lines = Lines(_read_text(config.config_file_path), 1)
    problems, seen = [], set()
    for page in _nav_pages(config.nav):
        line = lines.find_text(page, kind=f"nav:{page}")
        if page in seen:
            problems.append(Problem(
                os.path.basename(config.config_file_path), line,
                f"nav: lists '{page}' a second time: keep one of its lines, where it belongs in "
                "reading order",
            ))
        seen.add(page)
    return problems


def nav_unsafe_problems(config: MkDocsConfig) -> list[Problem]:
    """Titles in `nav:` with markup (the theme writes them into every page as HTML), and links
    with an address of a kind a page may not link to (`javascript:`)."""
    if not isinstance(config.nav, list):
        return []
    lines = Lines(_read_text(config.config_file_path), 1)
    problems = []
    for title in _nav_titles(config.nav):
        if "<" in title or ">" in title or html.unescape(title) != title:
            problems.append(Problem(
                os.path.basename(config.config_file_path), lines.find_text(title, kind="nav-title"),
                f"the navigation title '{title}' contains '<', '>' or a character reference: "
                "titles in nav: are shown as plain text on every page, where markup is not "
                "allowed: write the title in plain words",
            ))
    for address in _nav_links(config.nav):
        scheme = html_allowlist.address_scheme(address)
        if scheme is not None and scheme not in html_allowlist.LINK_SCHEMES:
            problems.append(Problem(
                os.path.basename(config.config_file_path), lines.find_text(address, kind="nav-link"),
                f"the navigation link '{address}' is a {scheme}: address, which every page would "
                "link to (it can run script or open another program): link to a page of the book "
                "or to an https:// address",
            ))
    return problems


def _nav_links(nav: Any) -> list[str]:
    """The addresses `nav:` gives, pages and links alike, in order."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return _nav_links(list(nav.values()))
    if isinstance(nav, list):
        return [address for item in nav for address in _nav_links(item)]
    return []


def _nav_titles(nav: Any) -> list[str]:
    """The titles `nav:` gives its pages, sections and links, in order."""
    if isinstance(nav, dict):
        return [str(title) for title in nav] + _nav_titles(list(nav.values()))
    if isinstance(nav, list):
        return [title for item in nav for title in _nav_titles(item)]
    return []


def _nav_pages(nav: Any) -> list[str]:
    """The files `nav:` lists, in order (its links to other sites aside)."""
    if isinstance(nav, str):
        return [] if "://" in nav else [nav]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in _nav_pages(value)]
    if isinstance(nav, list):
        return [page for item in nav for page in _nav_pages(item)]
    return []


def duplicate_titles(reports: Sequence[PageReport]) -> list[Problem]:
    first: dict[str, PageReport] = {}
    problems = []
    for report in reports:
        if report.title is None:
            continue
        key = _squash(report.title).casefold()
        if key in first:
            other = first[key]
            problems.append(Problem(
                f"{DOCS}/{report.src_uri}", report.title_line,
                f"the title '{report.title}' is also the title of {DOCS}/{other.src_uri} "
                f"(line {other.title_line}): give each page its own title, so readers can tell "
                "them apart in menus, search results and the printed contents",
            ))
        else:
            first[key] = report
    return problems


def duplicate_slugs(reports: Sequence[PageReport]) -> list[Problem]:
    first: dict[str, PageReport] = {}
    problems = []
    for report in reports:
        slug = page_slug(report.src_uri)
        if not slug:
            continue  # the home page
        if slug in first:
            problems.append(Problem(
                f"{DOCS}/{report.src_uri}", 1,
                f"the page slug '{slug}' is also the slug of {DOCS}/{first[slug].src_uri}: "
                "pages' web addresses and downloads are named after their file names, so rename "
                "one of the two files (and update the navigation in mkdocs.yml)",
            ))
        else:
            first[slug] = report
    return problems


def _site_path(url: str) -> str:
    """A built file's URL as a path from the site root: '/', '/chapters/x/', '/images/a.png'."""
    path = unquote(url)
    if path in ("", ".", "./"):
        return "/"
    return "/" + path.removeprefix("./")


def broken_raw_links(reports: Sequence[PageReport], file_paths: set[str]) -> list[Problem]:
    """Links in raw HTML, which MkDocs neither rewrites nor checks, must reach a page or anchor."""
    pages = {_site_path(r.url): r for r in reports}
    problems = []
    for report in reports:
        here = _site_path(report.url)
        for address, line in report.raw_links:
            message = _raw_link_problem(address, here, report, pages, file_paths)
            if message:
                problems.append(Problem(f"{DOCS}/{report.src_uri}", line, message))
    return problems


def _raw_link_problem(address: str, here: str, report: PageReport,
                      pages: Mapping[str, PageReport], file_paths: set[str]) -> str | None:
    address = address.strip()
    parts = urlsplit(address)
    if parts.scheme or address.startswith("//") or not address:
        return None  # another site (html_allowlist decides whether it may be linked), or nothing
    if parts.path.startswith("/"):
        return (f"the raw HTML link '{address}' starts with '/', so it breaks when the book is "
                "published in a folder: write the address relative to this page, e.g. "
                "'../other-page/'")
    target_path = unquote(urlsplit(urljoin("https://book.invalid" + here, address)).path)
    if parts.path.endswith(".md"):
        return (f"the raw HTML link '{address}' points at a Markdown file, which only Markdown "
                "links are rewritten from: use a Markdown link [text](page.md), or the page's "
                "web address, e.g. '../page-name/'")
    if not parts.path:
        target = report  # "#anchor": this page
    else:
        target = (pages.get(target_path) or pages.get(target_path.removesuffix("index.html"))
                  or pages.get(target_path + "/"))
        if target is None:
            if target_path in file_paths:
                return None  # an image or another file of the book
            if target_path.startswith(GENERATED_FOLDERS):
                return None  # written by the build itself; hooks/downloads.py checks these links
            return (f"the raw HTML link '{address}' points at '{target_path}', which is not a "
                    "page or file of the book: check the address (a page's address is its file "
                    "name without .md, ending in '/', e.g. '../connection/')")
    fragment = unquote(parts.fragment)
    if fragment and fragment not in target.ids:
        close = difflib.get_close_matches(fragment, sorted(target.ids), n=1)
        hint = f"did you mean '#{close[0]}'? " if close else ""
        where = "this page" if target is report else f"{DOCS}/{target.src_uri}"
        return (f"the raw HTML link '{address}' points at the anchor '#{fragment}', which "
                f"{where} does not have: {hint}anchors are the headings' ids, shown in the "
                "address bar when you click a heading's ¶ link")
    return None
