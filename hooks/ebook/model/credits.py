"""Credits: the works the book credits, a page's attribution, and the credit line.

CC BY 4.0 asks for appropriate credit (title, author, source, licence), a link to the licence
and a note of what changed. The credit line is made here only, in its two forms: plain text
(PDF metadata, EPUB rights) and HTML (every page's attribution block).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mkdocs.exceptions import PluginError

from ebook.model import fields

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
class PageAttribution:
    original: Work
    licence: Licence  # the page's own licence
    adapted_from: Work | None = None  # another work this page adapts
    written_by: str = ""  # contributors who wrote this page new for this edition
    changes: str = ""


WORK_KEYS = frozenset({"title", "author", "source_url", "license", "publisher", "year"})
PAGE_FIELDS = frozenset({"adapted_from", "written_by", "license", "changes"})  # under a page's `attribution:`


YEARS = (1000, 2999)  # a plausible year of publication: catches a sign or a digit too many


def parse_work(raw: Any, *, where: str) -> Work:
    if not isinstance(raw, Mapping):
        raise PluginError(f"{where}: expected a mapping with {', '.join(sorted(WORK_KEYS))}.")
    fields.no_unknown_keys(raw, WORK_KEYS, where)
    year = raw.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not YEARS[0] <= year <= YEARS[1]):
        raise PluginError(f"{where}.year: {year!r} is not a year: write the year it was published as a "
                          f"number from {YEARS[0]} to {YEARS[1]}, e.g. 2022.")
    return Work(
        title=fields.text(raw, "title", where),
        author=fields.text(raw, "author", where),
        source_url=fields.web_address(raw, "source_url", where),
        licence=parse_licence(raw.get("license"), f"{where}.license"),
        publisher=fields.text(raw, "publisher", where, default=""),
        year=year,
    )


def page_attribution(original: Work, changes: str, meta: Mapping[str, Any], *, source: str) -> PageAttribution:
    """The attribution of one page, from the original work, what this edition changed in the
    pages it adapts from it, and the page's front matter."""
    raw = meta.get("attribution")
    where = f"{source}: front matter field 'attribution'"
    if raw is None:
        return PageAttribution(original, original.licence, changes=changes)
    if not isinstance(raw, Mapping):
        raise PluginError(f"{where}: expected a mapping with one of adapted_from or written_by.")
    fields.no_unknown_keys(raw, PAGE_FIELDS, where)
    if "adapted_from" in raw and "written_by" in raw:
        raise PluginError(f"{where}: use adapted_from or written_by, not both.")
    adapted_from = None
    if "adapted_from" in raw:
        adapted_from = parse_work(raw["adapted_from"], where=f"{where}.adapted_from")
    written_by = fields.text(raw, "written_by", where, default="") if "written_by" in raw else ""
    default_licence = adapted_from.licence if adapted_from else original.licence
    licence = parse_licence(raw["license"], f"{where}.license") if "license" in raw else default_licence
    default_changes = "" if (adapted_from or written_by) else changes
    return PageAttribution(
        original=original,
        licence=licence,
        adapted_from=adapted_from,
        written_by=written_by,
        changes=fields.text(raw, "changes", where, default=default_changes),
    )


def parse_licence(value: Any, where: str) -> Licence:
    if value not in LICENCES:
        raise PluginError(
            f"{where}: unknown licence {value!r}; use one of: {', '.join(LICENCES)}."
        )
    return LICENCES[value]


# --- The credit line -------------------------------------------------------------------------


def published(work: Work) -> str:
    """"Publisher, Year", or what of it is known ("" for neither)."""
    return ", ".join(part for part in (work.publisher, str(work.year or "")) if part)


def credit_text(work: Work) -> str:
    """“Title” by Author (Publisher, Year): the credit line in plain text."""
    when = published(work)
    return f"“{work.title}” by {work.author}" + (f" ({when})" if when else "")


def credit_html(work: Work, *, licence_rel: str = "") -> str:
    """The credit line in HTML, every value escaped and the title and licence linked (the
    licence's link with `rel="license"` where it is the licence of the document itself)."""
    when = published(work)
    when = f" ({_e(when)})" if when else ""
    return (
        f"<cite>{link(work.source_url, work.title)}</cite> by {_e(work.author)}{when}, "
        f"licensed under {link(work.licence.url, work.licence.name, rel=licence_rel)}"
    )


def link(url: str, text: str, rel: str = "") -> str:
    rel_attr = f' rel="{rel}"' if rel else ""
    return f'<a href="{_e(url)}"{rel_attr}>{_e(text)}</a>'


def _e(text: str) -> str:
    return html.escape(text, quote=True)
