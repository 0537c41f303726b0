"""Which reflection boxes kept whole a printing lets break: the marks a print document carries,
and the decision from where they landed (tests/test_print_layout.py prints them)."""

from __future__ import annotations

from ebook.pdf import box_breaks
from ebook.pdf.box_breaks import KeptBox, boxes_to_split, kept_boxes, with_boxes_split
from ebook.pdf.chapter_documents import collection_document, handout_document
from ebook.pdf.content import clean_content
from ebook.pdf.finishing import Destinations, Place
from tests.print_documents import CHAPTER, CHAPTER_PAGE, print_setup
from tests.test_print_layout import reflection_box, words


def handout_html(page: str) -> str:
    setup = print_setup("letter")
    return collection_document([handout_document(page, CHAPTER, setup)], setup, name="handouts-1").html


def test_a_kept_box_and_the_text_before_it_are_marked_with_the_chapters_own_ids() -> None:
    html = handout_html(CHAPTER_PAGE)
    assert kept_boxes(html) == [KeptBox(f"{CHAPTER.slug}--book-print-box-1-before", f"{CHAPTER.slug}--book-print-box-1")]
    assert html.index('id="trust--book-print-box-1-before"') < html.index('id="trust--book-print-box-1"')


def test_the_mark_goes_before_the_headings_that_move_with_the_box_and_a_box_keeps_its_own_id() -> None:
    from bs4 import BeautifulSoup

    page = BeautifulSoup("<article><p>Text.</p><h2>Think</h2><h3>Alone</h3>"
                         '<div class="admonition reflection" id="own"><p class="admonition-title">T</p>'
                         "<ul><li>Why?</li></ul></div></article>", "html.parser")
    clean_content(page, base_url="")
    order = [tag.name if tag.name != "div" else tag.get("class", [""])[0] for tag in page.article.find_all(recursive=False)]
    assert order == ["p", box_breaks.MARK_CLASS, "h2", "h3", "admonition"]
    assert kept_boxes(str(page)) == [KeptBox("book-print-box-1-before", "own")]


def test_a_box_too_long_to_keep_whole_gets_no_mark() -> None:
    page = CHAPTER_PAGE.replace('<div class="admonition reflection">', reflection_box([60] * 12) + '<div class="x">', 1)
    html = handout_html(page)
    assert kept_boxes(html) == []
    assert "book-print-long" in html


MARGIN_TOP, MARGIN_BOTTOM, HEIGHT = 60.0, 60.0, 780.0  # a body of 660 points
BOX = KeptBox("m", "b")


def printed(mark: Place, box: Place) -> Destinations:
    return Destinations({"m": mark, "b": box, "other": Place(1, 700.0)}, count=3, page_height=HEIGHT)


def split(mark: Place, box: Place) -> set[str]:
    return boxes_to_split(printed(mark, box), [BOX], margin_top=MARGIN_TOP, margin_bottom=MARGIN_BOTTOM)


def test_a_box_that_moved_on_and_left_more_than_the_limit_of_the_page_before_empty_is_split() -> None:
    # Chromium's destinations leave out the top margin: the body's foot is at 120 points.
    empty = box_breaks.EMPTY_AT_MOST * 660
    assert split(Place(1, 120 + empty + 10), Place(2, 720.0)) == {"b"}
    assert split(Place(1, 120 + empty - 10), Place(2, 720.0)) == set()


def test_a_box_that_stayed_on_the_page_of_the_text_before_it_is_kept_whole() -> None:
    assert split(Place(2, 500.0), Place(2, 490.0)) == set()
    # A box two pages on is not the text's doing (a picture between, say): nothing to mend here.
    assert split(Place(1, 500.0), Place(3, 720.0)) == set()
    assert boxes_to_split(printed(Place(1, 500.0), Place(2, 720.0)), [KeptBox("gone", "b")],
                          margin_top=MARGIN_TOP, margin_bottom=MARGIN_BOTTOM) == set()


def test_a_split_box_gets_a_rule_that_outweighs_the_stylesheets_and_nothing_else_changes() -> None:
    html = f"<html><head><title>t</title></head><body><p>{words('p', 3)}</p></body></html>"
    assert with_boxes_split(html, set()) == html
    out = with_boxes_split(html, {'x--b"</style>'})
    assert out.replace(out[out.index("<style>"):out.index("</head>")], "") == html
    rule = out[out.index("<style>"):out.index("</head>")]
    assert rule.count("</style>") == 1 and "break-inside: auto !important" in rule
    assert '[id="x--b\\22 \\3c /style\\3e "] li' in rule
