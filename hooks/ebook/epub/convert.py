"""A chapter's content HTML, as the site shows it, converted to an XHTML fragment for the EPUB.

Permalink marks go, collapsible boxes open out (many reading systems cannot open them), links to
other chapters point inside the book, links to the rest of the site become absolute (or plain
text when the site has no address), images are taken from the site, a task list's checkboxes
are named by their items' words. Anything that would run script or make a reading system fetch
from another site stops the build, naming the chapter.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement
from mkdocs.exceptions import PluginError

from ebook.site import task_lists


@dataclass(frozen=True)
class EpubChapter:
    """A chapter as the EPUB takes it: its page's content HTML and where it goes in the book."""

    src_uri: str  # docs-relative source path, for messages and the file's name in the EPUB
    url: str  # site-relative URL of its page, e.g. chapters/connection/
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
_WBR = re.compile(r"<wbr\s*/?>", re.IGNORECASE)
# Links are resolved against the page's URL on this placeholder origin, then taken apart again.
_ORIGIN = "https://book.invalid/"


def convert_chapter(
    chapter: EpubChapter, epub_files: Mapping[str, str], *, site_url: str | None
) -> ConvertedChapter:
    """The chapter's content HTML as an XHTML fragment for the EPUB.

    `epub_files` maps the site URL of every page in the EPUB to its file in the EPUB.
    """
    where = f"docs/{chapter.src_uri}"
    # lxml's HTML parser predates <wbr> and would put the rest of its paragraph inside it; a
    # zero-width space is the same line-break opportunity, in any reading system.
    source = _WBR.sub("\u200b", chapter.html)
    root = lxml_html.fragment_fromstring(source, create_parent="div")
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)

    unsupported = next(root.iter(*_UNSUPPORTED), None)
    if unsupported is not None:
        raise PluginError(f"{where}: a <{_name(unsupported)}> cannot go into the EPUB; remove it from the chapter.")
    refuse_script_and_remote(root, where=where)
    for permalink in root.xpath(".//a[contains(concat(' ', @class, ' '), ' headerlink ')]"):
        permalink.drop_tree()
    for details in list(root.iter("details")):
        _open_out(details)
    for control in root.xpath(task_lists.CONTROLS):  # already so from the site's page, unless made apart
        task_lists.label_task(control)
    for link in list(root.iter("a")):
        if link.get("href") is not None:
            _point_link(link, chapter, epub_files, site_url)

    images: list[str] = []
    for image in root.iter("img"):
        images.append(_site_image(image, chapter, where))
        image.set("src", relative(f"site/{images[-1]}", chapter.file_name))
        for attribute in ("srcset", "sizes", "loading"):
            image.attrib.pop(attribute, None)

    headings = [(anchor, " ".join(h.text_content().split())) for h in root.iter("h2") if (anchor := h.get("id"))]
    parts = [html.escape(root.text or "", quote=False)]
    parts += [etree.tostring(child, encoding="unicode", method="xml") for child in root]
    return ConvertedChapter("".join(parts).strip(), headings, images)


# Attributes that make a reader fetch something; only a link's href may lead out of the book.
_RESOURCE_ATTRIBUTES = ("src", "srcset", "poster", "data", "background", "lowsrc", "dynsrc", "ping",
                        "action", "formaction", "xlink:href", "href", "codebase", "archive", "manifest")
_SCRIPT_URL = re.compile(r"^[\x00-\x20]*(?:j[\s]*a[\s]*v[\s]*a[\s]*s[\s]*c[\s]*r[\s]*i[\s]*p[\s]*t|vbscript|data)[\s]*:", re.I)


def refuse_script_and_remote(root: HtmlElement, *, where: str) -> None:
    """Stop the build at anything in the chapter that would run script in the EPUB or make a
    reading system fetch from another site: event handlers (`on…`), script addresses, inline
    styles with `url(…)`, and resources that are not files of the book."""
    for element in root.iter():
        for name, value in element.attrib.items():
            name = name.lower()
            said = f"{where}: the attribute {name}={value[:60]!r} of a <{_name(element)}>"
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


def _name(element: HtmlElement) -> str:
    return str(element.tag)  # text: comments and processing instructions are gone


def _open_out(details: HtmlElement) -> None:
    """A collapsible box becomes the same box, open: e-readers may not open <details>."""
    details.tag = "div"
    details.attrib.pop("open", None)
    details.set("class", " ".join(["admonition", *details.get("class", "").split()]))
    summary = details.find("summary")
    if summary is not None:
        summary.tag = "p"
        summary.attrib.clear()
        summary.set("class", "admonition-title")


def _point_link(link: HtmlElement, chapter: EpubChapter, epub_files: Mapping[str, str], site_url: str | None) -> None:
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
        link.set("href", relative(epub_files[page], chapter.file_name) + fragment)
    elif site_url:
        link.set("href", urljoin(site_url.rstrip("/") + "/", absolute.removeprefix(_ORIGIN)))
    else:
        # Without SITE_URL the rest of the site has no address a book could point to.
        link.drop_tag()


def _site_image(image: HtmlElement, chapter: EpubChapter, where: str) -> str:
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


def relative(target: str, from_file: str) -> str:
    """The address of the EPUB's file `target` from its file `from_file`."""
    return posixpath.relpath(target, posixpath.dirname(from_file) or ".")
