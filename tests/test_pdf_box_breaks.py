"""Which reflection boxes kept whole a printing lets break: the marks a print document carries,
and the decision from where they landed (tests/test_print_layout.py prints them)."""

from __future__ import annotations

from bs4 import BeautifulSoup

from ebook.pdf import box_breaks
from ebook.pdf.box_breaks import KeptBox, boxes_to_split, kept_boxes, with_boxes_split
from ebook.pdf.chapter_documents import collection_document, handout_document
from ebook.pdf.content import clean_content
from ebook.pdf.documents import made_to_measure
from ebook.pdf.finishing import Destinations, Place
from tests.print_documents import CHAPTER, CHAPTER_PAGE, print_setup, reflection_box, words


def handout_html(page: str) -> str:
    setup = print_setup("letter")
    return collection_document([handout_document(page, CHAPTER, setup)], setup, name="handouts-1").html


def test_a_kept_box_and_the_text_before_it_are_marked_with_the_chapters_own_ids() -> None:
    html = handout_html(CHAPTER_PAGE)
    mark = f"{CHAPTER.slug}--book-print-mark-1"
    assert kept_boxes(html) == [KeptBox(mark, f"{mark}-box")]
    assert html.index(f'id="{mark}"') < html.index('class="admonition reflection"') < html.index(f'id="{mark}-box"')


def cleaned(article: str) -> BeautifulSoup:
    page = BeautifulSoup(f"<article>{article}</article>", "html.parser")
    clean_content(page, base_url="")
    return page


def top_level(page: BeautifulSoup) -> list[str]:
    """The article's children: each element's name, a box's or mark's last class."""
    assert page.article is not None
    return [tag.name if tag.name != "div" else tag.get_attribute_list("class")[-1]
            for tag in page.article.find_all(recursive=False)]


BOX = '<div class="admonition reflection"{}><p class="admonition-title">T</p><ul><li>Why?</li></ul></div>'
TEXT_MARK = box_breaks.MARK_CLASS


def test_the_marks_go_before_the_headings_kept_with_the_box_and_before_the_boxs_first_words() -> None:
    page = cleaned(f"<p>Text.</p><h2>Think</h2><h3>Alone</h3>{BOX.format(' id=own')}")
    assert top_level(page) == ["p", TEXT_MARK, "h2", "h3", "reflection"]
    box_mark = page.find(id="book-print-mark-1-box")
    assert box_mark is not None and box_mark.name == "span" and not box_mark.contents
    assert box_mark.parent is not None and box_mark.parent.get_attribute_list("class") == ["admonition-title"]
    assert box_mark.next_sibling == "T"
    # The box keeps its own id, which may repeat in the book: the marks' ids are their own.
    assert page.find(id="own") is not None
    assert kept_boxes(str(page)) == [KeptBox("book-print-mark-1", "book-print-mark-1-box")]
    # A heading print.css does not keep with what follows stays above the text's mark.
    assert top_level(cleaned(f"<p>Text.</p><h5>Small</h5>{BOX.format('')}")) == ["p", "h5", TEXT_MARK, "reflection"]


def test_a_box_right_below_a_chapters_title_gets_no_mark_which_would_take_the_titles_place_as_first() -> None:
    page = cleaned(f"<h1>Title</h1><h2>Think</h2>{BOX.format('')}<p>Text.</p>{BOX.format('')}")
    assert top_level(page) == ["h1", "h2", "reflection", "p", TEXT_MARK, "reflection"]
    assert kept_boxes(str(page)) == [KeptBox("book-print-mark-2", "book-print-mark-2-box")]


def test_a_box_first_in_its_container_or_after_a_table_gets_no_mark() -> None:
    """A mark there would change what is printed: a box's title or a summary left at a page's
    foot with the mark, a table's following text moved by a fraction of a point."""
    box = BOX.format("")
    for article in (f'<div class="admonition note"><p class="admonition-title">Try</p>{box}</div>',
                    f"<details><summary>More</summary>{box}</details>",
                    f"<blockquote>{box}</blockquote>",
                    f'<p>Text.</p><div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table>'
                    f"<tr><td>1</td></tr></table></div></div>{box}"):
        assert kept_boxes(str(cleaned(article))) == [], article
    after_code = cleaned(f'<div class="highlight"><pre><code>x = 1</code></pre></div>{box}')
    assert kept_boxes(str(after_code)) == [KeptBox("book-print-mark-1", "book-print-mark-1-box")]


def test_only_the_destinations_made_to_measure_are_left_out_of_the_finished_pdfs() -> None:
    for name in ("book-print-mark-2", "book-print-mark-2-box", "trust--book-print-mark-12-box"):
        assert made_to_measure(name), name
    for name in ("own", "book-print-mark-2-notes", "reflection"):
        assert not made_to_measure(name), name


def test_text_that_reads_like_a_mark_is_not_taken_for_one() -> None:
    page = CHAPTER_PAGE.replace('<p>See <a href="../../about/">about</a>.</p>',
                                '<p>Marks look like <code>&lt;div class="book-print-mark" id="book-print-mark-7"&gt;</code>.</p>')
    assert [kept.mark for kept in kept_boxes(handout_html(page))] == [f"{CHAPTER.slug}--book-print-mark-1"]


def test_a_box_too_long_to_keep_whole_gets_no_mark() -> None:
    page = CHAPTER_PAGE.replace('<div class="admonition reflection">', reflection_box([60] * 12) + '<div class="x">', 1)
    html = handout_html(page)
    assert kept_boxes(html) == []
    assert "book-print-long" in html


MARGIN_TOP, MARGIN_BOTTOM, HEIGHT = 60.0, 60.0, 780.0  # a body of 660 points
KEPT = KeptBox("m", "b")


def printed(mark: Place, box: Place) -> Destinations:
    return Destinations({"m": mark, "b": box, "other": Place(1, 700.0)}, count=3, page_height=HEIGHT)


def split(mark: Place, box: Place) -> set[str]:
    return boxes_to_split(printed(mark, box), [KEPT], margin_top=MARGIN_TOP, margin_bottom=MARGIN_BOTTOM)


def test_a_box_that_moved_on_and_left_more_than_the_limit_of_the_page_before_empty_is_split() -> None:
    # Chromium's destinations leave out the top margin: the body's foot is at 120 points.
    empty = box_breaks.MOVED_BOX_LEAVES_AT_MOST * 660
    assert split(Place(1, 120 + empty + 10), Place(2, 720.0)) == {"b"}
    assert split(Place(1, 120 + empty - 10), Place(2, 720.0)) == set()


def test_a_box_that_stayed_on_the_page_of_the_text_before_it_is_kept_whole() -> None:
    assert split(Place(2, 500.0), Place(2, 490.0)) == set()
    # A box two pages on is not the text's doing (a picture between, say): nothing to mend here.
    assert split(Place(1, 500.0), Place(3, 720.0)) == set()


def test_a_split_box_gets_a_rule_that_reaches_it_and_its_prompts_alone_and_changes_nothing_else() -> None:
    note = ('<div class="admonition note" id="note"><p class="admonition-title">Note</p><ul><li id="outer">A</li></ul>'
            f'<p>Text.</p>{BOX.format(" id=box")}</div>')
    html = f"<html><head><title>t</title></head><body><article>{cleaned(note).article}</article></body></html>"
    (kept,) = kept_boxes(html)
    assert with_boxes_split(html, set()) == html
    out = with_boxes_split(html, {kept.box})
    rule = out[out.index("<style>"):out.index("</head>")]
    assert out.replace(rule, "") == html and rule.count("</style>") == 1
    assert rule.endswith("{ break-inside: auto !important; }</style>")
    selectors = rule.removeprefix("<style>").split(" {")[0]
    page = BeautifulSoup(out, "html.parser")
    box = page.find(id="box")
    assert page.select(selectors) == [box, *box.find_all("li")]  # not the note around it, nor its items
    # An id that would end the style element is escaped inside the rule's strings.
    odd = with_boxes_split(html, {'x--b"</style>'})
    assert odd.count("</style>") == 1 + html.count("</style>")
