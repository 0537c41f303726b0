"""Page numbers a document can only know once printed: the book's table of contents (Chromium
has no `target-counter()`) and each chapter's "Page n of N" in a collection.

The book's body is numbered from 1 after its unnumbered front matter (overrides/print/book.html):
the contents give a heading's page as printed at its foot, and the PDF's page labels
(`finishing.add_page_labels`, written when the PDF is finished) make a viewer show the same
numbers, the front matter's as i, ii, iii. Its parts run on one after the other, so the pages
they open on also give each page its running head (`fill_running_heads`; Chromium has no
string-set()).

A document is printed, the numbers are read back from the PDF (`measured_numbers`), written into
its HTML (`with_numbers`), and printed again until what was written in is what was measured
(`print_until_numbers_hold`). A printing made only to measure, as the first one is without
numbers from an earlier build, shows nothing (`measuring_html`): every box is laid out where it
will be, none is painted, and Chromium prints it in about two thirds of the time. The numbers of
the last build are kept in the cache (`.cache/book/pdf-numbers/`): a document printed again
starts from them, and when the layout kept them, as after most edits of a chapter, its first
printing is its last, unless a reflection box has to be let break (`box_breaks`, which measures
that afresh each time). Either way the bytes are those of a first build.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError

from ebook.model import build_cache
from ebook.pdf import box_breaks, finishing
from ebook.pdf.documents import (MARGIN_BOTTOM_MM, MARGIN_TOP_MM, POINTS_PER_MM, TEMPLATES_DIR, css_string,
                                 part_targets)

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from ebook.pdf.documents import PrintDocument
    from ebook.pdf.plans import PrintPlan

MAX_TOC_PASSES = 4

# The page-number slots the book template writes: <span class="book-toc__page" data-toc-target="ID">.
_TOC_SLOT = re.compile(r'(<span class="book-toc__page" data-toc-target="([^"]*)">)[^<]*(</span>)')


def toc_targets(document_html: str) -> list[str]:
    return [html.unescape(m.group(2)) for m in _TOC_SLOT.finditer(document_html)]


def fill_toc_pages(document_html: str, pages: Mapping[str, int]) -> str:
    return _TOC_SLOT.sub(
        lambda m: f"{m.group(1)}{pages[html.unescape(m.group(2))]}{m.group(3)}", document_html
    )


# The slots of collection.html where each chapter's number of pages goes.
_PAGES_SLOT = re.compile(r'(/\* pages of part (\d+) \*/ )"[^"]*"')


def fill_page_totals(document_html: str, totals: Sequence[int]) -> str:
    return _PAGES_SLOT.sub(lambda m: f'{m.group(1)}"{totals[int(m.group(2)) - 1]}"', document_html)


# The slot of book.html where the running heads go: one line, after the comment.
_HEADS_SLOT = re.compile(r"(/\* running heads \*/ )[^\n]*")


def fill_running_heads(document_html: str, heads: Sequence[tuple[str, str]], book_head: str,
                       pages: Mapping[str, int]) -> str:
    """Each page's running heads, left and right, as counter styles of the page number: a page
    has those of the last part that opened before it (`heads`: each part's heading target and
    head, in order; `pages`: the page each target is on), none if a part opens on it."""
    if not heads:
        return document_html
    opening = {pages[target]: head for target, head in heads}  # the last part opening on a page
    last = max(opening)
    left, right, current = [], [], ""
    for page in range(1, last + 1):
        if page in opening:
            current = opening[page]
            left.append('""')
            right.append('""')
        else:
            left.append(css_string(book_head))
            right.append(css_string(current))
    rules = " ".join(
        f"@counter-style book-head-{side} {{ system: fixed; symbols: {' '.join(symbols)}; "
        f"fallback: book-head-{side}-on; }} "
        f"@counter-style book-head-{side}-on {{ system: cyclic; symbols: {css_string(after)}; }}"
        for side, symbols, after in (("left", left, book_head), ("right", right, opening[last])))
    return _HEADS_SLOT.sub(lambda m: m.group(1) + rules, document_html, count=1)


def numbered(document: PrintDocument) -> list[str]:
    """What the document's numbers are of: the targets of the book's contents, or the PDF of
    each chapter of a collection (whose number of pages its footers give)."""
    if document.toc:
        return toc_targets(document.html)
    return [part.path for part in document.parts]


def measured_numbers(document: PrintDocument, pdf: bytes) -> dict[str, int]:
    """The numbers a printing of the document measured, by what they are of (`numbered`): the
    page number printed where each of the book's contents entries landed, or each chapter's
    number of pages."""
    return measured(document, finishing.destinations(pdf))[0]


def measured(document: PrintDocument, printed: finishing.Destinations) -> tuple[dict[str, int], int]:
    """`measured_numbers`, from the printing's named destinations, and how many pages of front
    matter come before the body's page 1."""
    if document.toc:
        pages = _landed(document, printed, numbered(document), "a heading its contents list (each needs an id)")
        front = front_matter_pages(document, pages)
        return {target: page - front for target, page in pages.items()}, front
    if document.parts:
        targets = part_targets(len(document.parts))
        starts = _landed(document, printed, targets, "where a chapter begins (collection.html links to each)")
        count = printed.count
        ends = [starts[target] for target in targets[1:]] + [count + 1]
        counts = [end - starts[target] for target, end in zip(targets, ends)]
        if starts[targets[0]] != 1 or min(counts) < 1:
            raise PluginError(f"{document.path}: its chapters begin on pages {list(starts.values())}: each "
                              f"must begin a page of its own, the first on page 1 (overrides/{TEMPLATES_DIR}/).")
        return {part.path: pages for part, pages in zip(document.parts, counts)}, 0
    return {}, 0


def _landed(document: PrintDocument, printed: finishing.Destinations, targets: Sequence[str],
            what: str) -> dict[str, int]:
    """The page each target landed on; an error names the targets the printing has no
    destination for, and what they should be (`what`)."""
    missing = [target for target in targets if target not in printed.places]
    if missing:
        raise PluginError(f"{document.path}: the printed document has no destination for {missing[:5]}: "
                          f"each should be {what}.")
    return {target: printed.places[target].page for target in targets}


def front_matter_pages(document: PrintDocument, pages: Mapping[str, int]) -> int:
    """The pages before the body: those before the page of the first entry of the contents
    (`pages`: where each entry is, counted from the first page of the PDF)."""
    targets = numbered(document)
    return pages[targets[0]] - 1 if targets else 0


# Nothing painted, everything laid out: `visibility` changes no box's size or place.
_SHOWING_NOTHING = "<style>*, *::before, *::after { visibility: hidden !important; }</style>"


def measuring_html(document_html: str) -> str:
    """The document to print only to measure where its headings and parts land: the same layout,
    nothing painted (no text, so no fonts to write into the PDF either)."""
    head_end = document_html.index("</head>")
    return document_html[:head_end] + _SHOWING_NOTHING + document_html[head_end:]


def with_numbers(document: PrintDocument, numbers: Mapping[str, int]) -> str:
    """The document's HTML with these numbers written in."""
    if document.toc:
        filled = fill_toc_pages(document.html, numbers)
        return fill_running_heads(filled, document.heads, document.book_head, numbers)
    if document.parts:
        return fill_page_totals(document.html, [numbers[path] for path in numbered(document)])
    return document.html


def with_last_numbers(make: Callable[[], PrintDocument], last: Mapping[str, int]) -> PrintDocument:
    """The document `make` makes, given the numbers the last build measured for it (`last`,
    by what they are of) when it measured them all."""
    document = make()
    wanted = numbered(document)
    if wanted and all(name in last for name in wanted):
        return dataclasses.replace(document, last_numbers={name: last[name] for name in wanted})
    return document


@dataclass(frozen=True)
class Printed:
    data: bytes  # the last printing, whose numbers hold
    numbers: dict[str, int]  # what it measured (`measured_numbers`)
    printings: int
    front_pages: int = 0  # the book's pages before its page 1, for its page labels (`finishing.add_page_labels`)


async def print_until_numbers_hold(
    document: PrintDocument, print_html: Callable[[str, int, bool], Awaitable[bytes]],
) -> Printed:
    """Print the document (`print_html(html, printing, tagged)`) again while the numbers written
    in differ from those just printed, or a reflection box is let break (`box_breaks`)."""
    import asyncio  # only when printing: a build without PDFs never loads it

    # With the last build's numbers written in, the first printing is the last if the layout
    # kept them. Without, the first printing only measures where headings and parts land (its
    # named destinations): it shows nothing and has no tags, neither of which changes the layout.
    current = with_numbers(document, document.last_numbers) if document.last_numbers else document.html
    measuring = (document.toc or bool(document.parts)) and not document.last_numbers
    # The reflection boxes kept whole that a printing finds leave too much of a page empty are
    # let break (`box_breaks`), and the document printed again.
    boxes = box_breaks.kept_boxes(document.html)
    unsplit, split = document.html, set[str]()
    printing = 0
    # Each box let break allows one printing more: there are only so many boxes.
    while printing < MAX_TOC_PASSES + len(split):
        printing += 1
        data = await print_html(measuring_html(current) if measuring else current, printing, not measuring)
        printed = await asyncio.to_thread(finishing.destinations, data)
        numbers, front = measured(document, printed)
        # A box whose mark's links were lost on the way would silently never be measured.
        _landed(document, printed, [name for kept in boxes for name in kept],
                "one of the empty marks that ebook/pdf/box_breaks.py puts before a reflection box and in its "
                "first words, linked from the first")
        more = box_breaks.boxes_to_split(printed, boxes, margin_top=MARGIN_TOP_MM * POINTS_PER_MM,
                                         margin_bottom=MARGIN_BOTTOM_MM * POINTS_PER_MM) - split
        if more:
            split |= more
            document = dataclasses.replace(document, html=box_breaks.with_boxes_split(unsplit, split))
        filled = with_numbers(document, numbers)
        if filled == current and not measuring:
            return Printed(data=data, numbers=numbers, printings=printing, front_pages=front)
        del data  # not held while the document prints again
        current, measuring = filled, False
    let_break = f" (reflection boxes let break on the way: {len(split)})" if split else ""
    raise PluginError(
        f"{document.path}: the page numbers still moved after {printing} printings{let_break}; "
        f"check the templates in overrides/{TEMPLATES_DIR}/."
    )


# The numbers the last build measured (`measured_numbers`), an entry per PDF: the book's
# contents page numbers, or a chapter's number of pages.
NUMBERS_NAMESPACE = "pdf-numbers"


def load_numbers(cache: build_cache.Cache | None, plans: Sequence[PrintPlan]) -> dict[str, int]:
    """The numbers the last build measured for these PDFs, by what they are of (`numbered`)."""
    numbers: dict[str, int] = {}
    if cache is None:
        return numbers
    for plan in plans:
        entry = cache.get(NUMBERS_NAMESPACE, build_cache.digest(plan.path))
        if entry is not None:
            numbers.update(json.loads(entry.data) if plan.kind == "book" else {plan.path: int(entry.data)})
    return numbers


def save_numbers(cache: build_cache.Cache, document: PrintDocument, numbers: Mapping[str, int]) -> None:
    if document.toc:
        cache.put(NUMBERS_NAMESPACE, build_cache.digest(document.path), {},
                  json.dumps(numbers, sort_keys=True).encode("utf-8"))
    for path in numbered(document) if document.parts else ():
        cache.put(NUMBERS_NAMESPACE, build_cache.digest(path), {}, str(numbers[path]).encode())
