"""The PDFs' pages as a class gets them printed: no page left half empty, the book's pages
numbered as its contents and a PDF viewer say, running heads where they help, and worksheets
with room to write and a place for a name on every page.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import material
import pikepdf
import pypdf
import pytest
from bs4 import BeautifulSoup

from ebook.pdf.browser import render_documents
from ebook.model.settings import parse_book_settings
from ebook.pdf.documents import ChapterSource, PrintDocument, PrintSetup
from ebook.pdf.chapter_documents import collection_document, handout_document, worksheet_document
from tests.helpers import ROOT, book_config, chapter_pages, front_matter, normalise, page_html_path, soup
from tests.pdfs import (BOTTOM_MARGIN, TOP_MARGIN, body_text, bookmarks, footer_lines, full_page_texts, horizontal_rules,
                        link_annotations, named_destinations, page_size, shows_title, text_runs, without_credit)
from tests.print_documents import (BOOK_FIELDS, CHAPTER, CHAPTER_PAGE, EMPTY_AT_MOST, empty_shares, print_setup,
                                   reflection_box, system_browser, tagged_texts, words)

BOOK_TITLE = book_config()["site_name"]


def book_pdf(site: Path) -> Path:
    (found,) = (site / "downloads").glob("*.pdf")  # handouts and worksheets have folders of their own
    return found


def front_pages(pdf: Path) -> int:
    """The book's front matter: the pages before the first one its contents list."""
    return min(b.page for b in bookmarks(pdf) if b.title != "Contents") - 1


def head_texts(pdf: Path) -> list[str]:
    """Each page's running head: the text above the body."""
    width, _ = page_size(pdf)
    result = subprocess.run(["pdftotext", "-x", "0", "-y", "0", "-W", str(int(width)), "-H", str(int(TOP_MARGIN)),
                             str(pdf), "-"], capture_output=True, text=True, check=True)
    return [normalise(page) for page in result.stdout.split("\f")[:-1]]


def roman(number: int) -> str:
    return ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"][number - 1]


def same_words(text: str, *parts: str) -> bool:
    """The text has the words of the parts and no others, in any order: boxes side by side in
    the margin wrap their lines, which pdftotext may interleave."""
    return sorted(text.split()) == sorted(" ".join(parts).split())


def contents_entries(text: str) -> list[tuple[str, str]]:
    """(title, page number) of each entry of the contents, as pdftotext -layout sets them out: a
    title too long for one line has its page number on its first line, its other words below."""
    entries: list[tuple[str, str]] = []
    for line in text.splitlines():
        if found := re.match(r"^\s*(\S.*?)\s{2,}(\d+)\s*$", line):
            entries.append((normalise(found.group(1)), found.group(2)))
        elif entries and line.strip() and not line.startswith(" " * 40):
            entries[-1] = (f"{entries[-1][0]} {normalise(line)}", entries[-1][1])
    return entries


# --- No waste ---------------------------------------------------------------------------------


def test_no_page_but_a_documents_last_and_the_front_matter_is_more_than_a_third_empty(site: Path) -> None:
    """Boxes run on to the next page, chapters run on after the one before, a worksheet's lines
    after their prompt: every PDF the build writes, every page but its last."""
    book = book_pdf(site)
    gaps = []
    for pdf in sorted((site / "downloads").rglob("*.pdf")):
        first = front_pages(pdf) if pdf == book else 0  # cover, copyright page, contents
        shares = empty_shares(pdf)
        gaps += [f"site/downloads/{pdf.relative_to(site / 'downloads')}, the file's page {number} "
                 f"(counted from its first page): {share:.0%} empty"
                 for number, share in enumerate(shares, start=1) if first < number < len(shares) and share > EMPTY_AT_MOST]
    assert not gaps, (
        f"pages of the PDFs more than {EMPTY_AT_MOST:.0%} empty: {'; '.join(gaps)}. Where pages break is the print "
        "layout's doing, not a chapter's words: look at those pages after `make book`, and unless your change puts "
        "something out of the ordinary there (a very tall picture, say), ask for help in the pull request.")


def test_a_credit_is_never_alone_on_a_page(site: Path) -> None:
    """Above a page's credit, on the page it is on: the last lines of its page (text, or the
    ruled lines of a worksheet)."""
    for pdf in sorted((site / "downloads").rglob("*.pdf")):
        rules = horizontal_rules(pdf, min_width=page_size(pdf)[0] * 0.5)  # not the credit's own short one
        credits = [r for r in text_runs(pdf) if r.text.startswith("Original work:") and r.y > BOTTOM_MARGIN]
        for number, page in enumerate(body_text(pdf).split("\f")[:-1], start=1):
            before, credit, _ = normalise(page).partition("Original work:")
            above = [y for on, y in rules if on == number and y > max(r.y for r in credits if r.page == number)] \
                if credit else []
            assert not credit or before or above, (pdf.name, number)


def test_no_pdf_carries_the_destinations_made_only_to_measure_where_reflection_boxes_land(site: Path) -> None:
    """The marks a printing measures reflection boxes by (`box_breaks`) are linked so that Chromium
    writes where they land; a reader's PDF viewer lists no such names."""
    for pdf in sorted((site / "downloads").rglob("*.pdf")):
        assert not [name for name in named_destinations(pdf) if "book-print-mark" in name], pdf.name


def test_the_book_leaves_out_a_list_of_one_chapter(site: Path) -> None:
    """The chapters' page lists the chapters: a list of one says nothing the contents do not,
    and a longer list runs on into the first chapter (no page is left half empty, above)."""
    chapters_dir = book_config()["extra"]["book"]["chapters_dir"]
    listing = front_matter(f"{chapters_dir}/index.md")["title"]
    in_book = listing in [b.title for b in bookmarks(book_pdf(site))]
    assert in_book == (len(chapter_pages()) > 1)


def paragraph_texts(site: Path) -> list[str]:
    """The text of every paragraph and list item of the built pages the PDFs print, without
    whitespace (a printed line's breaks and spaces are pdftotext's)."""
    found = set()
    for page in site.rglob("*.html"):
        for element in soup(page).select(".md-content p, .md-content li"):
            found.add(re.sub(r"[\s\u00ad]+", "", element.get_text()))
    return sorted(found, key=len)


def test_no_page_begins_with_a_paragraphs_last_line_alone_nor_ends_with_its_first(site: Path) -> None:
    """print.css's widows and orphans, on every PDF the book writes: a paragraph (or list item)
    broken across two pages leaves two lines or more on each."""
    paragraphs = paragraph_texts(site)
    single = []
    for pdf in sorted((site / "downloads").rglob("*.pdf")):
        pages = [[re.sub(r"[\s\u00ad]+", "", line) for line in page.splitlines() if line.strip()]
                 for page in body_text(pdf).split("\f")[:-1]]
        for number, (page, following) in enumerate(zip(pages, pages[1:]), start=1):
            if not page or not following:
                continue
            # The paragraph the page break is in, if it is in one: a page's last line and the
            # next page's first line next to each other in it.
            text = next((t for t in paragraphs if page[-1] + following[0] in t), None)
            if text is None:
                continue
            before, after = text.split(page[-1] + following[0], 1)
            before, after = before + page[-1], following[0] + after
            # The line above the break and the one below it: of the same paragraph, or not.
            if len(page) < 2 or not before.endswith(page[-2] + page[-1]):
                single.append((pdf.name, number, "its first line alone at the foot", page[-1]))
            if len(following) < 2 or not after.startswith(following[0] + following[1]):
                single.append((pdf.name, number + 1, "its last line alone at the head", following[0]))
    assert single == [], single


# --- The book's page numbers and running heads ------------------------------------------------


def test_front_matter_is_unnumbered_and_the_body_numbered_from_1_as_contents_and_viewers_say(site: Path) -> None:
    pdf = book_pdf(site)
    front = front_pages(pdf)
    labels = pypdf.PdfReader(pdf).page_labels
    footers = [without_credit(" ".join(lines)) for lines in footer_lines(pdf)]
    assert labels[:front] == [roman(n) for n in range(1, front + 1)]
    assert not any(footers[:front])  # no number printed on the cover, copyright page or contents
    for index in range(front, len(labels)):
        assert labels[index] == str(index - front + 1)
        assert footers[index] == labels[index], (index + 1, footers[index])
    # The contents give each heading the number printed on the page it is on.
    contents = next(b.page for b in bookmarks(pdf) if b.title == "Contents")
    listed = body_text(pdf, contents, front, layout=True)
    marks = [b for top in bookmarks(pdf) if top.title != "Contents" for b in (top, *top.children)]
    assert contents_entries(listed) == [(b.title, labels[b.page - 1]) for b in marks]


def test_the_contents_entries_are_not_underlined_as_the_links_in_running_text_are(site: Path) -> None:
    """The contents are set as a book's, its entries plain text with dotted leaders to their
    page numbers; a link in a chapter's text keeps its underline (a thin filled rectangle below
    its words, as Chromium draws one)."""
    pdf = book_pdf(site)
    contents = next(b.page for b in bookmarks(pdf) if b.title == "Contents")
    underlines = [page for page, _ in horizontal_rules(pdf, min_width=10)]
    assert contents not in underlines
    linked = {page for page, kind, _ in link_annotations(pdf) if kind == "uri" and page > front_pages(pdf)}
    assert linked and linked <= set(underlines)


def test_the_book_opens_at_its_bookmarks_and_a_handout_or_worksheet_at_its_first_page(site: Path) -> None:
    """A viewer shows the book's bookmarks beside its pages as it opens it (/PageMode
    /UseOutlines); a chapter's few pages open alone."""
    book = book_pdf(site)
    for pdf in sorted((site / "downloads").rglob("*.pdf")):
        with pikepdf.open(pdf) as document:
            mode = document.Root.get("/PageMode")
            assert (str(mode) if mode is not None else None) == ("/UseOutlines" if pdf == book else None), pdf.name
            if pdf == book:
                with document.open_outline() as outline:
                    assert len(outline.root) > 1


def test_a_page_a_part_opens_on_has_no_running_head_and_the_others_name_the_book_and_the_part(site: Path) -> None:
    pdf = book_pdf(site)
    heads = head_texts(pdf)
    parts = [b for b in bookmarks(pdf) if b.title != "Contents"]
    opening = {b.page for b in parts}
    assert not any(heads[:front_pages(pdf)])
    for page in range(min(opening), len(heads) + 1):
        if page in opening:
            assert heads[page - 1] == "", page
        else:
            running = [b for b in parts if b.page < page][-1]
            head = heads[page - 1]
            assert same_words(head, BOOK_TITLE, running.title) or (
                "…" in head and shows_title(head.split(), BOOK_TITLE) and shows_title(head.split(), running.title)), \
                (page, head)


# --- Worksheets --------------------------------------------------------------------------------


def test_every_worksheet_page_has_a_place_for_the_name_and_date_and_gives_its_chapter(site: Path) -> None:
    """From the second page on, in the running head beside the chapter's title; on the first,
    below the title, as part of the worksheet's text (its structure tree, which a screen reader
    reads: a running head is an artifact it skips), with a line to write each on."""
    worksheets = sorted((site / "downloads" / "worksheets").glob("*.pdf"))
    assert worksheets
    for pdf in worksheets:
        (chapter,) = bookmarks(pdf)
        for number, head in enumerate(head_texts(pdf), start=1):
            # A line to write each on, beside the chapter's title (whose lines may come between).
            title, places = re.subn(r"\b(Name _{20,}|Date _{12,})( |$)", "", head)
            assert places == (2 if number > 1 else 0), (pdf.name, number, head)
            assert same_words(title, chapter.title) or ("…" in title and shows_title(title.split(), chapter.title)), \
                (pdf.name, number, head)
        first = normalise(body_text(pdf, 1, 1))
        assert first.startswith(f"{chapter.title} Reflection worksheet Name Date "), (pdf.name, first)
        assert re.search(r"\bName Date\b", tagged_texts(pdf)[0]), pdf.name
        # Two short lines to write on, above the first prompt's (which run across the page).
        width = page_size(pdf)[0]
        prompts = max((y for page, y in horizontal_rules(pdf, min_width=width * 0.5) if page == 1), default=0)
        short = Counter(r for r in horizontal_rules(pdf, min_width=width * 0.1) if r[0] == 1 and r[1] > prompts) - \
            Counter(horizontal_rules(pdf, min_width=width * 0.5))
        assert sum(short.values()) == 2, pdf.name


def test_a_box_whose_borders_run_to_the_foot_of_a_page_with_nothing_inside_is_empty(tmp_path: Path) -> None:
    """The measure of the tests above: a page with eight lines of text and, below them, a box
    that runs on to the page's foot with only its title inside is more than half empty, though
    ink (the box's sides and foot) reaches its last row."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(612, 792))
    box_top = 792 - 80 - 8 * 17 - 10
    drawing = [f"0 g 72 {792 - 80 - n * 17} 440 8 re f" for n in range(8)]  # the lines of text
    drawing.append(f"0.6 0.2 0.6 RG 1.5 w 72 57 468 {box_top - 57} re S")  # the box, to the foot
    drawing.append(f"80 {box_top - 20} 200 8 re f")  # its title
    pdf.pages[0].Contents = pdf.make_stream("\n".join(drawing).encode())
    pdf.save(tmp_path / "box.pdf")
    (share,) = empty_shares(tmp_path / "box.pdf")
    body = 792 - TOP_MARGIN - BOTTOM_MARGIN
    assert share == pytest.approx((box_top - 20 - BOTTOM_MARGIN) / body, abs=0.03)


def test_a_prompt_gets_room_to_write_for_each_question_it_asks(site: Path) -> None:
    """extra.pdf.writing_lines: per_question lines for each question mark, from fewest to most,
    after every prompt of every chapter's worksheet (the prompts as the chapter's page shows them)."""
    room = book_config()["extra"]["pdf"]["writing_lines"]
    checked = 0
    for chapter in chapter_pages():
        prompts = [normalise(item.get_text()) for item in soup(page_html_path(site, chapter)).select(".reflection li")]
        pdf = site / "downloads" / "worksheets" / f"{Path(chapter).stem}-reflection.pdf"
        assert pdf.exists() == bool(prompts), pdf.name
        if not prompts:
            continue
        runs = text_runs(pdf)
        # Where each prompt starts, and the credit after the last, in reading order (page, from the top).
        starts = [next((r.page, -r.y) for r in runs if p.startswith(normalise(r.text)) and
                       len(normalise(r.text)) >= min(20, len(p))) for p in prompts]
        starts.append(next((r.page, -r.y) for r in runs  # the page's credit, not its footer's
                           if r.text.startswith("Original work:") and r.y > BOTTOM_MARGIN))
        rules = [(page, -y) for page, y in horizontal_rules(pdf, min_width=page_size(pdf)[0] * 0.5)]
        counted = [sum(1 for rule in rules if start < rule < end) for start, end in zip(starts, starts[1:])]
        asked = [max(1, p.count("?")) for p in prompts]
        assert counted == [min(room["most"], max(room["fewest"], room["per_question"] * n)) for n in asked], pdf.name
        checked += len(prompts)
    assert checked  # the book has prompts: at least one chapter's worksheet was measured


# --- Boxes break across pages (a chapter printed for the test) --------------------------------


def test_a_long_box_runs_on_to_the_next_page_with_its_title_kept_with_its_first_lines(tmp_path: Path) -> None:
    """A box too long for the room left on a page starts there anyway: its title with the first
    lines of its text, and a paragraph broken across the pages leaves two lines or more on each."""
    def paragraph(number: int, count: int) -> str:
        return f"<p>{words(f'p{number}', count)}.</p>"
    # Half a page of text, then a box longer than the rest of the page.
    before = "".join(paragraph(n, 60) for n in range(1, 4))
    box = ('<div class="admonition scenario"><p class="admonition-title">Example: a long one</p>'
           + "".join(paragraph(n, 60) for n in range(10, 18)) + "</div>")
    pdf = printed_handout(tmp_path, before + box)

    pages = [[line for line in page.splitlines() if line.strip()] for page in body_text(pdf).split("\f")[:-1]]
    def paragraphs(lines: list[str]) -> list[int]:
        return [int(m.group(1)) if (m := re.search(r"\bp(\d+)w", line)) else 0 for line in lines]
    on = [paragraphs(lines) for lines in pages]
    title, line = next((n, i) for n, lines in enumerate(pages) for i, text in enumerate(lines)
                       if "Example: a long one" in text)
    assert 3 in on[title]  # the box starts where the text before it ends, not a page later,
    assert on[title][line + 1:line + 3] == [10, 10]  # its title with the box's first lines
    assert 17 in on[title + 1] and 10 not in on[title + 1]  # the box runs on to the next page
    assert empty_shares(pdf)[title] <= EMPTY_AT_MOST  # and left no gap where it started
    for page, following in zip(on, on[1:]):
        if page[-1] == following[0] and page[-1]:  # a paragraph broken across the pages
            assert page[-2:] == following[:2] == [page[-1]] * 2, (page, following)


def lines_of(pdf: Path, name: str) -> list[tuple[int, int]]:
    """(page, line of its body) of each printed line with words of `name` (q2: the second prompt)."""
    pages = [[line for line in page.splitlines() if line.strip()] for page in body_text(pdf).split("\f")[:-1]]
    return [(n, i) for n, lines in enumerate(pages, start=1) for i, line in enumerate(lines)
            if re.search(rf"\b{name}w\d", line)]


def reflection_title_page(pdf: Path) -> int:
    return next(n for n, text in enumerate(body_text(pdf).split("\f"), start=1) if "For Reflection" in text)


@pytest.mark.parametrize("paragraphs, last, prompts", [
    (4, 10, [14, 14, 50]),  # room for the box's title and its first two prompts: a seventh of the page
    (3, 60, [14, 14, 50, 30]),  # room for all but its last prompt: about a quarter of the page
], ids=["little-room", "a-quarter-of-the-page"])
def test_a_short_reflection_box_moves_to_the_next_page_whole_rather_than_split(
        tmp_path: Path, paragraphs: int, last: int, prompts: list[int]) -> None:
    """A few prompts, to think about together, print on one page with their title: the box that
    does not fit in the room left on a page (the real chapter's: two short prompts and a long one)
    starts the next page, leaving no band empty inside it, where that leaves at most 30 % of the
    page before empty."""
    before = "".join(f"<p>{words(f'p{n}', 60)}.</p>" for n in range(1, paragraphs + 1)) + f"<p>{words('p9', last)}.</p>"
    pdf = printed_handout(tmp_path, before, reflection_box(prompts))
    title = reflection_title_page(pdf)
    names = [f"q{n}" for n in range(1, len(prompts) + 1)]
    assert {page for name in names for page, _ in lines_of(pdf, name)} == {title}
    assert title == 2 and {page for page, _ in lines_of(pdf, "p9")} == {1}
    assert empty_shares(pdf)[title - 2] <= EMPTY_AT_MOST


def test_a_short_reflection_box_that_would_leave_more_than_30_percent_of_a_page_empty_runs_on_instead(
        tmp_path: Path) -> None:
    """Moved whole, a short box (with the credit kept with its last lines) would leave more than
    30 % of the page before empty: it starts where the text before it ends, its title with its
    first prompts, and runs on to the next page."""
    # Room left on the first page for the box's title and three of its four prompts: moved whole,
    # the box would leave about two fifths of the page empty.
    before = "".join(f"<p>{words(f'p{n}', 60)}.</p>" for n in range(1, 4)) + f"<p>{words('p5', 10)}.</p>"
    pdf = printed_handout(tmp_path, before, reflection_box([14, 14, 50, 30]))
    assert reflection_title_page(pdf) == 1
    assert {page for page, _ in lines_of(pdf, "q1")} == {1} and max(page for page, _ in lines_of(pdf, "q4")) == 2
    assert empty_shares(pdf)[0] <= EMPTY_AT_MOST


def test_the_headings_above_a_reflection_box_move_with_it_and_stay_with_it_when_it_runs_on(tmp_path: Path) -> None:
    """A heading right above a box is never left at the foot of a page without it, whether the
    box moves to the next page whole or runs on from where the text before it ends."""
    for paragraphs, box, title_page in ((4, [14, 14, 50], 2), (3, [14, 14, 50, 30], 1)):  # moves; runs on
        folder = tmp_path / str(paragraphs)
        folder.mkdir()
        before = "".join(f"<p>{words(f'p{n}', 60)}.</p>" for n in range(1, paragraphs + 1)) + f"<p>{words('p9', 10)}.</p>"
        pdf = printed_handout(folder, before + '<h2 id="think">Think it over</h2>', reflection_box(box))
        pages = body_text(pdf).split("\f")
        heading = next(n for n, text in enumerate(pages, start=1) if "Think it over" in text)
        assert heading == reflection_title_page(pdf) == title_page, (paragraphs, heading)
        assert {page for page, _ in lines_of(pdf, "p9")} == {1}
        assert max(page for page, _ in lines_of(pdf, f"q{len(box)}")) == 2


def test_a_long_reflection_box_runs_on_between_its_prompts_from_where_the_text_before_ends(tmp_path: Path) -> None:
    """Moved whole, a box of many prompts would leave most of a page empty: it starts where the
    text before it ends and runs on to the next page, each of its short prompts whole on a page,
    with no band left empty inside the box."""
    before = "".join(f"<p>{words(f'p{n}', 60)}.</p>" for n in range(1, 4))
    count = 16
    pdf = printed_handout(tmp_path, before, reflection_box([24] * count))
    title = next(n for n, text in enumerate(body_text(pdf).split("\f"), start=1) if "For Reflection" in text)
    pages = [{page for page, _ in lines_of(pdf, f"q{n}")} for n in range(1, count + 1)]
    assert title == 1 and pages[0] == {1} and pages[-1] == {2}
    assert all(len(on) == 1 for on in pages), pages
    assert empty_shares(pdf)[0] <= 0.1


def paragraphs(count: int, last: int) -> str:
    return "".join(f"<p>{words(f'p{n}', 60)}.</p>" for n in range(1, count + 1)) + f"<p>{words('p9', last)}.</p>"


# Text before a reflection box, and the box: the box moves whole (with a heading above it, or after
# each kind of block a mark may follow), moves leaving a quarter of the page empty, or fits.
UNCHANGED_BY_MARKS = {
    "moves": (paragraphs(4, 10) + '<h2 id="think">Think it over</h2>', [14, 14, 50]),
    "moves-leaving-a-quarter": (paragraphs(3, 60) + '<h2 id="think">Think it over</h2>', [14, 14, 50, 30]),
    "fits": (paragraphs(3, 10) + '<h2 id="think">Think it over</h2>', [10, 10]),
    "after-a-list": (paragraphs(4, 0) + f"<ul><li>{words('l1', 9)}</li><li>{words('l2', 9)}</li></ul>", [14, 14, 50]),
    "after-code": (paragraphs(4, 0) + '<div class="highlight"><pre><code>x = 1\ny = 2</code></pre></div>', [14, 14, 50]),
    "after-a-quote": (paragraphs(4, 0) + f"<blockquote><p>{words('b', 12)}</p></blockquote>", [14, 14, 50]),
    "after-a-box": (paragraphs(4, 0) + '<div class="admonition note"><p class="admonition-title">Note</p>'
                    f"<p>{words('n', 12)}</p></div>", [14, 14, 50]),
}


def test_the_marks_that_measure_a_reflection_box_change_nothing_printed(tmp_path: Path) -> None:
    """Where no box is let break, a handout prints as it would without the marks that say where a
    box and the text before it end (`box_breaks`): the same pixels, and every word at the same
    place to a thousandth of a point."""
    # A credit as long as a real chapter's: four paragraphs, kept whole and with the box.
    credit = "".join(f"<p>{words(f'c{n}', 24)}.</p>" for n in range(1, 5))
    documents = {}
    for name, (before, prompts) in UNCHANGED_BY_MARKS.items():
        folder = tmp_path / name
        folder.mkdir()
        document = handout_collection(folder, before, reflection_box(prompts))
        document = dataclasses.replace(document, html=document.html.replace("<p>Credit.</p>", credit))
        page = BeautifulSoup(document.html, "html.parser")
        marks = page.select(".book-print-mark, [id$='-box']")
        assert len(marks) == 2 and "c4w0" in document.html, name
        for mark in marks:
            mark.decompose()
        documents[f"{name}-marked"] = document
        documents[f"{name}-unmarked"] = dataclasses.replace(
            document, url_path=document.url_path.replace(".print", f"-{name}-unmarked.print"), html=str(page))
    printed_pdfs = dict(zip(documents, printed(tmp_path, documents)))

    def looks(pdf: Path) -> tuple[list[bytes], str]:
        subprocess.run(["pdftoppm", "-r", "40", "-gray", str(pdf), str(pdf.with_suffix(""))], check=True)
        images = [path.read_bytes() for path in sorted(tmp_path.glob(f"{pdf.stem}-*.pgm"))]
        words_placed = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True)
        return images, re.sub(r"<head>.*?</head>", "", words_placed.stdout, flags=re.S)

    for name in UNCHANGED_BY_MARKS:
        marked, unmarked = looks(printed_pdfs[f"{name}-marked"]), looks(printed_pdfs[f"{name}-unmarked"])
        assert marked[0] and marked == unmarked, name


def printed_handout(folder: Path, content: str, reflection: str = "", *, kind: str = "handout",
                    chapter: ChapterSource = CHAPTER, paper: str = "letter", setup: PrintSetup | None = None) -> Path:
    """A chapter of this content (in place of CHAPTER_PAGE's paragraph, before its reflection box,
    or this one, and its credit) printed as a handout (or a worksheet), with the theme's and the
    book's stylesheets."""
    document = handout_collection(folder, content, reflection, kind=kind, chapter=chapter, paper=paper, setup=setup)
    (pdf,) = printed(folder, {kind: document})
    return pdf


def printed(folder: Path, documents: dict[str, PrintDocument]) -> list[Path]:
    """The documents printed, each to NAME.pdf in the folder."""
    with ThreadPoolExecutor(1) as worker:  # the browser tests' Playwright may hold this thread's loop
        prints = worker.submit(render_documents, list(documents.values()), folder, system_browser(), workers=1).result()
    paths = [folder / f"{name}.pdf" for name in documents]
    for path, result in zip(paths, prints):
        path.write_bytes(result.data)
    return paths


def handout_collection(folder: Path, content: str, reflection: str = "", *, kind: str = "handout",
                       chapter: ChapterSource = CHAPTER, paper: str = "letter",
                       setup: PrintSetup | None = None) -> PrintDocument:
    """The collection `printed_handout` prints, its stylesheets copied into the folder."""
    page = CHAPTER_PAGE.replace('<p>See <a href="../../about/">about</a>.</p>', content)
    if reflection:
        page = re.sub(r'<div class="admonition reflection">.*?</div>', reflection, page, flags=re.S)
    # The theme's styles (the page links them as assets/main.css), then the book's own.
    (folder / "assets").mkdir(parents=True)
    (theme,) = (Path(material.__file__).parent / "templates" / "assets" / "stylesheets").glob("main.*.min.css")
    shutil.copy(theme, folder / "assets" / "main.css")
    (folder / "stylesheets").mkdir()
    for sheet in ("extra.css", "print.css"):
        shutil.copy(ROOT / "docs" / "stylesheets" / sheet, folder / "stylesheets" / sheet)
        page = page.replace("</head>", f'<link rel="stylesheet" href="../../stylesheets/{sheet}"></head>')
    setup = setup or print_setup(paper)
    made = (handout_document if kind == "handout" else worksheet_document)(page, chapter, setup)
    assert made is not None
    return collection_document([made], setup, name=f"{kind}s-1")


@pytest.mark.parametrize("paper", ["letter", "A4"])
def test_a_worksheets_long_title_keeps_its_running_head_on_one_line_beside_the_name_and_the_date(
        tmp_path: Path, paper: str) -> None:
    """Beside the places for a name and a date, a long chapter title is shortened at a word, so
    that the head does not wrap onto a second line climbing towards the paper's edge."""
    title = "Connection, Disconnection & Reconnection in Residence Life"
    chapter = dataclasses.replace(CHAPTER, title=title)
    pdf = printed_handout(tmp_path, "", reflection_box([30] * 5), kind="worksheet", chapter=chapter, paper=paper)
    width, _ = page_size(pdf)
    heads = subprocess.run(["pdftotext", "-layout", "-f", "2", "-x", "0", "-y", "0", "-W", str(int(width)),
                            "-H", str(int(TOP_MARGIN)), str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    (line,) = [line for line in heads.split("\f")[0].splitlines() if line.strip()]
    assert line.strip().startswith("Name") and "Date" in line and line.rstrip().endswith("Connection, Disconnection…"), line


def test_a_long_credit_and_a_published_address_end_above_what_printers_cannot_print(tmp_path: Path) -> None:
    """The credit at each page's foot, of a work with a long title and several authors, with the
    page's address below it on A4, the narrower paper: its last line ends at least 5 mm above the
    paper's edge (a printer leaves 4 to 5 mm unprinted)."""
    book = parse_book_settings({**BOOK_FIELDS, "author": "Jenn Cusick, Alex Martin-Okafor and Samira Lee-Takahashi",
                                "publisher": "BCcampus Open Education", "year": 2022,
                                "title": "Post-Secondary Peer Support Training Curriculum: A Guide for Students, "
                                         "Staff and Faculty in Colleges and Universities"})
    setup = print_setup("A4", site_url="https://peer-support.example.org/a-long-address/book/", book=book)
    for kind in ("handout", "worksheet"):
        pdf = printed_handout(tmp_path / kind, "", reflection_box([30] * 5), kind=kind, setup=setup)
        _, height = page_size(pdf)
        boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        lowest = max(float(y) for y in re.findall(r'yMax="([\d.]+)"', boxes))
        assert "licensed under CC BY 4.0" in normalise(" ".join(full_page_texts(pdf)))
        assert height - lowest >= 5 / 25.4 * 72, (kind, height - lowest)
