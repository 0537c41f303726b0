"""The book's checks as a whole: each page's source, the sources together, the pages rendered,
and what only the whole book tells (titles and slugs unique, links in raw HTML that reach a
page or an anchor, links to downloads only of the formats the book offers and, by their
`data-download`, only of the chapters it has, and of a worksheet only of a chapter with
reflection prompts).
"""

from __future__ import annotations

import difflib
import functools
import posixpath
import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Mapping, Sequence
from urllib.parse import unquote, urljoin, urlsplit

from ebook.checks import boxes, glyphs, sample_text, source_lines
from ebook.checks.front_matter import NO_ATTRIBUTION, check_front_matter, split_front_matter
from ebook.checks.limits import decode, limit_problems
from ebook.checks.lines import Lines
from ebook.checks.problems import DOCS, BookReport, PageReport, Problem, Source
from ebook.checks.rendered import check_page_rendered
from ebook.checks.scanner import Renderer, squash
from ebook.checks.sources import SAFE_NAME
from ebook.model.book import (DOWNLOAD_PATHS, DOWNLOADS_DIR, FORMAT_NAMES, Kind, book_slug, download_kind,
                              page_slug, unoffered_format)

if TYPE_CHECKING:
    from ebook.model.book import Book

# Folders of the site the build writes itself (the downloads contract): not in docs/.
GENERATED_FOLDERS = (f"/{DOWNLOADS_DIR}/",)

# The format of extra.downloads that makes each kind of download, and how messages name it.
def not_offered(fmt: str, config_name: str) -> str:
    """The problem of a link to a download of a format the book does not offer."""
    return (f"the book does not offer {FORMAT_NAMES[fmt]} (extra.downloads in {config_name}): "
            f"add {fmt} there, or remove this link")


def not_offered_link(path: str, book: Book) -> str | None:
    """`not_offered` for a link to the site-relative `path`, if it leads to such a download."""
    fmt = unoffered_format(path, book=book.slug, formats=book.settings.formats)
    return not_offered(fmt, book.settings.config_name) if fmt else None


def chapter_slugs(pages: Sequence[Source], book: Book) -> tuple[str, ...]:
    """The slugs of this build's chapters, which their handouts and worksheets are named after:
    its pages that are chapters (`Book.is_chapter`), each of which the PDFs' export prints. Known
    from the sources, before `Book.chapters` is (from the navigation, `on_nav`): a chapter added
    in the same change counts, and a page left out of the navigation is still printed."""
    return tuple(page_slug(page.src_uri) for page in pages if book.is_chapter(page.src_uri))


def unwritten_download(path: str, book: Book, chapters: Sequence[str]) -> str | None:
    """Why the build does not write the download at the site-relative `path`, which has the
    shape of one (`download_kind`): the book does not offer its format (`not_offered`, as a
    raw HTML link or MkDocs' warning about its address says it too), or it is the handout or
    worksheet of a chapter the book does not have (`chapters`: their slugs), or of one it has
    but with %-codes in its name: the build looks the path up as written, undecoded, so
    "listen%69ng.pdf" is no file of its own, though it is listening's handout once decoded."""
    if message := not_offered_link(path, book):
        return message
    found = download_kind(path, book=book.slug)
    if found is None or not found[1] or found[1] in chapters:
        return None  # not a download, or the whole book's, or a chapter's the book has
    kind, slug = found
    name = unquote(slug)  # as a web address may write it: "caf%C3%A9" for café
    if name in chapters:
        return (f'data-download="{path}" writes the chapter\'s name with %-codes, which the build does '
                f'not decode, so it finds no such file: write it without them, as '
                f'data-download="{book.download_path(kind, name)}"')
    folder = f"{DOCS}/{book.settings.book.chapters_dir}/"
    if not chapters:
        return (f'data-download="{path}" names a chapter the book does not have: write the chapter '
                f"first, as {folder}{file_slug(name)}.md, or remove this link")
    return (f'data-download="{path}" names a chapter the book does not have: write e.g. '
            f'data-download="{book.download_path(kind, closest_chapter(name, chapters))}" (a chapter\'s '
            f"downloads are named after its file in {folder}, without .md), or remove this link")


def file_slug(name: str) -> str:
    """A new chapter's file name to suggest (without .md) for `name`: its slug (`_name_slug`),
    or "chapter-name" when it has none."""
    return _name_slug(name) or "chapter-name"


def closest_chapter(name: str, chapters: Sequence[str]) -> str:
    """The slug among `chapters` (at least one) closest to `name`'s slug (`_name_slug`), else
    the first."""
    return (difflib.get_close_matches(_name_slug(name), chapters, n=1) or [chapters[0]])[0]


def _name_slug(name: str) -> str:
    """The slug of a chapter named `name` (a download's name, its percent-encoding already
    decoded), made as the book makes one from a title (`book_slug`: "Active Listening" is
    active-listening, "Café" cafe) and cut to 96 characters; "" when that slug is no chapter
    file's name the book accepts (`SAFE_NAME`) and takes for a chapter's of that slug
    (`page_slug`): a name with no Latin letter or digit ("Слушание", "~~"), or "index"."""
    slug = book_slug(name)[:96].strip("-_")
    return slug if SAFE_NAME.fullmatch(f"{slug}.md") and page_slug(f"{slug}.md") == slug else ""


# The folders of a chapter's downloads, from the site's root, and the kind of each.
_CHAPTER_FOLDERS: dict[str, Kind] = {
    f"{DOWNLOADS_DIR}/{posixpath.dirname(DOWNLOAD_PATHS[kind])}/": kind for kind in ("handout", "worksheet")}


def download_example(path: str, book: Book, chapters: Sequence[str]) -> str:
    """The download to suggest for the `data-download` path `path`, which names no file the
    build writes: under handouts/ or worksheets/, that kind's path for the chapter its name is
    closest to ("downloads/worksheets/listening.pdf" is the worksheet of listening); else the
    whole book's PDF. Percent-encoding is decoded: "caf%C3%A9.pdf" is the handout of café."""
    plain = unquote(re.split(r"[?#]", re.sub(r"^(?:\.{0,2}/)+", "", path), maxsplit=1)[0])
    kind = next((k for folder, k in _CHAPTER_FOLDERS.items() if plain.startswith(folder)), None)
    if kind is None:
        return book.download_path("book")
    name = posixpath.basename(plain)
    name = re.sub(r"(?:-reflection)?(?:\.pdf)?$", "", name, flags=re.IGNORECASE)
    slug = closest_chapter(name, chapters) if chapters else file_slug(name)
    return book.download_path(kind, slug)


def worksheet_problems(links: Mapping[str, Sequence[tuple[str, int, str]]],
                       reports: Sequence[PageReport], book: Book) -> list[Problem]:
    """Links to the worksheet of a chapter without reflection prompts, which has none (the PDFs
    print a worksheet only of a chapter with prompts, ebook/pdf/export.py): `links`, by page, the
    links to the book's chapters' worksheets its source has (`PageReport.worksheet_links`);
    `reports`, the rendered pages (`PageReport.prompts`). A chapter not rendered is not judged."""
    rendered = {page_slug(r.src_uri): r for r in reports if book.is_chapter(r.src_uri)}
    problems = []
    for src_uri, found in links.items():
        for slug, line, path in found:
            chapter = rendered.get(slug)
            if chapter is None or chapter.prompts is not False:
                continue  # not rendered (a page that cannot be read is told so), or has prompts
            link = f'data-download="{path}"'
            problems.append(Problem(f"{DOCS}/{src_uri}", line, (
                f"{link}: the chapter {DOCS}/{chapter.src_uri} has no reflection prompts, so it has no "
                "worksheet: add a reflection box with a list of prompts to it (see CONTRIBUTING.md), or "
                "link to its handout instead")))
    return problems


@dataclass
class Context:
    """What a build's checks run with: the book, and Python-Markdown as the site configures it."""

    book: Book
    extensions: list[Any]
    extension_configs: dict[str, Any]
    placeholders: Sequence[sample_text.Placeholder] = ()  # the chapter template's sample text

    @cached_property
    def renderer(self) -> Renderer:
        return Renderer(self.extensions, self.extension_configs)


def check_book(pages: Sequence[Source], others: Sequence[Source], context: Context) -> BookReport:
    """Every problem of the book, the pages rendered here: what the build checks as MkDocs
    renders them."""
    report = check_sources(pages, context.book, context.placeholders, context.renderer)
    rendered = check_rendered_book(pages, others, context.renderer, context.book, report.worksheet_links)
    return BookReport(problems=sorted(set(report.problems + rendered)), lines=report.lines,
                      worksheet_links=report.worksheet_links)


def check_sources(pages: Sequence[Source], book: Book,
                  placeholders: Sequence[sample_text.Placeholder] = (),
                  renderer: Renderer | None = None, *, chapters: Sequence[str] | None = None) -> BookReport:
    """What the sources alone tell: each page's encoding, front matter and lines, unique titles
    and slugs, and what a printed page prints (rendered with `renderer`, the site's Markdown).
    `chapters`: the chapters' slugs, `chapter_slugs(pages, book)` unless the caller has them."""
    renderer = renderer or _plain_renderer()
    chapters = chapter_slugs(pages, book) if chapters is None else chapters
    reports = [check_page_source(page, book, placeholders, renderer, chapters=chapters) for page in pages]
    problems = [p for report in reports for p in report.problems]
    problems += duplicate_titles(reports) + duplicate_slugs(reports, book.settings.config_name)
    return BookReport(
        problems=sorted(set(problems)),
        lines={r.src_uri: r.lines for r in reports if r.lines is not None},
        worksheet_links={r.src_uri: r.worksheet_links for r in reports if r.worksheet_links},
    )


def check_rendered_book(pages: Sequence[Source], others: Sequence[Source], renderer: Renderer, book: Book,
                        worksheet_links: Mapping[str, Sequence[tuple[str, int, str]]] | None = None,
                        ) -> list[Problem]:
    """What needs the pages rendered: each page's content, the raw HTML links between pages,
    and the links to worksheets (`worksheet_links`, as `check_sources` found them)."""
    reports = [check_page_rendered(page, renderer) for page in pages]
    return rendered_book_problems(reports, others, book, worksheet_links)


def rendered_book_problems(reports: Sequence[PageReport], others: Sequence[Source], book: Book,
                           worksheet_links: Mapping[str, Sequence[tuple[str, int, str]]] | None = None,
                           ) -> list[Problem]:
    """The pages' rendered problems, the raw HTML links between pages, and the links to the
    worksheet of a chapter without prompts (`worksheet_links`: the sources', by page)."""
    problems = [p for report in reports for p in report.problems]
    problems += broken_raw_links(reports, {_site_path(o.url) for o in others}, book)
    problems += worksheet_problems(worksheet_links or {}, reports, book)
    return sorted(set(problems))


def check_page_source(source: Source, book: Book,
                      placeholders: Sequence[sample_text.Placeholder] = (),
                      renderer: Renderer | None = None, *, chapters: Sequence[str]) -> PageReport:
    """A page's encoding, front matter and lines, its title, what it prints, and its lines (to
    place later findings). `chapters`: the slugs of the book's chapters in this build
    (`chapter_slugs`), whose downloads a page may link to."""
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
        # build stops before MkDocs parses or renders it, even in a preview (see
        # CheckRun.pre_build).
        report.problems += refused
        return report
    report.lines = lines
    meta, problems, key_lines = check_front_matter(front, path, book, text=text)
    report.problems += problems
    if meta and "attribution" not in meta and book.is_chapter(source.src_uri):
        report.problems.append(Problem(path, 1, NO_ATTRIBUTION))
    links: list[tuple[int, str]] = []
    findings = boxes.box_line_problems(lines.lines, body_start) \
        + boxes.box_indent_problems(lines.lines, body_start) \
        + source_lines.parenthesis_item_problems(
            lines.lines, body_start, lambda body: (renderer or _plain_renderer()).render(body)[0]) \
        + sample_text.placeholder_problems(lines.lines, placeholders) \
        + source_lines.download_attribute_problems(
            lines.lines, body_start, lambda path: download_kind(path, book=book.slug) is not None,
            example=lambda path: download_example(path, book, chapters),
            unwritten=lambda path: unwritten_download(path, book, chapters), links=links)
    for line, link in links:  # whether their chapters have prompts, only their rendering tells
        if (found := download_kind(link, book=book.slug)) and found[0] == "worksheet":
            report.worksheet_links.append((found[1], line, link))
    title = meta.get("title")
    if book.is_printed(source.src_uri):
        # What its PDFs draw: its title (its heading and running heads), its credit, a
        # chapter's description (in the list of chapters) and its rendered text.
        findings += glyphs.front_matter_problems(meta, key_lines, chapter=book.is_chapter(source.src_uri))
        findings += glyphs.body_problems(lines.lines, body_start, renderer or _plain_renderer())
    report.problems += [Problem(path, line, message) for line, message in findings]
    if isinstance(title, str) and title.strip():
        report.title, report.title_line = title, key_lines.get(("title",), 1)
    return report


@functools.cache
def _plain_renderer() -> Renderer:
    """Python-Markdown with the extensions that change what a page's text is (code blocks,
    boxes, tables, footnotes, attribute lists), for checks run without the site's own."""
    return Renderer(["extra", "admonition", "toc", "pymdownx.superfences"], {})


def duplicate_titles(reports: Sequence[PageReport]) -> list[Problem]:
    first: dict[str, PageReport] = {}
    problems = []
    for report in reports:
        if report.title is None:
            continue
        key = squash(report.title).casefold()
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


def duplicate_slugs(reports: Sequence[PageReport], config_name: str) -> list[Problem]:
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
                f"one of the two files (and update the navigation in {config_name})",
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


def broken_raw_links(reports: Sequence[PageReport], file_paths: set[str], book: Book) -> list[Problem]:
    """Links in raw HTML, which MkDocs neither rewrites nor checks, must reach a page or anchor,
    or a download the book offers."""
    pages = {_site_path(r.url): r for r in reports}
    problems = []
    for report in reports:
        here = _site_path(report.url)
        for address, line in report.raw_links:
            message = _raw_link_problem(address, here, report, pages, file_paths, book)
            if message:
                problems.append(Problem(f"{DOCS}/{report.src_uri}", line, message))
    return problems


def _raw_link_problem(address: str, here: str, report: PageReport,
                      pages: Mapping[str, PageReport], file_paths: set[str], book: Book) -> str | None:
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
    target: PageReport | None
    if not parts.path:
        target = report  # "#anchor": this page
    else:
        target = (pages.get(target_path) or pages.get(target_path.removesuffix("index.html"))
                  or pages.get(target_path + "/"))
        if target is None:
            if target_path in file_paths:
                return None  # an image or another file of the book
            if target_path.startswith(GENERATED_FOLDERS):
                # Written by the build itself (ebook/downloads.py checks that each link finds its
                # file), if the book offers its format.
                return not_offered_link(target_path.removeprefix("/"), book)
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
