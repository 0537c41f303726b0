"""How the rendered checks read a page: what they need from its HTML (`Scan`), found by
`html.parser` in the HTML (`scan_html`) or read from Python-Markdown's tree (`scan_tree`), and
the Markdown extension (`RenderedHtml`) and renderer (`Renderer`) that give them each page.

`html.parser` is enough to find a heading, a box or a link, and is never trusted with safety:
that is the allowlist's (html_allowlist.py), which reads HTML as browsers read it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from xml.etree.ElementTree import Comment, ProcessingInstruction

import markdown
# The serializer's own escaping, so that the tree is read as its HTML will be (see scan_tree);
# private to Python-Markdown, so its type stubs leave them out.
from markdown.serializers import (  # type: ignore[attr-defined]
    BOOLEAN_ATTRIBUTES, HTML_EMPTY, _escape_attrib_html, _escape_cdata,
)
from markdown.util import STX

from ebook.checks import source_lines
from ebook.model import page_tree
from ebook.model.reflection import has_reflection_prompts, tree_has_prompts

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass
class Admonition:
    kind: str
    body_text: str = ""
    body_elements: int = 0
    list_items: int = 0
    reflection: bool = False  # a box of the reflection's class, whose list holds prompts
    # A reflection box inside another: the outermost one's place in `Scan.admonitions`.
    inside_reflection: int | None = None


@dataclass
class Scan:
    """What the checks need from a rendered page, in document order."""

    headings: list[tuple[int, str]] = field(default_factory=list)
    admonitions: list[Admonition] = field(default_factory=list)
    images: list[tuple[str, str | None]] = field(default_factory=list)  # (src, alt)
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)
    addresses: list[str] = field(default_factory=list)  # href and src of links and media
    ids: set[str] = field(default_factory=set)
    # Whether it has reflection prompts, so a worksheet (ebook/model/reflection.py): asked only
    # of a page with a reflection box, which the scan finds on its way.
    prompts: bool = False


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = Scan()
        self._stack: list[str] = []
        # With the stack depth, and the place in `scan.admonitions` of the outermost reflection
        # box it is in or is (None outside one), kept as each opens so none is searched for.
        self._open_admonitions: list[tuple[Admonition, int, int | None]] = []
        self._title_depth: int | None = None  # inside an admonition's title
        self._heading: tuple[int, int, list[str]] | None = None  # level, depth, text
        self._link: tuple[str, int, list[str]] | None = None
        self._skip_depth: int | None = None  # inside a heading's permalink
        self.reflection_box = False  # a box of the reflection's class: the page may have prompts

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values: dict[str, str] = {}
        for name, value in attrs:  # an attribute written twice: the first counts, as in browsers
            values.setdefault(name, value or "")
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                self.scan.ids.add(values[name])
        for name in ("href", "src"):
            if values.get(name):
                self.scan.addresses.append(values[name])
        classes = values.get("class", "").split()
        depth = len(self._stack)
        if self._open_admonitions and self._title_depth is None:
            if tag in ("p", "summary") and ("admonition-title" in classes or tag == "summary") \
                    and depth == self._open_admonitions[-1][1] + 1:
                self._title_depth = depth
            else:  # the body of this admonition and of any it is nested in
                for open_admonition, _, _ in self._open_admonitions:
                    open_admonition.body_elements += tag not in ("p", "div", "span", "br")
                    open_admonition.list_items += tag == "li"
        if (tag == "div" and "admonition" in classes) or (tag == "details" and classes):
            kinds = [c for c in classes if c != "admonition"]
            self.reflection_box = self.reflection_box or "reflection" in kinds
            admonition = Admonition(kind=kinds[0] if kinds else "", reflection="reflection" in kinds)
            outer = self._open_admonitions[-1][2] if self._open_admonitions else None
            if admonition.reflection:
                admonition.inside_reflection = outer
                if outer is None:
                    outer = len(self.scan.admonitions)
            self.scan.admonitions.append(admonition)
            self._open_admonitions.append((admonition, depth, outer))
        if tag in HEADINGS:
            self._heading = (int(tag[1]), depth, [])
        if tag == "a" and "headerlink" in classes:
            self._skip_depth = depth
        elif tag == "a" and "href" in values:
            # A link's name, as a screen reader reads it: its label, or its text and images' alt.
            self._link = (values["href"], depth, [values.get("aria-label", "")])
        if tag == "img":
            self.scan.images.append((values.get("src", ""), values.get("alt")))
            if self._link:
                self._link[2].append(values.get("alt", ""))
        if tag not in source_lines.VOID_ELEMENTS:
            self._stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in source_lines.VOID_ELEMENTS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._stack:
            return
        while self._stack:
            depth = len(self._stack) - 1
            closed = self._stack.pop()
            if self._title_depth == depth:
                self._title_depth = None
            if self._open_admonitions and self._open_admonitions[-1][1] == depth:
                self._open_admonitions.pop()
            if self._heading and self._heading[1] == depth:
                level, _, text = self._heading
                self.scan.headings.append((level, squash("".join(text))))
                self._heading = None
            if self._link and self._link[1] == depth:
                href, _, text = self._link
                self.scan.links.append((href, squash("".join(text))))
                self._link = None
            if self._skip_depth == depth:
                self._skip_depth = None
            if closed == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._skip_depth is not None:
            return
        if self._open_admonitions and self._title_depth is None:
            for open_admonition, _, _ in self._open_admonitions:
                open_admonition.body_text += data
        if self._heading:
            self._heading[2].append(data)
        if self._link:
            self._link[2].append(data)


def scan_html(html_text: str) -> Scan:
    scanner = _Scanner()
    scanner.feed(html_text)
    scanner.close()
    scanner.scan.prompts = scanner.reflection_box and has_reflection_prompts(html_text)
    return scanner.scan


class _NeedsHtml(Exception):
    """The tree holds something only its HTML shows as readers' browsers will read it."""


# Names html.parser reads as one name, as browsers do: an attribute named `x/onclick` in the tree
# is two attributes in the HTML (`x` and `onclick`), so anything else is left to the HTML.
_PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]*")


def scan_tree(md: markdown.Markdown, root: Any) -> Scan | None:
    """What `scan_html` finds in the HTML Python-Markdown makes of this tree, read from the tree
    itself: serializing the page and parsing it again took most of the checks' time.

    None when the HTML would differ from the tree: raw HTML, which Python-Markdown pastes into
    the HTML after serializing (a page with any is read from its HTML), script or style
    elements, a name html.parser would read differently, or a placeholder whose replacement is
    markup. Each event is the one html.parser sends for the serialized tree: attributes sorted,
    as the serializer writes them; text and values as the serializer escapes them, the
    postprocessors complete them and html.parser unescapes them. Tests compare both scans on
    every page of the book and of the fixtures, and on generated Markdown.
    """
    if page_tree.holds_stashed_html(md):
        return None
    scanner = _Scanner()
    try:
        _feed_text(scanner, md, root.text)  # the document's own <div> is not in the page
        for child in root:
            _feed_element(scanner, md, child, xhtml=md.output_format == "xhtml")
    except _NeedsHtml:
        return None
    scanner.scan.prompts = scanner.reflection_box and tree_has_prompts(root)
    return scanner.scan


def _feed_element(scanner: _Scanner, md: markdown.Markdown, element: Any, *, xhtml: bool) -> None:
    tag = element.tag
    if tag is None:  # the serializer writes its content only
        _feed_text(scanner, md, element.text)
        for child in element:
            _feed_element(scanner, md, child, xhtml=xhtml)
    elif isinstance(tag, str):
        name = tag.lower()
        if not _PLAIN_NAME.fullmatch(tag) or name in ("script", "style"):
            raise _NeedsHtml
        attrs: list[tuple[str, str | None]] = []
        for key, value in sorted(element.items()):
            if not isinstance(key, str) or not _PLAIN_NAME.fullmatch(key):
                raise _NeedsHtml
            if value is not None and not (value == key and not xhtml and key in BOOLEAN_ATTRIBUTES["html"]):
                value = _attribute_text(md, value)
            else:
                value = None  # written as a bare name
            attrs.append((key.lower(), value))
        if xhtml and name in HTML_EMPTY:  # written `<img ... />`, without its text or children
            scanner.handle_startendtag(name, attrs)
        else:
            scanner.handle_starttag(name, attrs)
            _feed_text(scanner, md, element.text)
            for child in element:
                _feed_element(scanner, md, child, xhtml=xhtml)
            if name not in HTML_EMPTY:
                scanner.handle_endtag(name)
    elif tag is not Comment and tag is not ProcessingInstruction:
        raise _NeedsHtml
    _feed_text(scanner, md, element.tail)


def _feed_text(scanner: _Scanner, md: markdown.Markdown, text: str | None) -> None:
    if not text:
        return
    # An entity ("&amp;", which the serializer keeps) or a placeholder the postprocessors
    # replace (an entity, a footnote's arrow): as written to the HTML, then read by html.parser.
    if "&" in text or STX in text:
        text = _postprocessed(md, _escape_cdata(text))
        if "<" in text:
            raise _NeedsHtml
        text = html.unescape(text)
    scanner.handle_data(text)


def _attribute_text(md: markdown.Markdown, value: str) -> str:
    if "&" not in value and STX not in value:  # as in _feed_text
        return value
    value = _postprocessed(md, _escape_attrib_html(value))
    if '"' in value:
        raise _NeedsHtml
    return html.unescape(value)


def _postprocessed(md: markdown.Markdown, text: str) -> str:
    for postprocessor in md.postprocessors:
        text = postprocessor.run(text)
    return text


def squash(text: str) -> str:
    """Text as a reader sees it: each run of whitespace one space."""
    return re.sub(r"\s+", " ", text).strip()


# --- The pages the rendered checks read -------------------------------------------------------


class RenderedHtml(page_tree.PageTreeReader["tuple[Scan | str, list[str]]"]):
    """Keeps each page as Python-Markdown makes it, for the checks: what `scan_html` finds in
    its HTML, read from the tree (`scan_tree`), or else its HTML and its raw HTML.

    By `on_page_content` MkDocs has rewritten the page's links and image addresses (its `relpath`
    treeprocessor), and the checks quote those and look them up in the source. The tree is read
    before that rewrite (see `page_tree`): what is kept is what `Renderer` makes (a test compares
    them on every page of the book and of the test fixtures).
    """

    name = "book_checks_rendered_html"

    def read(self, md: markdown.Markdown, root: Any) -> tuple[Scan | str, list[str]]:
        scan = scan_tree(md, root)
        return (scan, []) if scan is not None else (serialized(md, root), raw_html_blocks(md))


def serialized(md: markdown.Markdown, root: Any) -> str:
    """What `md.convert` returns for this tree: serialized, unwrapped, post-processed.

    The end of Python-Markdown's `Markdown.convert`, which has no function of its own.
    """
    output = md.serializer(root)
    start, end = f"<{md.doc_tag}>", f"</{md.doc_tag}>"
    if start in output:
        output = output[output.index(start) + len(start):output.rindex(end)].strip()
    else:  # an empty document: <div />
        output = ""
    return _postprocessed(md, output).strip()


def raw_html_blocks(md: markdown.Markdown) -> list[str]:
    """The raw HTML the Markdown contained: Python-Markdown keeps each piece (and each code
    block, escaped) in its stash."""
    return [block for block in md.htmlStash.rawHtmlBlocks if isinstance(block, str)]


@dataclass
class Renderer:
    """Python-Markdown with the site's configuration: a page's HTML as MkDocs renders it."""

    extensions: list[Any]
    extension_configs: dict[str, Any]
    _md: markdown.Markdown | None = None

    def render(self, text: str) -> tuple[str, list[str]]:
        """The page's HTML, and the raw HTML the Markdown contained."""
        if self._md is None:
            self._md = markdown.Markdown(extensions=self.extensions,
                                         extension_configs=self.extension_configs)
        md = self._md.reset()
        output = md.convert(text)
        return output, raw_html_blocks(md)
