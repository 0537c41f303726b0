"""A built page's content readied for print: no site chrome, blocks open, links and files that
work from wherever the print document is served, and ids a chapter keeps among others.

BeautifulSoup is imported by the functions that need it, never here: a build without PDFs
(`make serve`, an unchanged rebuild) never loads it. (Python 3.11's lazy loader is not safe
from the threads that make the documents.)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from ebook.pdf import box_breaks

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

# Chrome a print document leaves out: the site prints its content only. Found by name, class
# and attribute with BeautifulSoup's own search, not CSS selectors: soupsieve compiles its
# selector grammar the first time it is used in a process, about 0.15 s before the book's
# first printing could start.
CHROME_ELEMENTS = frozenset({"script", "noscript", "form"})
CHROME_CLASSES = frozenset({"book-downloads", "md-content__button", "md-source-file", "md-feedback"})
CHROME_LINK_CLASSES = frozenset({"headerlink"})  # a heading's permalink
CHROME_ATTRIBUTES = ("data-journal-note",)  # where a reader's answers are kept: the page's, not paper's


def is_chrome(tag: Tag) -> bool:
    """Whether the element is the site's, not the page's content (the CHROME_* above)."""
    classes = set(tag.get_attribute_list("class"))
    return (tag.name in CHROME_ELEMENTS or not classes.isdisjoint(CHROME_CLASSES)
            or (tag.name == "a" and not classes.isdisjoint(CHROME_LINK_CLASSES))
            or any(tag.has_attr(name) for name in CHROME_ATTRIBUTES))


def has_classes(tag: Tag, *names: str) -> bool:
    """Whether the element has every one of the classes (as the selector `.a.b` asks)."""
    return set(names) <= set(tag.get_attribute_list("class"))


def clean_content(fragment: Tag, *, base_url: str) -> None:
    """Ready a page's content for print, in place: no chrome, blocks open, links that work,
    paragraphs and reflection boxes too long to move whole to the next page marked so, and the
    other reflection boxes marked for a printing to say where they land (`box_breaks`).

    Links to other pages of the site point at the published site (`base_url`, the online
    address of the document's folder) or, with no address set, become plain text.
    """
    from bs4 import BeautifulSoup  # see the module's docstring

    for tag in fragment.find_all(is_chrome):
        if not tag.decomposed:  # not inside chrome removed already
            tag.decompose()
    for listing in fragment.find_all(True, attrs={"data-downloads-list": True}):
        # The list is filled in after the PDFs are printed; on paper, say where it is.
        note = BeautifulSoup("<p>The list of downloads is on the book's website.</p>", "html.parser")
        listing.replace_with(note)
    for details in fragment.find_all("details"):
        details["open"] = ""
    for block in fragment.find_all(["p", "li"]):
        if long_block(block.get_text()):
            mark_long(block)
    boxes = fragment.find_all(lambda tag: (tag.name == "div" and has_classes(tag, "admonition", "reflection"))
                              or (tag.name == "details" and has_classes(tag, "reflection")))
    for number, box in enumerate(boxes, start=1):
        if box_lines(box) > KEPT_WHOLE_LINES:
            mark_long(box)
        else:  # kept whole, unless a printing finds it leaves too much of a page empty
            box_breaks.mark_kept_box(box, number)
    for link in fragment.find_all("a", href=True):
        href = str(link["href"])
        if href.startswith("#") or urlsplit(href).scheme:
            continue
        if base_url:
            link["href"] = urljoin(base_url, href)
        else:
            link.unwrap()


# A paragraph or list item moves to the next page whole (print.css), which leaves its height
# empty on the page before: one longer than this many characters (about a fifth of a page) is
# marked to run on from where the page has room instead, a few lines on each page.
LONG_BLOCK_AT_LEAST = 600
LONG_BLOCK_CLASS = "book-print-long"


def long_block(text: str) -> bool:
    return len(" ".join(text.split())) > LONG_BLOCK_AT_LEAST


def mark_long(tag: Tag) -> None:
    """Let the paragraph, list item or box run on across pages (print.css)."""
    tag["class"] = " ".join([*(name for name in tag.get_attribute_list("class") if name), LONG_BLOCK_CLASS])


# A reflection box moves to the next page whole rather than split between its prompts (print.css),
# which leaves the room it did not fit in empty: one that prints longer than this many lines
# (about half a page's body, which holds some forty) is marked to run on from where the page has
# room instead, before printing; a shorter one is marked so where a printing finds it left too
# much of a page empty (`box_breaks`). A line holds some LINE_CHARACTERS of a prompt; the box's
# title and its paddings take two lines, and the space after each prompt a third of one.
KEPT_WHOLE_LINES = 20
LINE_CHARACTERS = 65


def box_lines(box: Tag) -> float:
    """About how many lines a box prints: its title, and each paragraph or list item in it."""
    lines = 2.0
    for block in box.find_all(["li", "p"]):
        if "admonition-title" in block.get_attribute_list("class"):
            continue
        # Its own words: a list inside an item is counted as blocks of its own.
        words = " ".join(" ".join(text for text in block.find_all(string=True)
                                   if text.find_parent(["li", "p"]) is block).split())
        lines += -(-len(words) // LINE_CHARACTERS) + 1 / 3 if words else 0
    return lines


def heading_text(tag: Tag) -> str:
    return re.sub(r"\s+", " ", tag.get_text()).strip()


def stylesheets(page: BeautifulSoup) -> tuple[str, ...]:
    """The page's own stylesheets (relative to it), without print-site's screen styles."""
    return tuple(
        str(link["href"]) for head in page.find_all("head") for link in head.find_all("link", href=True)
        if "stylesheet" in (kind.lower() for kind in link.get_attribute_list("rel"))
        and "print-site" not in str(link["href"])
    )


def online_folder(site_url: str, url_path: str) -> str:
    """The published address of the folder a document is served from, or ""."""
    if not site_url:
        return ""
    return urljoin(site_url.rstrip("/") + "/", url_path.rsplit("/", 1)[0] + "/")


def chapter_address(site_url: str, page_url: str) -> str:
    return urljoin(site_url.rstrip("/") + "/", page_url) if site_url else ""


# Attributes that name elements of the page by id, each a space-separated list.
_ID_REFERENCES = ("for", "headers", "aria-labelledby", "aria-describedby", "aria-controls",
                  "aria-owns", "aria-activedescendant", "aria-details", "aria-errormessage")


def own_ids(fragment: Tag, *, prefix: str) -> None:
    """Prefix every id of the fragment and every reference to one, in place: chapters printed
    together share heading ids, and each link must still lead to its own chapter's."""
    for tag in fragment.find_all(True):
        if tag.get("id"):
            tag["id"] = prefix + str(tag["id"])
        href = tag.get("href")
        if isinstance(href, str) and href.startswith("#") and len(href) > 1:
            tag["href"] = "#" + prefix + href[1:]
        for name in _ID_REFERENCES:
            value = tag.get(name)
            if value:
                ids = value if isinstance(value, list) else str(value).split()
                tag[name] = " ".join(prefix + i for i in ids)


def root_relative(fragment: Tag, *, page_url: str) -> None:
    """Make the fragment's images and other loaded files' addresses start at the site's root, in
    place, so they load whichever folder the print document is served from."""
    here = "/" + page_url.lstrip("/")
    for tag in fragment.find_all(src=True):
        tag["src"] = from_root(str(tag["src"]), here)
    for tag in fragment.find_all(srcset=True):
        candidates = [c.strip().split(maxsplit=1) for c in str(tag["srcset"]).split(",") if c.strip()]
        tag["srcset"] = ", ".join(" ".join([from_root(c[0], here), *c[1:]]) for c in candidates)


def from_root(address: str, here: str) -> str:
    """A page's relative address (`here` is the page's own, from the root) from the site's root."""
    if urlsplit(address).scheme or address.startswith(("/", "#")) or not address:
        return address
    return urljoin(here, address)
