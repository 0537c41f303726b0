"""The book: its settings, its chapters in reading order, and the rules every output shares.

Made once per build (`ebook.model.state`), from mkdocs.yml and the navigation. What a chapter
is, what a page's slug is and how the original is credited are decided here only, so the pages,
the print page, the PDFs, the EPUB, the offline edition, the downloads index and the checks
agree by construction.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from markdown.extensions.toc import slugify
from mkdocs_print_site_plugin.exclude import exclude
from mkdocs.exceptions import PluginError

from ebook.model import adaptation, credits
from ebook.model.credits import Credits, PageAttribution
from ebook.model.settings import SLUG_MAX, Settings

DOWNLOADS_DIR = "downloads"  # every downloadable file lives under site/downloads/
Kind = Literal["book", "handout", "worksheet", "epub", "offline"]


def page_slug(src_uri: str) -> str:
    """A page's slug: its file name without .md, or its folder's name for an index page.

    Downloads are named after it (handouts/<slug>.pdf), so the checks keep it unique in the book.
    """
    stem = posixpath.splitext(src_uri)[0]
    parts = stem.split("/")
    if parts[-1] in ("index", "README"):
        parts = parts[:-1]
    return parts[-1].lower() if parts else ""


def book_slug(site_name: str) -> str:
    """The downloads' base name, e.g. post-secondary-peer-support-training-curriculum."""
    return slugify(site_name, "-")


SITE_NAME_SLUG_MAX = 100  # the downloads' names add up to 20 characters to it; a file name may have 255


def checked_book_slug(site_name: str, settings: Settings) -> str:
    """The downloads' base name: `extra.book.slug`, or the one made from site_name, which must
    have a Latin letter or digit (a title in another script has none) and fit in a file name."""
    if settings.book.slug:
        return settings.book.slug
    slug = book_slug(site_name)
    if re.search(r"[a-z0-9]", slug) and len(slug) <= SITE_NAME_SLUG_MAX:
        return slug
    shown = site_name if len(site_name) <= 40 else site_name[:40] + "…"
    why = (f"makes a download name of {len(slug)} characters, more than {SITE_NAME_SLUG_MAX}"
           if len(slug) > SITE_NAME_SLUG_MAX else "has no Latin letter or digit to name the downloads after")
    raise PluginError(
        f"{settings.config_name}: site_name: {shown!r} {why}: set extra.book.slug to the downloads' name, "
        f"e.g. peer-support-training (up to {SLUG_MAX} letters a-z, digits and hyphens between them).")


# Where each kind of download lives under site/downloads/: the contract every export writes to
# and the index reads (`download_path` one way, `download_kind` the other).
DOWNLOAD_PATHS: dict[Kind, str] = {
    "book": "{book}.pdf",
    "handout": "handouts/{chapter}.pdf",
    "worksheet": "worksheets/{chapter}-reflection.pdf",
    "epub": "{book}.epub",
    "offline": "{book}-offline.zip",
}


def download_path(kind: Kind, *, book: str, chapter: str = "") -> str:
    """Where a download lives, site-relative (`book` and `chapter` are slugs)."""
    return f"{DOWNLOADS_DIR}/" + DOWNLOAD_PATHS[kind].format(book=book, chapter=chapter)


def download_kind(path: str, *, book: str) -> tuple[Kind, str] | None:
    """The kind of a download and its chapter's slug ("" for the whole book's files), from its
    site-relative path; None for a path no export writes."""
    for kind, pattern, of_chapter in _download_patterns(book):
        if found := pattern.fullmatch(path):
            return kind, found.group(1) if of_chapter else ""
    return None


@functools.cache
def _download_patterns(book: str) -> tuple[tuple[Kind, re.Pattern[str], bool], ...]:
    """Each kind's path as a pattern (a chapter's slug as its group), for the book `book`."""
    patterns = []
    for kind, template in DOWNLOAD_PATHS.items():
        before, chapter, after = f"{DOWNLOADS_DIR}/{template}".partition("{chapter}")
        pattern = re.escape(before.format(book=book)) + ("([^/]+)" if chapter else "") + re.escape(after)
        patterns.append((kind, re.compile(pattern), bool(chapter)))
    return tuple(patterns)


# The format (`extra.downloads`) each kind of download belongs to, and its name in messages.
KIND_FORMATS: dict[Kind, str] = {
    "book": "pdf", "handout": "pdf", "worksheet": "pdf", "epub": "epub", "offline": "offline"}
FORMAT_NAMES: dict[str, str] = {"pdf": "the PDFs", "epub": "the EPUB", "offline": "the offline edition"}


def unoffered_format(path: str, *, book: str, formats: Sequence[str]) -> str | None:
    """The format of the download at the site-relative `path` when the book does not offer it
    (`formats`, extra.downloads); None for a format it offers, or a path no export writes."""
    found = download_kind(path, book=book)
    if found is None or KIND_FORMATS[found[0]] in formats:
        return None
    return KIND_FORMATS[found[0]]


@dataclass(frozen=True)
class Chapter:
    src_uri: str  # docs-relative source path, e.g. chapters/connection.md
    url: str  # site-relative address of its page, e.g. chapters/connection/

    @property
    def slug(self) -> str:
        return page_slug(self.src_uri)


@dataclass(frozen=True)
class Book:
    settings: Settings
    title: str  # the edition's title: site_name
    description: str  # site_description
    site_url: str  # "" when the site's address is not set
    chapters: tuple[Chapter, ...] = ()  # in reading (navigation) order; known from on_nav

    def __post_init__(self) -> None:
        checked_book_slug(self.title, self.settings)  # a book whose downloads cannot be named stops here

    @property
    def slug(self) -> str:
        return checked_book_slug(self.title, self.settings)

    def is_chapter(self, src_uri: str) -> bool:
        """A chapter: a page in the chapters folder other than the folder's index page."""
        return (src_uri.startswith(self.settings.book.chapters_dir + "/")
                and posixpath.basename(src_uri) not in ("index.md", "README.md"))

    def is_printed(self, src_uri: str) -> bool:
        """A page a PDF prints: a chapter (its handout, its worksheet, the book), or a page the
        print page holds, which the book PDF is made from (print-site's `exclude:` leaves pages
        out of it; without print-site there is no print page)."""
        excluded = self.settings.print_excluded
        return self.is_chapter(src_uri) or (excluded is not None and not exclude(src_uri, list(excluded)))

    def with_chapters(self, src_uris_and_urls: Iterable[tuple[str, str]]) -> Book:
        """The same book with its chapters: the navigation's pages, in order, that are chapters."""
        chapters = tuple(Chapter(src, url) for src, url in src_uris_and_urls if self.is_chapter(src))
        return Book(self.settings, self.title, self.description, self.site_url, chapters)

    @property
    def credits(self) -> Credits:
        """This edition and the original it adapts, as every output credits them."""
        return self.settings.book.credits

    def page_attribution(self, meta: Mapping[str, Any], *, source: str) -> PageAttribution:
        """A page's credit: the book's defaults, or what its front matter says under `attribution:`
        (a download's own: `.for_output(kind)`)."""
        attribution = credits.page_attribution(self.credits, meta, source=source)
        where = f"{source}: front matter field 'attribution'"
        if attribution.adapted_from is not None:
            adaptation.check_adaptation(attribution.adapted_from.licence, attribution.licence, adaptation="page",
                                        where=f"{where}.adapted_from.license", edition_where=f"{where}.license")
        elif not attribution.written_by:  # the page adapts the original (its author wrote it otherwise)
            adaptation.check_adaptation(self.credits.original.licence, attribution.licence, adaptation="page",
                                        where=f"{where}.license", edition_where=f"{where}.license")
        return attribution

    def download_path(self, kind: Kind, chapter: str = "") -> str:
        return download_path(kind, book=self.slug, chapter=chapter)
