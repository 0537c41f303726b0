"""Where a reflection box kept whole may break after all, decided from a printing.

A reflection box short enough to print whole (`content.KEPT_WHOLE_LINES`) moves to the next page
rather than split between its prompts (print.css), and the headings above it and the credit
below it move with it. Where that leaves the page before more than `EMPTY_AT_MOST` empty, the
box is let run on from where that page has room instead, as a long box does: each box's place
is read back from a printing of its document, and the document printed again with those boxes
let break (`numbering.print_until_numbers_hold`). How long a box prints, and where the page
before it ends, only a printing knows.

Each kept box gets a mark before it (and before the headings that move with it), and two hidden
links, to the mark and to the box: Chromium writes a named destination, with its page and its
top, for every element a link in the document points at. The mark is empty, so it stays where
the text before it ends: Chromium breaks a page at the last place it may, after the mark.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, NamedTuple

from ebook.pdf.documents import css_string

if TYPE_CHECKING:
    from bs4 import Tag

    from ebook.pdf.finishing import Destinations

# The most of a page's body a box moving whole may leave empty: a little under the third that
# the book's pages are held to (tests/test_print_layout.py), since the mark is where the text
# before it ends, with that text's margin below it, a little below its last line's ink.
EMPTY_AT_MOST = 0.3

MARK_CLASS = "book-print-mark"
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})  # each kept with what follows it (print.css)
# The mark as `mark_kept_box` writes it (ids and links made a chapter's own by `content.own_ids`).
_MARK = re.compile(rf'<div class="{MARK_CLASS}" id="([^"]+)"><a hidden="" href="#\1"></a>'
                   r'<a hidden="" href="#([^"]+)"></a></div>')


def mark_kept_box(box: Tag, number: int) -> None:
    """Give the box an id if it has none (`book-print-box-NUMBER`), and put its mark before it
    and the headings right above it, in place."""
    from bs4 import BeautifulSoup  # see `content`'s docstring

    box_id = str(box.get("id") or "") or f"book-print-box-{number}"
    box["id"] = box_id
    mark_id = f"book-print-box-{number}-before"
    first = box
    while (previous := first.find_previous_sibling(True)) is not None and previous.name in _HEADINGS:
        first = previous
    mark = BeautifulSoup(f'<div class="{MARK_CLASS}" id="{mark_id}"><a hidden href="#{mark_id}"></a>'
                         f'<a hidden href="#{html.escape(box_id)}"></a></div>', "html.parser").div
    assert mark is not None
    first.insert_before(mark)


class KeptBox(NamedTuple):
    mark: str  # the id of the mark before the box
    box: str  # the box's id


def kept_boxes(document_html: str) -> list[KeptBox]:
    """The kept boxes of a print document, in order."""
    return [KeptBox(html.unescape(m.group(1)), html.unescape(m.group(2))) for m in _MARK.finditer(document_html)]


def boxes_to_split(printed: Destinations, boxes: Sequence[KeptBox], *, margin_top: float,
                   margin_bottom: float) -> set[str]:
    """The boxes that moved to the next page whole and left more than `EMPTY_AT_MOST` of the
    page before empty below where the text before them ends (the pages' margins in points)."""
    body = printed.page_height - margin_top - margin_bottom
    found = set()
    for kept in boxes:
        mark, box = printed.places.get(kept.mark), printed.places.get(kept.box)
        if mark is None or box is None or box.page != mark.page + 1 or body <= 0:
            continue
        # Chromium gives a destination's top as if the body began at the paper's top edge: the
        # top margin is left out, so the body's foot is at margin_top + margin_bottom.
        if (mark.top - margin_top - margin_bottom) / body > EMPTY_AT_MOST:
            found.add(kept.box)
    return found


def with_boxes_split(document_html: str, boxes: Collection[str]) -> str:
    """The document with these boxes let run on across pages, as a long box does (print.css):
    a rule of its own after the stylesheets, as important as needed to override theirs."""
    if not boxes:
        return document_html
    selectors = ", ".join(f"[id={css_string(box)}]{inner}" for box in sorted(boxes) for inner in ("", " li"))
    rule = f"<style>{selectors} {{ break-inside: auto !important; }}</style>"
    head_end = document_html.index("</head>")
    return document_html[:head_end] + rule + document_html[head_end:]
