"""Attribution: every page credits the original work (title, author, source, licence).

CC BY 4.0 asks for appropriate credit, a link to the licence and a note of what changed.
Added to every page built from `docs/` (by hooks/attribution.py):

- a visible attribution block at the end of the content (so the print page carries it too),
- the suggested credit of this edition, where a page has the marker line `<!-- suggested credit -->`
  (docs/about.md): made from the same model as the PDFs' and the EPUB's, never kept by hand,
- `<link rel="license">` and schema.org JSON-LD in the page's `<head>`: this edition as a `Book`
  (its editors, the original's author, its licence, the original it is based on), and a chapter
  as a `Chapter` of it (the print page, which holds the whole book, has the `Book`'s:
  `render_book_head`, from ebook/site/print_page.py).

Book-level defaults live in `mkdocs.yml` under `extra.book`; a page's front matter can
override them under `attribution:` (see CONTRIBUTING.md); the credits themselves are
read in ebook/model/credits.py.
"""

from __future__ import annotations

import html
import json
from typing import Any

from ebook.model.credits import Credits, PageAttribution, Work, credit_html, link

BLOCK_CLASS = "book-attribution"
ORIGINAL_CLASS = "book-original-work"  # the block's credit of the original work, wherever it is in it
CREDIT_MARKER = "<!-- suggested credit -->"  # a line of its own in a page's Markdown
CREDIT_CLASS = "book-suggested-credit"


# --- Rendering (every value escaped) ---------------------------------------------------------


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def render_block(attribution: PageAttribution) -> str:
    """The visible attribution block appended to a page's content."""
    original = attribution.original
    credit = (f'<p class="{ORIGINAL_CLASS}"><strong>Original work:</strong> {credit_html(original)}. '
              f"Source: {link(original.source_url, original.source_url)}.</p>")
    if attribution.written_by and not attribution.adapted_from:
        # Its writer first: opening with the original work, a page written for this edition
        # read as if it were adapted from it.
        lines = [f"<p>This page was written for this edition by {_e(attribution.written_by)}.</p>", credit]
    else:
        lines = [credit]
        if attribution.adapted_from:
            lines.append(f"<p>This page is adapted from {credit_html(attribution.adapted_from)}.</p>")
        else:
            lines.append("<p>This page is adapted from the original work.</p>")
    if attribution.changes:
        lines.append(f"<p>Changes: {_e(attribution.changes)}</p>")
    lines.append(
        f"<p>This page is licensed under "
        f"{link(attribution.licence.url, attribution.licence.name, rel='license')}.</p>"
    )
    body = "\n".join(lines)
    # Left out of the search index (Material's data-search-exclude): the same credit on every
    # page would make every page a result for its words, and the index a tenth larger.
    return (f'\n<div class="{BLOCK_CLASS}" role="note" aria-label="Attribution" data-search-exclude="">'
            f'\n{body}\n</div>\n')


def with_suggested_credit(markdown: str, book: Credits) -> str:
    """The page's Markdown with each marker line replaced by this edition's suggested credit,
    as a quotation (the edition's address in it when the site has one). Each address is shown
    as text, which a reader copies with the credit; the titles link to them."""
    credit = book.suggested_credit_html(link_addresses=False)
    block = f'<blockquote class="{CREDIT_CLASS}"><p>{credit}</p></blockquote>'
    return "\n".join(block if line.strip() == CREDIT_MARKER else line for line in markdown.split("\n"))


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


def _editors(book: Credits) -> list[dict[str, str]]:
    """This edition's editors, by name; none when mkdocs.yml names none (never a placeholder)."""
    return [_person(name) for name in book.edition.editor_names]


def edition_jsonld(book: Credits) -> dict[str, Any]:
    """This edition as a schema.org `Book`: its editors (when named), the original's author, its
    licence, and the original it `isBasedOn`."""
    edition = book.edition
    data: dict[str, Any] = {
        "@type": "Book",
        "name": edition.title,
        "author": _person(book.original.author),
        "license": book.licence.url,
        "isBasedOn": _work_jsonld(book.original, "Book"),
    }
    if editors := _editors(book):
        data["editor"] = editors
    if edition.subtitle:
        data["alternativeHeadline"] = edition.subtitle
    if edition.url:
        data["url"] = edition.url
    if edition.publisher:
        data["publisher"] = {"@type": "Organization", "name": edition.publisher}
    return data


def jsonld(attribution: PageAttribution, *, page_title: str, is_chapter: bool) -> dict[str, Any]:
    """schema.org data: this edition as `Book`, a chapter as `Chapter` that `isPartOf` it and
    `isBasedOn` what it adapts (the original's chapter, or another work)."""
    book = edition_jsonld(attribution.credits)
    if not is_chapter:
        return {"@context": "https://schema.org", **book}
    based_on = attribution.adapted_from or attribution.original
    # A page by the editors, when none is named, has no author a reader could look up.
    authors = _editors(attribution.credits) if attribution.by_editors else \
        [_person(attribution.written_by or based_on.author)]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Chapter",
        "name": page_title,
        "license": attribution.licence.url,
        "isPartOf": book,
    }
    if authors:
        data["author"] = authors[0] if len(authors) == 1 else authors
    if "editor" in book:
        data["editor"] = book["editor"]
    if not attribution.written_by:
        data["isBasedOn"] = _work_jsonld(based_on)
    return data


def render_head(attribution: PageAttribution, *, page_title: str, is_chapter: bool) -> str:
    return _head(attribution.licence.url, jsonld(attribution, page_title=page_title, is_chapter=is_chapter))


def render_book_head(book: Credits) -> str:
    """The head of a page that holds the whole book (the print page): this edition's licence
    and its data, as every other page has its own."""
    return _head(book.licence.url, {"@context": "https://schema.org", **edition_jsonld(book)})


def _head(licence_url: str, data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    # Inside <script>, "</script>" or "<!--" in a value would end the element early: escape them.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (
        f'<link rel="license" href="{_e(licence_url)}">\n'
        f'<script type="application/ld+json">{text}</script>\n'
    )
