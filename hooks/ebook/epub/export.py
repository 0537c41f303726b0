"""EPUB 3: the book for e-readers and phones, made from the chapter HTML the site shows.

In `on_post_build` this hook writes `site/downloads/<book-slug>.epub` with a cover, a title page
carrying the credits and the licence, a navigation document, and every chapter in navigation
order. Each chapter is its page's content HTML, attribution block included, converted to XHTML:
permalink marks removed, collapsible boxes opened out (many reading systems cannot open them),
links to other chapters pointed inside the book, links to the rest of the site made absolute
(or left as plain text when `SITE_URL` is unset), and the site's images packed in.

The package carries title, author, language, publisher, date, rights, licence and the EPUB
accessibility metadata. With `SOURCE_DATE_EPOCH` set, two builds give byte-identical files.
`BOOK_EXPORTS=0` turns it off (the offline edition's own build does so).

Settings: `extra.epub` in mkdocs.yml (identifier, accessibility summary); the book's title,
author and licence come from `extra.book`, read with the attribution hook's own functions.
ebooklib writes the package (OPF, navigation document, NCX, zip); this file converts the pages
and fills in the metadata. The layout of the EPUB's own files:

    EPUB/cover.xhtml, title.xhtml, nav.xhtml, toc.ncx
    EPUB/styles/book.css, EPUB/images/cover.svg       (written here)
    EPUB/text/<chapter source path>.xhtml               (one per chapter)
    EPUB/site/<path in the site>                        (images the chapters show)
"""

from __future__ import annotations

import html
import io
import logging
import os
import posixpath
import re
import textwrap
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Mapping, Sequence
from urllib.parse import urljoin, urlsplit

from ebooklib import epub
from lxml import etree
from lxml import html as lxml_html
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

# MkDocs puts this hook's folder on sys.path while loading it; tests put it there too.
from ebook.site import csp
from ebook.model import files as export_files
from ebook.model.files import book_slug, exports_enabled
from ebook.model import state
from ebook.model.settings import BookSettings, EpubSettings

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

CONFIG_FILE = "mkdocs.yml"
CSS_FILE = Path(__file__).with_name("epub.css")
log = logging.getLogger("mkdocs.plugins.epub")


# --- MkDocs events ---------------------------------------------------------------------------

_enabled = True
_book: BookSettings | None = None
_settings: EpubSettings | None = None
_nav_order: list[str] = []
_pages: dict[str, PageContent] = {}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _enabled, _book, _settings
    _enabled = exports_enabled(os.environ)
    _book = state.book_of(config).settings.book
    _settings = state.book_of(config).settings.epub
    _nav_order.clear()
    _pages.clear()
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    # Declared even with BOOK_EXPORTS=0, so links to it are checked like links to any page.
    export_files.declare_download(files, config, f"downloads/{book_slug(config.site_name)}.epub")
    return files


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    _nav_order[:] = [page.file.src_uri for page in nav.pages]
    return nav


# Priority -50: after every hook that adds to the content (the attribution block comes at 50),
# so the EPUB gets each page's content exactly as the site shows it.
@event_priority(-50)
def on_page_content(html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    _pages[page.file.src_uri] = PageContent(
        url=page.url, title=page.title or "", html=html_text, is_index=page.is_index
    )
    return html_text


def on_post_build(config: MkDocsConfig) -> None:
    if not _enabled:
        return
    assert _book is not None and _settings is not None
    chapters = book_chapters(_book, _nav_order, _pages)
    if not chapters:
        log.info(f"No EPUB: the navigation lists no chapter under docs/{_book.chapters_dir}/.")
        return
    meta = book_metadata(
        _book, _settings,
        description=config.site_description or "",
        date=export_files.build_time(os.environ),
    )
    data = build_epub(meta, chapters, site_dir=Path(config.site_dir), site_url=config.site_url)
    dest = Path(config.site_dir) / "downloads" / f"{book_slug(config.site_name)}.epub"
    with export_files.written_in_one_step(dest) as temporary:
        temporary.write_bytes(data)
    log.info(f"EPUB written: downloads/{dest.name} ({len(chapters)} chapters, {len(data) // 1024} KB)")


# --- Settings --------------------------------------------------------------------------------


# --- The book's contents ---------------------------------------------------------------------


@dataclass(frozen=True)
class PageContent:
    url: str  # site-relative URL of the page, e.g. chapters/connection/
    title: str
    html: str  # the page's content HTML as the site shows it
    is_index: bool = False


@dataclass(frozen=True)
class Chapter:
    src_uri: str  # docs-relative source path, for messages and the file's name in the EPUB
    url: str
    title: str
    html: str

    @property
    def file_name(self) -> str:
        return "text/" + PurePosixPath(self.src_uri).with_suffix(".xhtml").as_posix()

    @property
    def doc_id(self) -> str:
        # An XML name: letters, digits, '-', '.', '_' only, starting with a letter.
        stem = PurePosixPath(self.src_uri).with_suffix("").as_posix()
        return "ch-" + "".join(c if c.isalnum() or c in "-._" else "-" for c in stem)


def book_chapters(
    book: BookSettings, nav_order: Sequence[str], pages: Mapping[str, PageContent]
) -> list[Chapter]:
    """The chapters in navigation order: pages under the chapters folder, its index pages aside
    (they list the chapters, which the EPUB's own navigation does)."""
    prefix = book.chapters_dir + "/"
    chapters = [
        Chapter(src_uri, pages[src_uri].url, pages[src_uri].title or PurePosixPath(src_uri).stem,
                pages[src_uri].html)
        for src_uri in nav_order
        if src_uri.startswith(prefix) and src_uri in pages and not pages[src_uri].is_index
    ]
    return chapters


# --- Metadata --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metadata:
    identifier: str
    title: str
    author: str
    publisher: str
    language: str
    description: str
    date: datetime
    licence_name: str
    licence_url: str
    source_title: str
    source_url: str
    source_year: int | None
    changes: str
    accessibility_summary: str

    @property
    def rights(self) -> str:
        published = ", ".join(p for p in (self.publisher, str(self.source_year or "")) if p)
        published = f" ({published})" if published else ""
        return (
            f"This edition is licensed under {self.licence_name} ({self.licence_url}). "
            f"It is adapted from “{self.source_title}” by {self.author}{published}, "
            f"licensed under {self.licence_name}."
        )


def book_metadata(
    book: BookSettings, settings: EpubSettings, *, description: str, date: datetime
) -> Metadata:
    original = book.original
    return Metadata(
        identifier=settings.identifier,
        title=book.edition_title,
        author=original.author,
        publisher=original.publisher,
        language=book.language,
        description=" ".join(description.split()),
        date=date,
        licence_name=original.licence.name,
        licence_url=original.licence.url,
        source_title=original.title,
        source_url=original.source_url,
        source_year=original.year,
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


# --- Chapter HTML to XHTML -------------------------------------------------------------------


@dataclass(frozen=True)
class ConvertedChapter:
    body: str  # well-formed XHTML: the chapter's content
    headings: list[tuple[str, str]] = field(default_factory=list)  # (id, text) of each h2
    images: list[str] = field(default_factory=list)  # site paths of the images it shows


_LINK_SCHEMES = ("http", "https", "mailto")
# Elements that run, embed, load or restyle from elsewhere; SVG animations can turn a link
# into script. The EPUB has no script at all, and loads nothing from outside itself.
_UNSUPPORTED = ("script", "iframe", "object", "embed", "video", "audio", "form", "frame", "frameset",
                "applet", "style", "link", "meta", "base", "animate", "set", "animatemotion",
                "animatetransform", "foreignobject", "portal")
# Links are resolved against the page's URL on this placeholder origin, then taken apart again.
_ORIGIN = "https://book.invalid/"


def convert_chapter(
    chapter: Chapter, epub_files: Mapping[str, str], *, site_url: str | None
) -> ConvertedChapter:
    """The chapter's content HTML as an XHTML fragment for the EPUB.

    `epub_files` maps the site URL of every page in the EPUB to its file in the EPUB.
    """
    where = f"docs/{chapter.src_uri}"
    root = lxml_html.fragment_fromstring(chapter.html, create_parent="div")
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)

    unsupported = next(root.iter(*_UNSUPPORTED), None)
    if unsupported is not None:
        raise PluginError(f"{where}: a <{unsupported.tag}> cannot go into the EPUB; remove it from the chapter.")
    refuse_script_and_remote(root, where=where)
    for permalink in root.xpath(".//a[contains(concat(' ', @class, ' '), ' headerlink ')]"):
        permalink.drop_tree()
    for details in list(root.iter("details")):
        _open_out(details)
    for link in list(root.iter("a")):
        if link.get("href") is not None:
            _point_link(link, chapter, epub_files, site_url)

    images: list[str] = []
    for image in root.iter("img"):
        images.append(_site_image(image, chapter, where))
        image.set("src", _relative(f"site/{images[-1]}", chapter.file_name))
        for attribute in ("srcset", "sizes", "loading"):
            image.attrib.pop(attribute, None)

    headings = [(h.get("id"), " ".join(h.text_content().split())) for h in root.iter("h2") if h.get("id")]
    parts = [html.escape(root.text or "", quote=False)]
    parts += [etree.tostring(child, encoding="unicode", method="xml") for child in root]
    return ConvertedChapter("".join(parts).strip(), headings, images)


# Attributes that make a reader fetch something; only a link's href may lead out of the book.
_RESOURCE_ATTRIBUTES = ("src", "srcset", "poster", "data", "background", "lowsrc", "dynsrc", "ping",
                        "action", "formaction", "xlink:href", "href", "codebase", "archive", "manifest")
_SCRIPT_URL = re.compile(r"^[\x00-\x20]*(?:j[\s]*a[\s]*v[\s]*a[\s]*s[\s]*c[\s]*r[\s]*i[\s]*p[\s]*t|vbscript|data)[\s]*:", re.I)


def refuse_script_and_remote(root: etree._Element, *, where: str) -> None:
    """Stop the build at anything in the chapter that would run script in the EPUB or make a
    reading system fetch from another site: event handlers (`on…`), script addresses, inline
    styles with `url(…)`, and resources that are not files of the book."""
    for element in root.iter():
        for name, value in element.attrib.items():
            name = name.lower()
            said = f"{where}: the attribute {name}={value[:60]!r} of a <{element.tag}>"
            if name.startswith("on"):
                raise PluginError(f"{said} would run script; the EPUB has none: remove it from the chapter.")
            if _SCRIPT_URL.match(value) and not (element.tag == "a" and name == "href"):
                raise PluginError(f"{said} is a script or data address; remove it from the chapter.")
            if name == "style" and re.search(r"url\s*\(|@import|image-set|expression", value, re.I):
                raise PluginError(f"{said} loads a file from its style; remove the style from the chapter.")
            # A link may lead out of the book; an image's own check says more (_site_image).
            if name in _RESOURCE_ATTRIBUTES and (element.tag, name) not in (("a", "href"), ("img", "src")) \
                    and _leaves_the_book(value, several=name in ("srcset", "ping", "archive")):
                raise PluginError(f"{said} loads a file from another site; put the file in docs/ "
                                  "and link to it there (books load nothing from other sites).")


def _leaves_the_book(value: str, *, several: bool) -> bool:
    """Whether an address (or each of a list's, for srcset and the like) is not a relative path."""
    addresses = [c.strip().split()[0] for c in value.split(",") if c.strip()] if several else [value.strip()]
    return any(urlsplit(a).scheme or a.startswith(("//", "\\")) or "\\" in a for a in addresses)


def _open_out(details: etree._Element) -> None:
    """A collapsible box becomes the same box, open: e-readers may not open <details>."""
    details.tag = "div"
    details.attrib.pop("open", None)
    details.set("class", " ".join(["admonition", *details.get("class", "").split()]))
    summary = details.find("summary")
    if summary is not None:
        summary.tag = "p"
        summary.attrib.clear()
        summary.set("class", "admonition-title")


def _point_link(link: etree._Element, chapter: Chapter, epub_files: Mapping[str, str], site_url: str | None) -> None:
    href = link.get("href", "").strip()
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        if parts.scheme not in _LINK_SCHEMES:
            link.drop_tag()  # nothing else opens from a book: keep the words
        return
    if not parts.path:
        return  # a place in this chapter
    absolute = urljoin(_ORIGIN + chapter.url, href)
    target = urlsplit(absolute)
    path = target.path.removeprefix("/")
    page = path.removesuffix("index.html")
    fragment = f"#{target.fragment}" if target.fragment else ""
    if page in epub_files:
        link.set("href", _relative(epub_files[page], chapter.file_name) + fragment)
    elif site_url:
        link.set("href", urljoin(site_url.rstrip("/") + "/", absolute.removeprefix(_ORIGIN)))
    else:
        # Without SITE_URL the rest of the site has no address a book could point to.
        link.drop_tag()


def _site_image(image: etree._Element, chapter: Chapter, where: str) -> str:
    src = image.get("src", "").strip()
    if image.get("alt") is None:
        raise PluginError(
            f"{where}: the image {src!r} has no text alternative; give it one "
            "(![what it shows](…)), or an empty one if it is only decoration."
        )
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path:
        raise PluginError(
            f"{where}: the image {src!r} is not a file of the book; put the image in docs/ and "
            "link to it there (books and pages load nothing from other sites)."
        )
    return urlsplit(urljoin(_ORIGIN + chapter.url, parts.path)).path.removeprefix("/")


def _relative(target: str, from_file: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(from_file) or ".")


# --- Documents -------------------------------------------------------------------------------

# Every document's policy: reading systems that honour one refuse script and anything from
# outside the book even if a chapter slipped it past the checks above.
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


def chapter_document(chapter: Chapter, converted: ConvertedChapter, meta: Metadata) -> bytes:
    return xhtml_document(
        title=chapter.title,
        lang=meta.language,
        css=_relative("styles/book.css", chapter.file_name),
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
    return f"""<?xml version="1.0" encoding="utf-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1200 1800" width="1200" height="1800" \
role="img" aria-labelledby="cover-title">
<title id="cover-title">{_e(meta.title)}, by {_e(meta.author)}</title>
<rect width="1200" height="1800" fill="#1d5f5a"/>
<rect x="100" y="200" width="240" height="16" fill="#ffffff"/>
<g fill="#ffffff" font-family="sans-serif">
{title}
<text x="100" y="{author_y}" font-size="64">{_e(meta.author)}</text>
<text x="100" y="1640" font-size="40">{_e(meta.licence_name)}</text>
</g>
</svg>
"""


def cover_document(meta: Metadata) -> bytes:
    alt = f"Cover: {meta.title}, by {meta.author}"
    body = (
        '<section class="cover" epub:type="cover">\n'
        f'<img role="doc-cover" src="images/cover.svg" alt="{_e(alt)}"/>\n'
        "</section>"
    )
    return xhtml_document(title="Cover", lang=meta.language, css="styles/book.css",
                          body=body, body_type="cover", where="the EPUB's cover")


def title_document(meta: Metadata) -> bytes:
    """The title page: what the book is, who wrote it, its licence and what this edition changed."""
    published = ", ".join(p for p in (meta.publisher, str(meta.source_year or "")) if p)
    published = f" ({_e(published)})" if published else ""
    licence = f'<a href="{_e(meta.licence_url)}" rel="license">{_e(meta.licence_name)}</a>'
    lines = [
        '<section class="titlepage" epub:type="titlepage" aria-labelledby="book-title">',
        f'<h1 id="book-title">{_e(meta.title)}</h1>',
        f'<p class="author">{_e(meta.author)}</p>',
        f"<p>{_e(meta.description)}</p>" if meta.description else "",
        "</section>",
        '<section class="rights" epub:type="copyright-page" aria-label="Credits and licence">',
        f"<p><strong>Original work:</strong> <cite><a href=\"{_e(meta.source_url)}\">{_e(meta.source_title)}</a></cite> "
        f"by {_e(meta.author)}{published}, licensed under {licence}. "
        f"Source: <a href=\"{_e(meta.source_url)}\">{_e(meta.source_url)}</a>.</p>",
        f"<p>Changes: {_e(meta.changes)}</p>" if meta.changes else "",
        f"<p>This edition is licensed under {licence}.</p>",
        f"<p>This EPUB was made on {meta.date:%Y-%m-%d}.</p>",
        "</section>",
    ]
    return xhtml_document(title=meta.title, lang=meta.language, css="styles/book.css",
                          body="\n".join(line for line in lines if line),
                          body_type="frontmatter", where="the EPUB's title page")


class _Writer(epub.EpubWriter):  # type: ignore[misc]
    """ebooklib's writer, with the policy in the contents document it writes itself."""

    def _get_nav(self, item: epub.EpubNav) -> bytes:
        nav: bytes = super()._get_nav(item)
        head = nav.index(b"<head>") + len(b"<head>")
        return nav[:head] + POLICY_META.encode("utf-8") + nav[head:]


class _Document(epub.EpubHtml):  # type: ignore[misc]
    """An XHTML document written here in full: ebooklib only files it in the package."""

    def get_content(self, default: bytes | None = None) -> bytes:
        return self.content


# --- The package -----------------------------------------------------------------------------

# Image types every EPUB 3 reading system must show.
CORE_IMAGE_TYPES = {".gif": "image/gif", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                    ".png": "image/png", ".svg": "image/svg+xml"}


def build_epub(
    meta: Metadata, chapters: Sequence[Chapter], *, site_dir: Path, site_url: str | None
) -> bytes:
    """The EPUB file's bytes. Depends only on its arguments (and the images in `site_dir`)."""
    book = epub.EpubBook()
    book.set_identifier(meta.identifier)
    book.set_title(meta.title)
    book.set_language(meta.language)
    book.add_author(meta.author)
    for name, value in (
        ("publisher", meta.publisher), ("date", f"{meta.date:%Y-%m-%d}"), ("rights", meta.rights),
        ("source", meta.source_url), ("description", meta.description),
    ):
        if value:
            book.add_metadata("DC", name, value)
    book.add_metadata(None, "meta", meta.licence_url, {"property": "dcterms:license"})
    for prop, values in (
        ("accessMode", ACCESS_MODES), ("accessModeSufficient", ACCESS_MODES_SUFFICIENT),
        ("accessibilityFeature", ACCESSIBILITY_FEATURES), ("accessibilityHazard", ACCESSIBILITY_HAZARDS),
        ("accessibilitySummary", (meta.accessibility_summary,)),
    ):
        for value in values:
            book.add_metadata(None, "meta", value, {"property": f"schema:{prop}"})

    book.add_item(epub.EpubItem(uid="css", file_name="styles/book.css", media_type="text/css",
                                content=CSS_FILE.read_bytes()))
    book.set_cover("images/cover.svg", cover_svg(meta).encode("utf-8"), create_page=False)
    cover = _Document(uid="cover", file_name="cover.xhtml", title="Cover",
                      media_type="application/xhtml+xml", content=cover_document(meta))
    title_page = _Document(uid="title-page", file_name="title.xhtml", title=meta.title,
                           media_type="application/xhtml+xml", content=title_document(meta))
    nav = epub.EpubNav(title="Contents")
    nav.add_link(href="styles/book.css", rel="stylesheet", type="text/css")
    for item in (cover, title_page, nav, epub.EpubNcx()):
        book.add_item(item)

    epub_files = {chapter.url: chapter.file_name for chapter in chapters}
    documents, toc, images = [], [], {}
    for chapter in chapters:
        converted = convert_chapter(chapter, epub_files, site_url=site_url)
        document = _Document(uid=chapter.doc_id, file_name=chapter.file_name, title=chapter.title,
                             media_type="application/xhtml+xml",
                             content=chapter_document(chapter, converted, meta))
        book.add_item(document)
        documents.append(document)
        sections = [
            epub.Link(f"{chapter.file_name}#{anchor}", text, f"{chapter.doc_id}-{anchor}")
            for anchor, text in converted.headings
        ]
        toc.append((document, sections) if sections else document)
        for site_path in converted.images:
            images.setdefault(site_path, chapter)

    for site_path, chapter in images.items():
        book.add_item(_image_item(site_path, site_dir, where=f"docs/{chapter.src_uri}"))

    book.toc = toc
    book.spine = [cover, title_page, nav, *documents]
    book.guide = [
        {"type": "cover", "href": "cover.xhtml", "title": "Cover"},
        {"type": "toc", "href": "nav.xhtml", "title": "Contents"},
        {"type": "text", "href": documents[0].file_name, "title": "Start of content"},
    ]
    buffer = io.BytesIO()
    writer = _Writer(buffer, book, {
        "mtime": meta.date,
        "epub3_pages": False,  # ebooklib would list every epub:type element as a page
        "landmark_title": "Landmarks",
        "raise_exceptions": True,
    })
    writer.process()
    writer.write()
    return export_files.restamp_zip(buffer.getvalue(), meta.date)


def _image_item(site_path: str, site_dir: Path, *, where: str) -> epub.EpubImage:
    media_type = CORE_IMAGE_TYPES.get(PurePosixPath(site_path).suffix.lower())
    if media_type is None:
        raise PluginError(
            f"{where}: the image {site_path!r} cannot go into the EPUB; use PNG, JPEG, GIF or SVG."
        )
    path = site_dir / site_path
    if not path.is_file():
        raise PluginError(f"{where}: the image {site_path!r} is not in the built site; check its path.")
    item_id = "img-" + "".join(c if c.isalnum() else "-" for c in site_path)
    return epub.EpubImage(uid=item_id, file_name=f"site/{site_path}", media_type=media_type,
                          content=path.read_bytes())
