"""Attribution: every page credits the original work (title, author, source, licence).

CC BY 4.0 asks for appropriate credit, a link to the licence and a note of what changed.
Added to every page built from `docs/` (by hooks/attribution.py):

- a visible attribution block at the end of the content (so the print page carries it too),
- `<link rel="license">` and schema.org JSON-LD in the page's `<head>`.

Book-level defaults live in `mkdocs.yml` under `extra.book`; a page's front matter can
override them under `attribution:` (see CONTRIBUTING.md); the credits themselves are
read in ebook/model/credits.py.
"""

from __future__ import annotations

import html
import json
from typing import Any

from ebook.model.credits import PageAttribution, Work, credit_html, link

BLOCK_CLASS = "book-attribution"


# --- Rendering (every value escaped) ---------------------------------------------------------


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def render_block(attribution: PageAttribution) -> str:
    """The visible attribution block appended to a page's content."""
    original = attribution.original
    lines = [
        f"<p><strong>Original work:</strong> {credit_html(original)}. "
        f"Source: {link(original.source_url, original.source_url)}.</p>"
    ]
    if attribution.adapted_from:
        lines.append(f"<p>This page is adapted from {credit_html(attribution.adapted_from)}.</p>")
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
        f"{link(attribution.licence.url, attribution.licence.name, rel='license')}.</p>"
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
