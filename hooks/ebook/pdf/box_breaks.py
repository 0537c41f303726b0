"""Where a reflection box kept whole may break after all, decided from a printing.

A reflection box short enough to print whole (`content.KEPT_WHOLE_LINES`) moves to the next page
rather than split between its prompts (print.css), and the headings above it and the credit
below it move with it. Where that leaves the page before more than `MOVED_BOX_LEAVES_AT_MOST`
empty, the box is let run on from where that page has room instead, as a long box does: each
box's place is read back from a printing of its document, and the document printed again with
those boxes let break (`numbering.print_until_numbers_hold`). How long a box prints, and where
the page before it ends, only a printing knows. Whether a box moves is measured afresh in every
printing of a changed document, never taken from the last build, so that the PDF is the same as
a first build's.

A kept box that follows a block of text gets two empty marks, with hidden links to both:
Chromium writes a named destination, with its page and its top, for every element a link in the
document points at. One is an empty span before the box's first words: it is where the box is.
The other is an empty block before the box and the headings that move with it, and stays where
the text before them ends: Chromium breaks a page at the last place it may, after it. Neither
changes what is printed (an empty block after a block of text, an empty span inside a line), as
tests/test_print_layout.py compares. A box anywhere else (`_TEXT_BLOCKS`) gets no marks and
always moves whole.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, NamedTuple

from ebook.pdf.documents import BOX_MARK_PREFIX, box_mark_of, box_marks, css_string

if TYPE_CHECKING:
    from bs4 import Tag

    from ebook.pdf.finishing import Destinations

# The most of a page's body a box moving whole may leave empty: a little under the 35 % that
# every page is held to (tests/test_print_layout.py), since the mark is where the text before it
# ends with that text's margin below it, a little below its last line's ink.
MOVED_BOX_LEAVES_AT_MOST = 0.3

MARK_CLASS = "book-print-mark"
# The headings print.css keeps with what follows them: the text's mark goes above them.
_KEPT_WITH_NEXT = frozenset({"h2", "h3", "h4"})
# What the text's mark may follow: blocks of text, after which an empty block changes nothing
# printed (tests/test_print_layout.py compares the common ones). Not a chapter's title (the book
# keeps room below it by its being its part's first child, which the mark would take), a box's
# title or a summary (kept with what follows, they would be left at the foot of the page), nor a
# table (an empty block after one can move what follows by a fraction of a point). A box after
# anything else, or first in its container, gets no marks and stays whole, as every short box
# did before.
_TEXT_BLOCKS = frozenset({"p", "ul", "ol", "dl", "blockquote", "pre", "figure", "hr", "details", "h5", "h6"})
_TEXT_BOX_CLASSES = frozenset({"admonition", "highlight"})  # a box, or a code block's <div>
# The text's mark, by its start tag as `mark_kept_box` writes it (its id made a chapter's own by
# `content.own_ids`): a page's text, whose "<" is always escaped, cannot look like it.
_MARK_ID = re.compile(rf'<div class="{MARK_CLASS}" id="((?:[^"]*--)?{BOX_MARK_PREFIX}\d+)">')


def mark_kept_box(box: Tag, number: int) -> None:
    """Put the box's marks at the start of its first words (its title's, as a rule) and before the
    headings right above it (the text's, linking to both), in place; none if the box follows no
    block of text (`_TEXT_BLOCKS`). Their ids are made here, never the box's own: a box's id may
    repeat in the book, where print-site leaves it as written."""
    from bs4 import BeautifulSoup  # see `content`'s docstring

    first = box
    while (previous := first.find_previous_sibling(True)) is not None and previous.name in _KEPT_WITH_NEXT:
        first = previous
    words = next((text for text in box.find_all(string=True) if text.strip()), None)
    if previous is None or words is None or not _text_block(previous):
        return
    text_end, box_top = box_marks(number)
    marks = BeautifulSoup(f'<div class="{MARK_CLASS}" id="{text_end}"><a hidden href="#{text_end}"></a>'
                          f'<a hidden href="#{box_top}"></a></div><span id="{box_top}"></span>', "html.parser")
    text_mark, box_mark = marks.div, marks.span
    assert text_mark is not None and box_mark is not None
    first.insert_before(text_mark.extract())
    words.insert_before(box_mark.extract())


def _text_block(tag: Tag) -> bool:
    classes = set(tag.get_attribute_list("class"))
    if "admonition-title" in classes:
        return False
    return tag.name in _TEXT_BLOCKS or (tag.name == "div" and not classes.isdisjoint(_TEXT_BOX_CLASSES))


class KeptBox(NamedTuple):
    mark: str  # the id of the mark where the text before the box ends
    box: str  # the id of the box's own mark, before its first words


def kept_boxes(document_html: str) -> list[KeptBox]:
    """The kept boxes of a print document, in order, by the ids of their marks."""
    marks = [html.unescape(found.group(1)) for found in _MARK_ID.finditer(document_html)]
    return [KeptBox(mark, box_mark_of(mark)) for mark in marks]


def boxes_to_split(printed: Destinations, boxes: Sequence[KeptBox], *, margin_top: float,
                   margin_bottom: float) -> set[str]:
    """The boxes that moved to the next page whole and left more than `MOVED_BOX_LEAVES_AT_MOST`
    of the page before empty below where the text before them ends (the pages' margins in
    points; the printing has a destination for each mark and box)."""
    body = printed.page_height - margin_top - margin_bottom
    found: set[str] = set()
    if body <= 0:  # a PDF with no pages
        return found
    for kept in boxes:
        mark, box = printed.places[kept.mark], printed.places[kept.box]
        if box.page != mark.page + 1:
            continue
        # Chromium gives a destination's top as if the body began at the paper's top edge: the
        # top margin is left out, so the body's foot is at margin_top + margin_bottom.
        if (mark.top - margin_top - margin_bottom) / body > MOVED_BOX_LEAVES_AT_MOST:
            found.add(kept.box)
    return found


def with_boxes_split(document_html: str, boxes: Collection[str]) -> str:
    """The document with these boxes (by their marks' ids) let run on across pages, as a long box
    does (print.css): a rule of its own after the stylesheets, as important as needed to
    override theirs."""
    if not boxes:
        return document_html
    # The reflection box holding the mark, not a box around it (a note it is in).
    selectors = ", ".join(f":is(.admonition, details).reflection:has([id={css_string(box)}]){inner}"
                          for box in sorted(boxes) for inner in ("", " li"))
    rule = f"<style>{selectors} {{ break-inside: auto !important; }}</style>"
    head_end = document_html.index("</head>")
    return document_html[:head_end] + rule + document_html[head_end:]
