"""The EPUB's metadata and the XHTML documents written here in full: each chapter's, the cover
(and its SVG image) and the title page with the credits and the licence.

Every document carries the script-free policy of the print documents (`csp.document_policy`)
first thing in its head, and is checked to be well-formed XML before it goes into the book.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass
from datetime import datetime

from lxml import etree
from mkdocs.exceptions import PluginError

from ebook.epub.convert import ConvertedChapter, EpubChapter, relative
from ebook.model import credits
from ebook.model.settings import BookSettings, EpubSettings
from ebook.site import csp


@dataclass(frozen=True)
class Metadata:
    identifier: str
    title: str  # this edition's
    original: credits.Work  # the book it adapts: its author is the EPUB's, its licence the EPUB's
    language: str
    description: str
    date: datetime
    changes: str
    accessibility_summary: str

    @property
    def rights(self) -> str:
        licence = self.original.licence
        return (
            f"This edition is licensed under {licence.name} ({licence.url}). "
            f"It is adapted from {credits.credit_text(self.original)}, licensed under {licence.name}."
        )


def book_metadata(
    book: BookSettings, settings: EpubSettings, *, description: str, date: datetime
) -> Metadata:
    return Metadata(
        identifier=settings.identifier,
        title=book.edition_title,
        original=book.original,
        language=book.language,
        description=" ".join(description.split()),
        date=date,
        changes=book.changes,
        accessibility_summary=settings.accessibility_summary,
    )


# Every image must carry a text alternative (checked in convert_chapter), and the cover image
# has one: reading the text alone is enough.
ACCESS_MODES = ("textual", "visual")
ACCESS_MODES_SUFFICIENT = ("textual",)
ACCESSIBILITY_FEATURES = (
    "structuralNavigation",   # headings in order, chapters as sections
    "tableOfContents",        # the navigation document
    "readingOrder",           # the spine follows the site's navigation
    "alternativeText",        # images' alt text
    "displayTransformability",  # no fixed fonts, sizes or colours that carry meaning
)
ACCESSIBILITY_HAZARDS = ("none",)


# Every document's policy: reading systems that honour one refuse script and anything from
# outside the book even if a chapter slipped it past the checks of convert.py.
POLICY = csp.document_policy()
POLICY_META = f'<meta http-equiv="Content-Security-Policy" content="{POLICY}"/>'

_XHTML = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" \
lang="{lang}" xml:lang="{lang}">
<head>
""" + POLICY_META + """
<title>{title}</title>
<link rel="stylesheet" type="text/css" href="{css}"/>
</head>
<body epub:type="{body_type}">
{body}
</body>
</html>
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def xhtml_document(*, title: str, lang: str, css: str, body: str, body_type: str, where: str) -> bytes:
    """A complete XHTML document, checked to be well-formed XML."""
    document = _XHTML.format(
        title=_e(title), lang=_e(lang), css=_e(css), body=body, body_type=body_type
    ).encode("utf-8")
    try:
        etree.fromstring(document)
    except etree.XMLSyntaxError as error:
        raise PluginError(
            f"{where}: the EPUB's XHTML for this page is not well-formed ({error}); "
            "check the page's raw HTML."
        ) from error
    return document


def chapter_document(chapter: EpubChapter, converted: ConvertedChapter, meta: Metadata) -> bytes:
    return xhtml_document(
        title=chapter.title,
        lang=meta.language,
        css=relative("styles/book.css", chapter.file_name),
        body=f'<section epub:type="chapter" role="doc-chapter">\n{converted.body}\n</section>',
        body_type="bodymatter",
        where=f"docs/{chapter.src_uri}",
    )


def cover_svg(meta: Metadata) -> str:
    """The cover image: the title and author in white on the book's teal, in the reading
    system's own sans-serif font (no font is fetched or embedded)."""
    lines = textwrap.wrap(meta.title, 16) or [meta.title]
    title = "\n".join(
        f'<text x="100" y="{380 + i * 130}" font-size="112" font-weight="bold">{_e(line)}</text>'
        for i, line in enumerate(lines)
    )
    author_y = 380 + len(lines) * 130 + 120
    author = meta.original.author
    return f"""<?xml version="1.0" encoding="utf-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1200 1800" width="1200" height="1800" \
role="img" aria-labelledby="cover-title">
<title id="cover-title">{_e(meta.title)}, by {_e(author)}</title>
<rect width="1200" height="1800" fill="#1d5f5a"/>
<rect x="100" y="200" width="240" height="16" fill="#ffffff"/>
<g fill="#ffffff" font-family="sans-serif">
{title}
<text x="100" y="{author_y}" font-size="64">{_e(author)}</text>
<text x="100" y="1640" font-size="40">{_e(meta.original.licence.name)}</text>
</g>
</svg>
"""


def cover_document(meta: Metadata) -> bytes:
    alt = f"Cover: {meta.title}, by {meta.original.author}"
    body = (
        '<section class="cover" epub:type="cover">\n'
        f'<img role="doc-cover" src="images/cover.svg" alt="{_e(alt)}"/>\n'
        "</section>"
    )
    return xhtml_document(title="Cover", lang=meta.language, css="styles/book.css",
                          body=body, body_type="cover", where="the EPUB's cover")


def title_document(meta: Metadata) -> bytes:
    """The title page: what the book is, who wrote it, its licence and what this edition changed."""
    original = meta.original
    licence = credits.link(original.licence.url, original.licence.name, rel="license")
    lines = [
        '<section class="titlepage" epub:type="titlepage" aria-labelledby="book-title">',
        f'<h1 id="book-title">{_e(meta.title)}</h1>',
        f'<p class="author">{_e(original.author)}</p>',
        f"<p>{_e(meta.description)}</p>" if meta.description else "",
        "</section>",
        '<section class="rights" epub:type="copyright-page" aria-label="Credits and licence">',
        f"<p><strong>Original work:</strong> {credits.credit_html(original, licence_rel='license')}. "
        f"Source: {credits.link(original.source_url, original.source_url)}.</p>",
        f"<p>Changes: {_e(meta.changes)}</p>" if meta.changes else "",
        f"<p>This edition is licensed under {licence}.</p>",
        f"<p>This EPUB was made on {meta.date:%Y-%m-%d}.</p>",
        "</section>",
    ]
    return xhtml_document(title=meta.title, lang=meta.language, css="styles/book.css",
                          body="\n".join(line for line in lines if line),
                          body_type="frontmatter", where="the EPUB's title page")
