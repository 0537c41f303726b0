"""What a contributor's HTML may contain: an allowlist, read as browsers read HTML.

A page's HTML (raw HTML, attribute lists, admonition titles, footnotes, abbreviations: whatever
Python-Markdown made of the contributor's Markdown) is given to ammonia's sanitizer (`nh3`),
which parses it as browsers do (html5ever) and keeps only the elements, attributes, addresses and
styles below. If that changes anything, the page is refused, never silently rewritten: both HTMLs
are parsed again by a second browser-grade parser (lexbor, through `selectolax`) and compared.

A blocklist over a parser browsers do not share cannot be complete (`<textarea>`, `<noembed>`,
`<!-->` or CDATA read differently by `html.parser` let script through); an allowlist on the
browsers' own parsing rules can. What to tell the contributor is worked out here from the same
tables and the same `attribute_verdict` that the sanitizer is given, so the messages say what
the sanitizer would remove; if the sanitizer changes something these tables cannot name (the two
parsers disagreeing on broken HTML, say), the page is refused all the same, quoting the HTML.
"""

from __future__ import annotations

import html
import os
import re
import secrets
from dataclasses import dataclass
from enum import Enum
from typing import Mapping
from urllib.parse import urlsplit

import nh3
from selectolax.lexbor import LexborHTMLParser, LexborNode

# What Python-Markdown and the book's extensions make, and what the book's pages write by hand.
ALLOWED_ELEMENTS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "label", "li", "mark", "ol", "p",
    "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
})  # fmt: skip
EVERY_ELEMENT = frozenset({"class", "id", "title", "lang", "dir"})
ALLOWED_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    "a": frozenset({"href", "data-download"}),  # a link to a download (ebook/download_links.py)
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "td": frozenset({"colspan", "rowspan", "style"}),  # tables' column alignment
    "th": frozenset({"colspan", "rowspan", "style", "scope"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "div": frozenset({"data-downloads-list"}),  # the list of downloads (ebook/downloads.py)
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "details": frozenset({"open"}),
    "input": frozenset({"type", "disabled", "checked"}),  # task lists' boxes
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
    "time": frozenset({"datetime"}),
}
# Addresses a link may have besides relative ones: following one is the reader's choice.
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# Attributes whose address the browser loads by itself, as the page opens: the book's own files.
LOADED = {("img", "src")}
# Attributes whose value is an address (ammonia's list, for the ones allowed above).
ADDRESSES = {"href", "src", "cite"}
# The one inline style pages hold, as Python-Markdown writes it for a table column's alignment
# (hooks/csp.py allows exactly these by hash).
ALIGNMENTS = ("text-align: left;", "text-align: center;", "text-align: right;")
# Ids the theme's own page uses (Material's all start so): a page's id must not take one.
THEME_ID = re.compile(r"__")

# Why an element is refused, where there is more to say than that the book does not use it.
ELEMENT_REASONS: Mapping[str, str] = {
    "script": "runs script",
    "noscript": "only matters with script",
    "iframe": "embeds another page",
    "frame": "embeds another page",
    "frameset": "embeds other pages",
    "object": "embeds content from elsewhere",
    "embed": "embeds content from elsewhere",
    "applet": "runs a program",
    "form": "sends what readers type to another address",
    "button": "belongs in a form",
    "base": "changes where every link of the page points",
    "meta": "can redirect the reader",
    "link": "loads files into the page",
    "style": "restyles the whole site and can load files from other sites",
    "svg": "can run script and load files",
    "math": "can hide other markup",
    "video": "loads its media as the page opens",
    "audio": "loads its media as the page opens",
    "template": "hides markup from the checks",
}

# What to write instead of a refused element, where Markdown has a way.
_LINK_TO_IT = "to show a video or form, link to it with a Markdown link; "
_MARKDOWN_LOOKS = ("to make words stand out, write **bold** or *italics* in Markdown; the book's "
                   "styles set its fonts and colours; ")
ELEMENT_HINTS: Mapping[str, str] = {
    **dict.fromkeys(("iframe", "frame", "frameset", "object", "embed", "video", "audio", "form", "button"),
                    _LINK_TO_IT),
    **dict.fromkeys(("font", "center", "big", "tt", "strike", "marquee", "blink", "basefont"), _MARKDOWN_LOOKS),
}


class Verdict(Enum):
    """Why an allowed attribute's value is refused."""

    LOADS_FROM_ELSEWHERE = "loads a file from another site"
    REFUSED_SCHEME = "is an address of a kind a page may not link to"
    STYLE = "sets a style"
    THEME_ID = "takes an id of the site's own page"
    BREAKS_OUT = "holds quotes, angle brackets or spaces"
    FORM_FIELD = "makes a form field"
    NOT_AN_ADDRESS = "is not an address every browser reads the same way"


@dataclass(frozen=True)
class Refusal:
    message: str  # what is wrong: how to fix it
    needles: tuple[str, ...]  # text to find its line by in the source, in order of preference


def refusals(html_text: str) -> list[Refusal]:
    """What the allowlist refuses in the HTML, each once, in document order; [] if nothing."""
    left_open = _left_open(html_text)
    parsed = LexborHTMLParser(_AS_BODY + html_text)
    original, kept = _normalized(parsed), _normalized(LexborHTMLParser(_AS_BODY + sanitized(html_text)))
    if original == kept:
        return left_open
    found: dict[Refusal, None] = {}
    assert parsed.root is not None
    for node in parsed.root.traverse():
        # <html> and <body> in the page's content are not elements: browsers add their
        # attributes to the document's own (an onload= there runs).
        if node.tag in _DOCUMENT_ELEMENTS and not node.attributes:
            continue
        for refusal in _refusals_of(node):
            found.setdefault(refusal)
    if not found:
        quoted = _first_difference(original, kept)
        found[Refusal(
            f"the raw HTML '{quoted}' is not read the same way by every browser: write it as "
            "plain Markdown (see \"Raw HTML\" in CONTRIBUTING.md)",
            (quoted[:30],),
        )] = None
    return list(found) + left_open


def sanitized(html_text: str) -> str:
    """What ammonia keeps of the HTML, by the book's allowlist."""
    return nh3.clean(
        html_text,
        tags=set(ALLOWED_ELEMENTS),
        clean_content_tags={"script", "style"},
        attributes={"*": set(EVERY_ELEMENT), **{k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()}},
        attribute_filter=_keep_attribute,
        strip_comments=False,
        link_rel=None,
        url_schemes=set(LINK_SCHEMES),
    )


def attribute_verdict(element: str, name: str, value: str) -> Verdict | None:
    """Why an allowed attribute's value is refused, or None: the rules ammonia has no option for."""
    if name in ADDRESSES:
        address = _as_browsers_read(value)
        scheme = address_scheme(address)
        if (element, name) in LOADED and (scheme or re.match(r"[/\\]{2}", address)):
            return Verdict.LOADS_FROM_ELSEWHERE
        if scheme and scheme not in LINK_SCHEMES:
            return Verdict.REFUSED_SCHEME
    # Later steps (print-site, the downloads' links) find tags and rewrite ids and addresses with
    # patterns, not a parser: a '<' or '>' in a value could be taken for a tag's edge, and a quote
    # or space in an id or address pasted back between quotes would start a new attribute.
    if "<" in value or ">" in value or (name in ADDRESSES or name == "id") and _BREAKS_OUT.search(value):
        return Verdict.BREAKS_OUT
    if name == "style" and value not in ALIGNMENTS:
        return Verdict.STYLE
    if name == "id" and THEME_ID.match(value):
        return Verdict.THEME_ID
    if element == "input" and name == "type" and value.lower() != "checkbox":
        return Verdict.FORM_FIELD
    return None


def address_scheme(address: str) -> str | None:
    """The scheme of an address as browsers read it (`javascript`), or None for a relative one."""
    found = re.match(r"([a-z][a-z0-9+.-]*):", _as_browsers_read(address), re.I)
    return found.group(1).lower() if found else None


# --- Helpers ---------------------------------------------------------------------------------

_AS_BODY = "<!DOCTYPE html><html><head></head><body>"  # so that <meta> or <title> stay in the body
_DOCUMENT_ELEMENTS = {"html", "head", "body"}
_PRE_LINE_END = re.compile(r"(<pre\b[^>]*>)\n")


def _normalized(parsed: LexborHTMLParser) -> str:
    # A <pre>'s first line end is dropped by the parser, and not written back by html5ever.
    return _PRE_LINE_END.sub(r"\1", parsed.html or "")


# Elements HTML closes by itself when their parent closes (end tags optional by the standard).
_END_TAG_OPTIONAL = {"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup",
                     "caption"}


def _left_open(html_text: str) -> list[Refusal]:
    """A tag, a quoted value or a comment the content leaves unfinished, or an element it never
    closes: the markup written after the content (the credit, the theme's navigation and footer)
    would fall inside it, or finish it into another element."""
    end_mark = f"<!--{secrets.token_hex(16)}-->"  # a mark the content cannot know in advance
    root = LexborHTMLParser(_AS_BODY + html_text + end_mark).root
    assert root is not None
    end = next((node for node in root.traverse(include_text=True) if node.tag == "-comment"
                and node.html == end_mark), None)
    if end is None:
        start = html_text.rfind("<")
        return [Refusal(
            "the raw HTML at the end of the page is not finished (a tag, a quoted value or a "
            f"comment is still open: '{html_text[start:][:60].strip()}'), so what the book writes "
            "after it would complete it: finish the tag, close the quotes, or end the comment",
            (html_text[start:][:30].strip(),),
        )]
    outermost = None
    node = end.parent if end is not None else None
    while node is not None and node.tag not in _DOCUMENT_ELEMENTS:
        if node.tag not in _END_TAG_OPTIONAL:
            outermost = node
        node = node.parent
    if outermost is None:
        return []
    tag = outermost.tag
    return [Refusal(
        f"the raw HTML element <{tag}> is never closed, so the rest of the page (its navigation "
        f"and footer) would fall inside it: close it with its end tag, where it should end",
        (f"<{tag}",),
    )]


def _first_difference(original: str, kept: str) -> str:
    """The original's markup where the two documents part, from the tag it is in."""
    at = len(os.path.commonprefix([original, kept]))
    start = original.rfind("<", 0, at + 1)
    return original[max(start, 0):][:80].strip()


def _keep_attribute(element: str, name: str, value: str) -> str | None:
    return None if attribute_verdict(element, name, value) else value


_BREAKS_OUT = re.compile(r"[\s\"'<>`]")




def _as_browsers_read(address: str) -> str:
    """An address as a browser's URL parser starts on it: spaces and controls around it, and
    tabs and line ends within it, do not count (`java&#9;script:` is `javascript:`)."""
    return re.sub(r"[\t\n\r]", "", address).strip(_CONTROLS_AND_SPACE)


_CONTROLS_AND_SPACE = "".join(map(chr, range(0x21)))


def _refusals_of(node: LexborNode) -> list[Refusal]:
    tag = (node.tag or "").lower()
    if tag.startswith("-"):  # text or comment
        return []
    if tag not in ALLOWED_ELEMENTS:
        reason = ELEMENT_REASONS.get(tag, "is not one the book uses")
        return [Refusal(
            f"the raw HTML element <{tag}> {reason}, which a contributed page may not do: remove "
            f"the <{tag}> element ({ELEMENT_HINTS.get(tag, '')}see \"Raw HTML\" in CONTRIBUTING.md "
            "for the elements a page may use)",
            (f"<{tag}",),
        )]
    found = []
    allowed = EVERY_ELEMENT | ALLOWED_ATTRIBUTES.get(tag, frozenset())
    for name, value in node.attributes.items():
        name, value = name.lower(), value or ""
        if name.startswith("on"):
            found.append(Refusal(
                f"the raw HTML attribute {name}= on <{tag}> runs script: remove the {name} attribute",
                (f"{name}=", name),
            ))
        elif name == "style" and name not in allowed:
            found.append(Refusal(_STYLE, ("style=",)))
        elif name not in allowed:
            found.append(Refusal(
                f"the raw HTML attribute {name}= on <{tag}> is not one the book uses: remove it "
                "(see \"Raw HTML\" in CONTRIBUTING.md for the attributes a page may use)",
                (f"{name}=", name),
            ))
        elif verdict := attribute_verdict(tag, name, value):
            found.append(_attribute_refusal(tag, name, value, verdict))
        elif name in ADDRESSES and not _address_kept(tag, name, value):
            found.append(_attribute_refusal(tag, name, value, Verdict.NOT_AN_ADDRESS))
    return found


def _address_kept(tag: str, name: str, value: str) -> bool:
    """Whether ammonia keeps the address, read by its own URL parser (WHATWG's, as browsers
    read): it drops one that does not parse, such as `https://host:port` with a port that is
    not a number. Asked of ammonia itself, since Python has no parser of that standard."""
    element = f'<{tag} {name}="{html.escape(value, quote=True)}">'
    kept = nh3.clean(element, tags={tag}, attributes={tag: {name}}, url_schemes=set(LINK_SCHEMES),
                     link_rel=None)
    return f"{name}=" in kept


_STYLE = ("a style= attribute sets the look of one element, and can load files from other sites: "
          "remove it (the book's look is set for every page in docs/stylesheets/extra.css: ask a "
          "maintainer for a class if a box needs one)")


def _attribute_refusal(tag: str, name: str, value: str, verdict: Verdict) -> Refusal:
    shown = value.strip()[:60]
    needles = (shown[:40], f"{name}=")
    if verdict is Verdict.LOADS_FROM_ELSEWHERE:
        host = urlsplit(_as_browsers_read(value).replace("\\", "/")).netloc or shown
        return Refusal(
            f"<{tag} {name}=\"{shown}\"> loads a file from another site ({host}), which would "
            "tell that site who reads the book: save the file in docs/ (e.g. docs/images/) and "
            "use its relative address", needles)
    if verdict is Verdict.REFUSED_SCHEME:
        return Refusal(
            f"the address in {name}= on <{tag}> is a {address_scheme(value)}: address, "
            "which a page may not link to (it can run script or open another program): link to a "
            "page or file with an ordinary address (https://… or a relative one) instead", needles)
    if verdict is Verdict.STYLE:
        return Refusal(_STYLE, ("style=",))
    if verdict is Verdict.THEME_ID:
        return Refusal(
            f"the id '{shown}' starts with two underscores, as the ids of the site's own page do: "
            "choose another id", (f"{shown}",))
    if verdict is Verdict.BREAKS_OUT:
        return Refusal(
            f"the {name}= on <{tag}> holds an angle bracket (or, in an id or address, a quote or a "
            "space), which the book's later steps could read as more markup: write 'less than' "
            "in words, ids with letters, digits and hyphens, and addresses with %20 for a space",
            needles)
    if verdict is Verdict.NOT_AN_ADDRESS:
        return Refusal(
            f"the address in {name}= on <{tag}> ('{shown}') is not one every browser reads the same "
            "way (a port that is not a number, say): write it in full as the browser's address bar "
            "shows it, e.g. https://example.org/page, or as a relative address", needles)
    assert verdict is Verdict.FORM_FIELD, verdict
    return Refusal(
        f"<{tag} {name}=\"{shown}\"> makes a form field, which a contributed page may not have: "
        "remove it (a task list's boxes are written '- [ ] task')", needles)
