"""Credits: the works the book credits, this edition, a page's attribution, and the credit lines.

CC BY 4.0 asks for appropriate credit (title, author, source, licence), a link to the licence
and a note of what changed. This edition is not the original: it has its own editors (and
publisher, if any) and its own address, and is credited beside the original, never in its place.
`Credits` is the one model of both that every output reads (pages, print page, PDFs, EPUB); each
credit line is made here only, in its two forms: plain text (PDF and EPUB metadata) and HTML.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mkdocs.exceptions import PluginError

from ebook.model import fields


@dataclass(frozen=True)
class Licence:
    name: str
    url: str
    terms: frozenset[str] = frozenset()  # what it asks of whoever reuses the work (below)
    version: tuple[int, ...] = ()

    def reuse_text(self) -> str:
        """What the licence lets a reader of this edition do, and asks in return, in plain words
        (the copyright page's): only what its terms allow."""
        if ATTRIBUTION not in self.terms:
            return "You may use it for any purpose, without asking and without credit."
        may = "share it, unchanged," if NO_DERIVATIVES in self.terms else "share and adapt it"
        purpose = " for non-commercial purposes only" if NON_COMMERCIAL in self.terms else ""
        asks = ["credit this edition and the original work", "link to the licence"]
        if NO_DERIVATIVES not in self.terms:
            asks.append("say what you changed")
        if SHARE_ALIKE in self.terms:
            asks.append("share what you adapt under the same licence")
        return f"You may {may}{purpose} under the terms of that licence: {', '.join(asks[:-1])}, and {asks[-1]}."


# A licence's terms, as Creative Commons names them: credit the author; share adaptations under
# the same licence; no commercial use; share no adaptation at all. What each allows an adaptation
# of the work is in adaptation.py.
ATTRIBUTION, SHARE_ALIKE, NON_COMMERCIAL, NO_DERIVATIVES = "Attribution", "ShareAlike", "NonCommercial", "NoDerivatives"


def _cc(name: str, url: str, *terms: str) -> Licence:
    return Licence(name, url, frozenset(terms), tuple(int(part) for part in name.rsplit(" ", 1)[1].split(".")))


# The Creative Commons licences a page may use; each links to its deed.
LICENCES: Mapping[str, Licence] = {
    "CC-BY-4.0": _cc("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/", ATTRIBUTION),
    "CC-BY-SA-4.0": _cc("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/",
                        ATTRIBUTION, SHARE_ALIKE),
    "CC-BY-NC-4.0": _cc("CC BY-NC 4.0", "https://creativecommons.org/licenses/by-nc/4.0/",
                        ATTRIBUTION, NON_COMMERCIAL),
    "CC-BY-NC-SA-4.0": _cc("CC BY-NC-SA 4.0", "https://creativecommons.org/licenses/by-nc-sa/4.0/",
                           ATTRIBUTION, NON_COMMERCIAL, SHARE_ALIKE),
    "CC-BY-ND-4.0": _cc("CC BY-ND 4.0", "https://creativecommons.org/licenses/by-nd/4.0/",
                        ATTRIBUTION, NO_DERIVATIVES),
    "CC-BY-NC-ND-4.0": _cc("CC BY-NC-ND 4.0", "https://creativecommons.org/licenses/by-nc-nd/4.0/",
                           ATTRIBUTION, NON_COMMERCIAL, NO_DERIVATIVES),
    "CC0-1.0": _cc("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),  # asks nothing
}
NO_LICENCE = Licence("", "")  # stands in for a licence the settings got wrong, until the build stops


@dataclass(frozen=True)
class Work:
    """A work we credit: the original book, or another work a page adapts."""

    title: str
    author: str
    source_url: str
    licence: Licence
    publisher: str = ""
    year: int | None = None


# What a page by this edition's editors says under `written_by:`: shown as their names when
# mkdocs.yml names them, else as these words. Words, never a name: no metadata carries them.
EDITORS = "the editors of this edition"


@dataclass(frozen=True)
class Edition:
    """This edition: its title (site_name), who adapted it, who publishes it, where it is read."""

    title: str
    subtitle: str = ""
    editors: tuple[str, ...] = ()  # their real names; none named: no output names an editor
    publisher: str = ""  # none: no publisher is named for it
    url: str = ""  # the site's address (SITE_URL); "" when not set

    @property
    def full_title(self) -> str:
        """"Title: Subtitle", or the title alone."""
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title

    @property
    def editor_names(self) -> tuple[str, ...]:
        """Each editor for metadata (contributors in the editor's role): their names, or none."""
        return self.editors

    @property
    def editors_text(self) -> str:
        """The editors' names joined in words: "A", "A and B", "A, B and C"; "" for none."""
        return and_list(self.editors)


def and_list(names: Sequence[str]) -> str:
    return " and ".join(filter(None, (", ".join(names[:-1]), names[-1]))) if names else ""


# The outputs whose credit may describe other changes than the pages' (ebook.model.book.Kind).
WORKSHEET = "worksheet"


@dataclass(frozen=True)
class Credits:
    """Who made what: this edition, the original it adapts, what the edition changed, and the
    edition's licence. Read by every output, so they all credit alike."""

    original: Work
    edition: Edition
    licence: Licence  # this edition's
    changes: str  # what this edition changed in the pages adapted from the original
    worksheet_changes: str  # the same, for a chapter's reflection worksheet (its prompts alone)

    def changes_for(self, kind: str, page_changes: str | None = None) -> str:
        """What an output changed from the work it adapts: a worksheet has only the chapter's
        reflection prompts, set out to write on; every other output has the whole page
        (`page_changes`, the page's own note, or the book's when None)."""
        changes = self.changes if page_changes is None else page_changes
        return self.worksheet_changes if kind == WORKSHEET and changes else changes

    # --- Plain text (metadata) ---

    def edited_by(self) -> str:
        """"Subtitle, edited by Editors" ("Edited by Editors" without a subtitle, "Subtitle"
        without editors, "" without either): a cover's line."""
        edition = self.edition
        edited = f"edited by {edition.editors_text}" if edition.editors else ""
        if not edition.subtitle:
            return edited[:1].upper() + edited[1:]
        return f"{edition.subtitle}, {edited}" if edited else edition.subtitle

    def adapted_from_original(self) -> str:
        """"Adapted from the original (Publisher, Year)": a cover's line, below the author."""
        when = published(self.original)
        return "Adapted from the original" + (f" ({when})" if when else "")

    def edition_text(self) -> str:
        """“Title: Subtitle”, edited by Editors (Publisher), URL: each part only when known."""
        edition = self.edition
        edited = f", edited by {edition.editors_text}" if edition.editors else ""
        publisher = f" ({edition.publisher})" if edition.publisher else ""
        url = f", {edition.url}" if edition.url else ""
        return f"“{edition.full_title}”{edited}{publisher}{url}"

    def original_text(self) -> str:
        """“Title” by Author (Publisher, Year), licensed under Licence, URL."""
        original = self.original
        return f"{credit_text(original)}, licensed under {original.licence.name}, {original.source_url}"

    def page_credit_lines(self, title: str | None = None) -> tuple[str, str]:
        """The credit every printed page carries at its foot, as a web page's attribution opens
        with it: the original work and its author, then its licence and source. Two lines, so
        that a line breaks between the two, not inside the licence's name. `title`: the work's
        title as the foot has room for (a long one shortened); the whole title by default."""
        original = self.original
        named = dataclasses.replace(original, title=title) if title is not None else original
        return (f"Original work: {credit_text(named)},",
                f"licensed under {original.licence.name}, {original.source_url}")

    def suggested_credit_text(self) -> str:
        """The credit to give when reusing this edition: the edition, then the original."""
        return (f"{self.edition_text()}, licensed under {self.licence.name}. "
                f"Adapted from {self.original_text()}.")

    def rights_text(self) -> str:
        """The licence statement of a download of the whole book (EPUB and PDF rights)."""
        original = self.original
        return (f"{self.edition_text()}. Licensed under {self.licence.name} ({self.licence.url}). "
                f"Adapted from {credit_text(original)}, {original.source_url}, licensed under "
                f"{original.licence.name} ({original.licence.url}).")

    # --- HTML (every value escaped) ---

    def edition_html(self, *, link_addresses: bool = True) -> str:
        """The edition's credit in HTML: its title (linked to its address, when known, and the
        address shown), editors and publisher, each when known. Without `link_addresses` the
        address is shown as text only: its title links there already."""
        edition = self.edition
        title = link(edition.url, edition.full_title) if edition.url else _e(edition.full_title)
        edited = f", edited by {_e(edition.editors_text)}" if edition.editors else ""
        publisher = f" ({_e(edition.publisher)})" if edition.publisher else ""
        url = f", {_address(edition.url, link_addresses)}" if edition.url else ""
        return f"<cite>{title}</cite>{edited}{publisher}{url}"

    def suggested_credit_html(self, *, link_addresses: bool = True) -> str:
        """The suggested credit in HTML; without `link_addresses` (a web page, where a link whose
        text is its own address is hard to read aloud) each address is text, its title the link."""
        original = self.original
        return (f"{self.edition_html(link_addresses=link_addresses)}, licensed under "
                f"{link(self.licence.url, self.licence.name)}. Adapted from {credit_html(original)}, "
                f"{_address(original.source_url, link_addresses)}.")


@dataclass(frozen=True)
class PageAttribution:
    credits: Credits  # the book's
    licence: Licence  # the page's own licence
    adapted_from: Work | None = None  # another work this page adapts
    written_by: str = ""  # contributors who wrote this page new for this edition
    changes: str = ""
    by_editors: bool = False  # written by this edition's editors (`written_by`: EDITORS): never a name

    @property
    def original(self) -> Work:
        return self.credits.original

    def for_output(self, kind: str) -> PageAttribution:
        """This page's credit as `kind` of download has it (its changes are the output's own)."""
        return dataclasses.replace(self, changes=self.credits.changes_for(kind, self.changes))


WORK_KEYS = frozenset({"title", "author", "source_url", "license", "publisher", "year"})
PAGE_FIELDS = frozenset({"adapted_from", "written_by", "license", "changes"})  # under a page's `attribution:`


YEARS = (1000, 2999)  # a plausible year of publication: catches a sign or a digit too many


def parse_work(raw: Any, *, where: str, problems: fields.Problems | None = None) -> Work:
    """A work's fields; with `problems`, each mistake is kept there and the others read too."""
    if not isinstance(raw, Mapping):
        raise PluginError(f"{where}: expected a mapping with {', '.join(sorted(WORK_KEYS))}.")
    read = (problems or fields.Problems(collect=False)).read
    read(lambda: fields.no_unknown_keys(raw, WORK_KEYS, where), None)
    return Work(
        title=read(lambda: fields.text(raw, "title", where), ""),
        author=read(lambda: fields.text(raw, "author", where), ""),
        source_url=read(lambda: fields.web_address(raw, "source_url", where), ""),
        licence=read(lambda: parse_licence(raw.get("license"), f"{where}.license"), NO_LICENCE),
        publisher=read(lambda: fields.text(raw, "publisher", where, default=""), ""),
        year=read(lambda: _year(raw.get("year"), where), None),
    )


def _year(year: Any, where: str) -> int | None:
    if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not YEARS[0] <= year <= YEARS[1]):
        raise PluginError(f"{where}.year: {year!r} is not a year: write the year it was published as a "
                          f"number from {YEARS[0]} to {YEARS[1]}, e.g. 2022.")
    return year if isinstance(year, int) else None


def page_attribution(book: Credits, meta: Mapping[str, Any], *, source: str) -> PageAttribution:
    """The attribution of one page, from the book's credits and the page's front matter."""
    raw = meta.get("attribution")
    where = f"{source}: front matter field 'attribution'"
    original = book.original
    if raw is None:
        return PageAttribution(book, original.licence, changes=book.changes)
    if not isinstance(raw, Mapping):
        raise PluginError(f"{where}: expected a mapping with one of adapted_from or written_by.")
    fields.no_unknown_keys(raw, PAGE_FIELDS, where)
    if "adapted_from" in raw and "written_by" in raw:
        raise PluginError(f"{where}: use adapted_from or written_by, not both.")
    adapted_from = None
    if "adapted_from" in raw:
        adapted_from = parse_work(raw["adapted_from"], where=f"{where}.adapted_from")
    written_by = fields.text(raw, "written_by", where, default="") if "written_by" in raw else ""
    by_editors = written_by.casefold() == EDITORS
    default_licence = adapted_from.licence if adapted_from else original.licence
    licence = parse_licence(raw["license"], f"{where}.license") if "license" in raw else default_licence
    default_changes = "" if (adapted_from or written_by) else book.changes
    return PageAttribution(
        credits=book,
        licence=licence,
        adapted_from=adapted_from,
        # None named: the page keeps its words, which no metadata takes for a name (by_editors).
        written_by=(book.edition.editors_text or written_by) if by_editors else written_by,
        changes=fields.text(raw, "changes", where, default=default_changes),
        by_editors=by_editors,
    )


def parse_licence(value: Any, where: str) -> Licence:
    if value is None:
        raise PluginError(f"{where} is missing: add the licence, one of: {', '.join(LICENCES)}.")
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


def _address(url: str, linked: bool) -> str:
    return link(url, url) if linked else _e(url)


def _e(text: str) -> str:
    return html.escape(text, quote=True)
