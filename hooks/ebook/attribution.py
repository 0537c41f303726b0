"""Attribution: every page credits the original work (title, author, source, licence).

CC BY 4.0 asks for appropriate credit, a link to the licence and a note of what changed.
This hook adds, to every page built from `docs/`:

- a visible attribution block at the end of the content (so the print page carries it too),
- `<link rel="license">` and schema.org JSON-LD in the page's `<head>`.

Book-level defaults live in `mkdocs.yml` under `extra.book`; a page's front matter can
override them under `attribution:` (see CONTRIBUTING.md). The logic is in plain functions;
the MkDocs event functions at the top only adapt.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping
from urllib.parse import urlsplit

from markupsafe import Markup
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

CONFIG_FILE = "mkdocs.yml"
BLOCK_CLASS = "book-attribution"


# --- MkDocs events ---------------------------------------------------------------------------

_book: BookSettings | None = None
_head_by_page: dict[str, str] = {}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _book
    _book = parse_book_settings(config.extra.get("book"))
    _head_by_page.clear()
    return config


# Priority 50: run before print-site stores each page's HTML for the combined print page.
@event_priority(50)
def on_page_content(html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    assert _book is not None
    attribution = page_attribution(_book, page.meta, source=f"docs/{page.file.src_uri}")
    _head_by_page[page.file.src_uri] = render_head(
        attribution, page_title=page.title or "", is_chapter=is_chapter(_book, page.file.src_uri)
    )
    return html_text + render_block(attribution)


def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig,
                    nav: Navigation) -> dict[str, Any]:
    # For overrides/main.html, which writes it at the end of <head>.
    context["attribution_head"] = Markup(_head_by_page[page.file.src_uri])
    return context


# --- Data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Licence:
    name: str
    url: str


# The Creative Commons licences a page may use; each links to its deed.
LICENCES: Mapping[str, Licence] = {
    "CC-BY-4.0": Licence("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-SA-4.0": Licence("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    "CC-BY-NC-4.0": Licence("CC BY-NC 4.0", "https://creativecommons.org/licenses/by-nc/4.0/"),
    "CC-BY-NC-SA-4.0": Licence(
        "CC BY-NC-SA 4.0", "https://creativecommons.org/licenses/by-nc-sa/4.0/"
    ),
    "CC-BY-ND-4.0": Licence("CC BY-ND 4.0", "https://creativecommons.org/licenses/by-nd/4.0/"),
    "CC-BY-NC-ND-4.0": Licence(
        "CC BY-NC-ND 4.0", "https://creativecommons.org/licenses/by-nc-nd/4.0/"
    ),
    "CC0-1.0": Licence("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
}


@dataclass(frozen=True)
class Work:
    """A work we credit: the original book, or another work a page adapts."""

    title: str
    author: str
    source_url: str
    licence: Licence
    publisher: str = ""
    year: int | None = None


@dataclass(frozen=True)
class BookSettings:
    original: Work  # the book this edition adapts
    edition_title: str
    changes: str  # what this edition changed, for pages adapted from the original
    chapters_dir: str
    language: str
    chapter_template: str  # the file new chapters start from, relative to mkdocs.yml


@dataclass(frozen=True)
class PageAttribution:
    original: Work
    licence: Licence  # the page's own licence
    adapted_from: Work | None = None  # another work this page adapts
    written_by: str = ""  # contributors who wrote this page new for this edition
    changes: str = ""


# --- Parsing and checking --------------------------------------------------------------------

_WORK_KEYS = {"title", "author", "source_url", "license", "publisher", "year"}
_PAGE_KEYS = {"adapted_from", "written_by", "license", "changes"}
PAGE_FIELDS = frozenset(_PAGE_KEYS)  # the fields under a page's `attribution:`


def parse_book_settings(raw: Any) -> BookSettings:
    where = f"{CONFIG_FILE}: extra.book"
    if not isinstance(raw, Mapping):
        raise PluginError(f"{where} is missing: add the book's title, author, source_url and license.")
    book = dict(raw)
    extra_keys = {"edition_title", "changes", "chapters_dir", "language", "chapter_template"}
    original = parse_work(
        {k: v for k, v in book.items() if k not in extra_keys}, where=where
    )
    return BookSettings(
        original=original,
        edition_title=_text(book, "edition_title", where, default=original.title),
        changes=_text(book, "changes", where),
        chapters_dir=_text(book, "chapters_dir", where, default="chapters").strip("/"),
        language=_text(book, "language", where, default="en"),
        chapter_template=_text(book, "chapter_template", where, default="templates/chapter.md"),
    )


def parse_work(raw: Any, *, where: str) -> Work:
    if not isinstance(raw, Mapping):
        raise PluginError(f"{where}: expected a mapping with {', '.join(sorted(_WORK_KEYS))}.")
    _no_unknown_keys(raw, _WORK_KEYS, where)
    year = raw.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise PluginError(f"{where}.year: {year!r} is not a year: write it as a number, e.g. 2022.")
    return Work(
        title=_text(raw, "title", where),
        author=_text(raw, "author", where),
        source_url=_url(raw, "source_url", where),
        licence=_licence(raw.get("license"), f"{where}.license"),
        publisher=_text(raw, "publisher", where, default=""),
        year=year,
    )


def page_attribution(book: BookSettings, meta: Mapping[str, Any], *, source: str) -> PageAttribution:
    """The attribution of one page, from the book's settings and the page's front matter."""
    raw = meta.get("attribution")
    where = f"{source}: front matter field 'attribution'"
    if raw is None:
        return PageAttribution(book.original, book.original.licence, changes=book.changes)
    if not isinstance(raw, Mapping):
        raise PluginError(f"{where}: expected a mapping with one of adapted_from or written_by.")
    _no_unknown_keys(raw, _PAGE_KEYS, where)
    if "adapted_from" in raw and "written_by" in raw:
        raise PluginError(f"{where}: use adapted_from or written_by, not both.")
    adapted_from = None
    if "adapted_from" in raw:
        adapted_from = parse_work(raw["adapted_from"], where=f"{where}.adapted_from")
    written_by = _text(raw, "written_by", where, default="") if "written_by" in raw else ""
    default_licence = adapted_from.licence if adapted_from else book.original.licence
    licence = _licence(raw["license"], f"{where}.license") if "license" in raw else default_licence
    default_changes = "" if (adapted_from or written_by) else book.changes
    return PageAttribution(
        original=book.original,
        licence=licence,
        adapted_from=adapted_from,
        written_by=written_by,
        changes=_text(raw, "changes", where, default=default_changes),
    )


def _no_unknown_keys(raw: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(map(str, raw)) - allowed)
    if unknown:
        raise PluginError(
            f"{where}: unknown field {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}."
        )


_MISSING = object()


def _text(raw: Mapping[str, Any], key: str, where: str, default: Any = _MISSING) -> str:
    value = raw.get(key, default)
    if value is _MISSING or value is None or (isinstance(value, str) and not value.strip()):
        if default is not _MISSING:
            return default
        raise PluginError(f"{where}.{key} is missing: add it as text.")
    if not isinstance(value, str):
        raise PluginError(f"{where}.{key}: expected text, found {value!r}; put it in quotes.")
    return value.strip()


def _url(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = _text(raw, key, where)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", value):
        raise PluginError(
            f"{where}.{key}: {value!r} is not a web address: write it in full, "
            "starting with https://"
        )
    return value


def _licence(value: Any, where: str) -> Licence:
    if value not in LICENCES:
        raise PluginError(
            f"{where}: unknown licence {value!r}; use one of: {', '.join(LICENCES)}."
        )
    return LICENCES[value]


def is_chapter(book: BookSettings, src_uri: str) -> bool:
    """A page in the chapters folder, its index page included."""
    return src_uri.startswith(book.chapters_dir + "/")


def is_chapter_page(book: BookSettings, src_uri: str) -> bool:
    """A chapter: a page in the chapters folder other than the folder's index page."""
    return is_chapter(book, src_uri) and src_uri.rsplit("/", 1)[-1] != "index.md"


# --- Rendering (every value escaped) ---------------------------------------------------------


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _link(url: str, text: str, rel: str = "") -> str:
    rel_attr = f' rel="{rel}"' if rel else ""
    return f'<a href="{_e(url)}"{rel_attr}>{_e(text)}</a>'


def _credit(work: Work) -> str:
    """“Title” by Author (Publisher, Year), licensed under Licence."""
    published = ", ".join(p for p in (work.publisher, str(work.year or "")) if p)
    published = f" ({_e(published)})" if published else ""
    return (
        f"<cite>{_link(work.source_url, work.title)}</cite> by {_e(work.author)}{published}, "
        f"licensed under {_link(work.licence.url, work.licence.name)}"
    )


def render_block(attribution: PageAttribution) -> str:
    """The visible attribution block appended to a page's content."""
    original = attribution.original
    lines = [
        f"<p><strong>Original work:</strong> {_credit(original)}. "
        f"Source: {_link(original.source_url, original.source_url)}.</p>"
    ]
    if attribution.adapted_from:
        lines.append(f"<p>This page is adapted from {_credit(attribution.adapted_from)}.</p>")
    elif attribution.written_by:
        lines.append(
            f"<p>This page was written for this edition by {_e(attribution.written_by)}.</p>"
        )
    else:
        lines.append("<p>This page is adapted from the original work.</p>")
    if attribution.changes:
        lines.append(f"<p>Changes: {_e(attribution.changes)}</p>")
    lines.append(
        f"<p>This page is licensed under "
        f"{_link(attribution.licence.url, attribution.licence.name, rel='license')}.</p>"
    )
    body = "\n".join(lines)
    # Left out of the search index (Material's data-search-exclude): the same credit on every
    # page would make every page a result for its words, and the index a tenth larger.
    return (f'\n<div class="{BLOCK_CLASS}" role="note" aria-label="Attribution" data-search-exclude="">'
            f'\n{body}\n</div>\n')


def _person(name: str) -> dict[str, str]:
    return {"@type": "Person", "name": name}


def _work_jsonld(work: Work, kind: str = "CreativeWork") -> dict[str, Any]:
    data: dict[str, Any] = {
        "@type": kind,
        "name": work.title,
        "author": _person(work.author),
        "url": work.source_url,
        "license": work.licence.url,
    }
    if work.publisher:
        data["publisher"] = {"@type": "Organization", "name": work.publisher}
    if work.year:
        data["datePublished"] = str(work.year)
    return data


def jsonld(attribution: PageAttribution, *, page_title: str, is_chapter: bool) -> dict[str, Any]:
    """schema.org data: the book as `Book`, a chapter as `Chapter` that `isPartOf` the book."""
    book = _work_jsonld(attribution.original, "Book")
    if not is_chapter:
        return {"@context": "https://schema.org", **book}
    based_on = attribution.adapted_from or attribution.original
    author = attribution.written_by or based_on.author
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Chapter",
        "name": page_title,
        "author": _person(author),
        "license": attribution.licence.url,
        "isPartOf": book,
    }
    if not attribution.written_by:
        data["isBasedOn"] = _work_jsonld(based_on)
    return data


def render_head(attribution: PageAttribution, *, page_title: str, is_chapter: bool) -> str:
    data = json.dumps(jsonld(attribution, page_title=page_title, is_chapter=is_chapter),
                      ensure_ascii=False, sort_keys=True)
    # Inside <script>, "</script>" or "<!--" in a value would end the element early: escape them.
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (
        f'<link rel="license" href="{_e(attribution.licence.url)}">\n'
        f'<script type="application/ld+json">{data}</script>\n'
    )
