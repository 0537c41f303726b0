"""Small fixture books printed for real: A4 and a published address, no exports, no browser;
and pages hard to print well (a picture in a box, a picture taller than a page, a table of twelve
columns, a prompt longer than a page) printed without waste and without losing a thing."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from tests.helpers import build_fixture, normalise, page_html_path, soup
from tests.pdfs import (BOTTOM_MARGIN, TOP_MARGIN, body_text, bookmarks, horizontal_rules, link_annotations,
                        margin_texts, normalise_pdf_text, page_size, text_runs)
from tests.print_documents import EMPTY_AT_MOST, drawn_images, empty_shares, tagged_texts

CASE = "print-online-a4"
TITLE = 'Trust & "Safety" \\ Care'
ONLINE = "https://books.example.org/peer-support/"
BOOK = "post-secondary-peer-support-training-curriculum.pdf"  # named from the site's name


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    result, site = build_fixture(CASE, tmp_path_factory.mktemp("printed"), env={"BOOK_EXPORTS": "1"})
    assert result.returncode == 0, result.stderr
    return result, site


def test_a4_paper_by_setting(printed: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, site = printed
    pdfs = sorted((site / "downloads").rglob("*.pdf"))
    assert {p.relative_to(site / "downloads").as_posix() for p in pdfs} == {
        BOOK, "handouts/trust.pdf", "worksheets/trust-reflection.pdf", "handouts/plain.pdf"}
    for pdf in pdfs:
        assert page_size(pdf) == pytest.approx((595.3, 841.9), abs=1), pdf.name


def test_on_a4_no_page_but_a_documents_last_and_the_front_matter_is_more_than_a_third_empty(
        printed: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, site = printed
    for pdf in sorted((site / "downloads").rglob("*.pdf")):
        shares = empty_shares(pdf)
        front = min(b.page for b in bookmarks(pdf) if b.title != "Contents") - 1
        assert [round(s, 2) for s in shares[front:-1] if s > EMPTY_AT_MOST] == [], pdf.name


def test_one_log_line_per_pdf_and_a_total(printed: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, site = printed
    lines = re.findall(r"PDF (downloads/\S+\.pdf): (\d+) pages?, [\d.]+ s", result.stderr)
    assert sorted(path for path, _ in lines) == sorted(
        p.relative_to(site).as_posix() for p in (site / "downloads").rglob("*.pdf"))
    assert re.search(rf"PDFs: {len(lines)} files \({len(lines)} printed, 0 unchanged since the last "
                     rf"build\), \d+ pages in [\d.]+ s", result.stderr)


def test_a_chapter_without_prompts_has_no_worksheet(printed: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, site = printed
    links = soup(page_html_path(site, "chapters/plain.md")).select("a[data-download]")
    assert [a["data-download"] for a in links] == [f"downloads/{BOOK}", "downloads/handouts/plain.pdf"]
    index = json.loads((site / "downloads" / "index.json").read_text(encoding="utf-8"))
    assert [(f["kind"], f["title"]) for f in index["files"] if f["page_url"] == "chapters/plain/"] == [
        ("handout", "Plain chapter")]


def test_handout_footer_gives_the_chapter_address(printed: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, site = printed
    for text in margin_texts(site / "downloads" / "handouts" / "trust.pdf"):
        assert f"{ONLINE}chapters/trust/" in text
        assert TITLE in text  # escaped for HTML and CSS, printed as written


def test_links_to_other_pages_point_to_the_published_site(printed: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, site = printed
    uris = [t for _, kind, t in link_annotations(site / "downloads" / "handouts" / "trust.pdf") if kind == "uri"]
    assert f"{ONLINE}notes/" in uris
    assert not [u for u in uris if "127.0.0.1" in u or "localhost" in u]


def test_collapsed_block_prints_open(printed: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, site = printed
    for pdf in ("handouts/trust.pdf", BOOK):
        text = normalise_pdf_text(body_text(site / "downloads" / pdf))
        assert "This sentence sits in a collapsed block and must still be printed." in text


def test_worksheet_takes_prompts_from_the_reflection_box(printed: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, site = printed
    pdf = site / "downloads" / "worksheets" / "trust-reflection.pdf"
    text = normalise_pdf_text(body_text(pdf))
    assert text.startswith(f"{TITLE} Reflection worksheet")
    assert "When did someone earn your trust?" in text and "What did they do that you could do too? Write down one thing." in text
    with pikepdf.open(pdf) as doc:
        assert str(doc.docinfo.Title) == f"Reflection worksheet: {TITLE}"


def test_without_exports_no_pdf_is_written(tmp_path: Path) -> None:
    """What the preview's pages then say of their downloads: tests/test_preview_downloads.py."""
    result, site = build_fixture(CASE, tmp_path)  # BOOK_EXPORTS=0, as `make serve`
    assert result.returncode == 0, result.stderr
    assert not (site / "downloads").exists()
    assert "PDFs: not written (BOOK_EXPORTS=0)" in result.stderr


def test_no_browser_stops_the_build_with_the_install_command(tmp_path: Path) -> None:
    result, site = build_fixture(CASE, tmp_path, env={"BOOK_EXPORTS": "1", "BOOK_BROWSER": "/no/such/chromium"})
    assert result.returncode != 0
    assert "BOOK_BROWSER='/no/such/chromium': no such program" in result.stderr
    assert not (site / "downloads").exists()


def test_unknown_book_exports_value_stops_the_build(tmp_path: Path) -> None:
    result, _ = build_fixture(CASE, tmp_path, env={"BOOK_EXPORTS": "yes"})
    assert result.returncode != 0
    assert "BOOK_EXPORTS='yes' is not understood" in result.stderr


# --- Pages hard to print well -----------------------------------------------------------------

HARD = "print-waste"
SIDE_MARGIN = 20 / 25.4 * 72  # overrides/print/base.html: 20 mm each side


@pytest.fixture(scope="module")
def hard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result, site = build_fixture(HARD, tmp_path_factory.mktemp("hard"), env={"BOOK_EXPORTS": "1"})
    assert result.returncode == 0, result.stderr
    return site


def hard_pdfs(site: Path) -> list[Path]:
    return sorted((site / "downloads").rglob("*.pdf"))


def test_pictures_boxes_tables_and_long_prompts_leave_no_page_more_than_a_third_empty(hard: Path) -> None:
    """A box ending with a picture, before the credit; a box whose text is followed by a picture;
    a prompt longer than a page, in the worksheet, the handout and the book. Only a picture that
    fills a page of its own (scaled to the page, below) may leave the page before it emptier."""
    assert {p.stem for p in hard_pdfs(hard)} >= {"picture-box", "photo-in-box", "long-prompt-reflection"}
    gaps = []
    for pdf in hard_pdfs(hard):
        height = page_size(pdf)[1] - TOP_MARGIN - BOTTOM_MARGIN
        filled = {d.page for d in drawn_images(pdf) if d.height > height * (1 - EMPTY_AT_MOST)}
        front = min(b.page for b in bookmarks(pdf) if b.title != "Contents") - 1
        shares = empty_shares(pdf)
        gaps += [(pdf.name, number, round(share, 2)) for number, share in enumerate(shares, start=1)
                 if front < number < len(shares) and share > EMPTY_AT_MOST and number + 1 not in filled]
    assert gaps == []


def test_a_credit_prints_whole_with_what_is_above_it(hard: Path) -> None:
    """A worksheet whose last page is full, as a long prompt leaves it: the credit is not broken
    across two pages, and the last prompt's last ruled lines go to the next page with it."""
    for pdf in hard_pdfs(hard):
        rules = horizontal_rules(pdf, min_width=page_size(pdf)[0] * 0.5)  # a worksheet's ruled lines
        for number, page in enumerate((normalise(p) for p in body_text(pdf).split("\f")[:-1]), start=1):
            # Each credit begins and ends on the same page.
            assert page.count("Original work:") == page.count("This page is licensed under"), (pdf.name, number)
            above, credit, _ = page.partition("Original work:")
            assert not credit or above or any(on == number for on, _ in rules), (pdf.name, number)


def test_a_picture_prints_whole_on_one_page_scaled_to_fit_never_cut(hard: Path) -> None:
    """Every picture is drawn within the page's body, its proportions kept (a picture cut across
    pages is drawn whole on each, taller than the body); the one taller than a page is scaled
    to fill most of one."""
    for pdf in hard_pdfs(hard):
        width, height = page_size(pdf)
        body = (width - 2 * SIDE_MARGIN, height - TOP_MARGIN - BOTTOM_MARGIN)
        for drawn in drawn_images(pdf):
            assert drawn.width <= body[0] + 1 and drawn.height <= body[1] + 1, (pdf.name, drawn)
            assert drawn.width / drawn.height == pytest.approx(drawn.pixels[0] / drawn.pixels[1], rel=0.02)
    chart = hard / "downloads" / "handouts" / "tall-chart.pdf"
    (drawn,) = drawn_images(chart)
    assert drawn.pixels[1] > 4 * drawn.pixels[0]  # the chart, five times as tall as it is wide
    assert drawn.height > (page_size(chart)[1] - TOP_MARGIN - BOTTOM_MARGIN) * 0.75


def squeezed(text: str) -> str:
    return re.sub(r"[\s\u00ad]+", "", text)


def test_every_column_of_a_wide_table_prints_on_the_page(hard: Path) -> None:
    """The table of twelve columns, each of long words: every cell's text in the PDF, row by row
    in order (a long word may break across lines of its cell), no word past the page's margins,
    and set no smaller than 8 points."""
    rows = [[normalise(cell.get_text()) for cell in row.select("th, td")]
            for row in soup(page_html_path(hard, "chapters/wide-table.md")).select("table")[0].select("tr")]
    assert len(rows) == 4 and all(len(row) == 12 for row in rows)
    for pdf in (hard / "downloads" / "handouts" / "wide-table.pdf",
                hard / "downloads" / "post-secondary-peer-support-training-curriculum.pdf"):
        printed = squeezed(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True,
                                          text=True, check=True).stdout)
        for row in rows:
            assert squeezed("".join(row)) in printed, (pdf.name, row)
        width, _ = page_size(pdf)
        words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"',
                           subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                                          text=True, check=True).stdout)
        outside = [(x0, x1) for x0, x1 in words if float(x0) < SIDE_MARGIN - 1 or float(x1) > width - SIDE_MARGIN + 1]
        assert outside == [], pdf.name
        cells = {squeezed(cell) for row in rows for cell in row}
        sizes = [r.size for r in text_runs(pdf) if squeezed(r.text) and any(squeezed(r.text) in c for c in cells)]
        assert sizes and min(sizes) >= 8, pdf.name


def test_an_ordinary_tables_words_print_whole(hard: Path) -> None:
    """A table of four columns, two of them sentences: its short columns are not squeezed until
    their words break letter by letter (only a table too wide for the page may break words)."""
    table = soup(page_html_path(hard, "chapters/wide-table.md")).select("table")[1]
    words = {word for cell in table.select("th, td") for word in re.findall(r"[A-Za-z]+", cell.get_text())}
    assert len(table.select("tr")[0].select("th")) == 4 and "Accountability" in words
    for pdf in (hard / "downloads" / "handouts" / "wide-table.pdf",
                hard / "downloads" / "post-secondary-peer-support-training-curriculum.pdf"):
        printed = set(re.findall(r"[A-Za-z]+", subprocess.run(
            ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout))
        assert sorted(words - printed) == [], pdf.name


def test_a_chapters_notes_print_their_numbers_whole(hard: Path) -> None:
    """Past nine notes, each number keeps its every digit inside the page."""
    for pdf in (hard / "downloads" / "handouts" / "notes.pdf",
                hard / "downloads" / "post-secondary-peer-support-training-curriculum.pdf"):
        printed = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                                 check=True).stdout
        numbers = [int(n) for n in re.findall(r"^(\d+)\. Source \w+\.", printed, re.M)]
        assert numbers == list(range(1, 12)), (pdf.name, numbers)


def test_a_worksheets_name_and_date_are_in_its_text_for_screen_readers(hard: Path) -> None:
    """On the first page, in the PDF's structure tree (a running head is an artifact, which
    screen readers skip); from the second page on, in the running head."""
    pdf = hard / "downloads" / "worksheets" / "long-prompt-reflection.pdf"
    tagged = tagged_texts(pdf)
    assert len(tagged) > 1
    assert re.search(r"\bName Date\b", tagged[0]), tagged[0]
    assert not any("Name" in text or "Date" in text for text in tagged[1:])


def test_a_tables_headers_are_named_in_order_and_found_in_each_pdfs_id_tree(hard: Path) -> None:
    """Chromium names a table header after its page node, whose number changes from one print to
    the next: the book and the table's handout (split from a print of several chapters) name
    them by their order instead, and each cell's headers and the PDF's ID tree name the same."""
    import pikepdf

    from ebook.pdf.structure_ids import attribute_dicts
    from ebook.pdf.tagging import elements

    for pdf_path in (hard / "downloads" / "handouts" / "wide-table.pdf",
                     hard / "downloads" / "post-secondary-peer-support-training-curriculum.pdf"):
        with pikepdf.open(pdf_path) as pdf:
            found = list(elements(pdf))
            ids = [str(e.ID) for e in found if "/ID" in e]
            assert ids == [f"id-{n:08d}" for n in range(1, len(ids) + 1)], pdf_path.name
            tree = pikepdf.NameTree(pdf.Root.StructTreeRoot.IDTree)
            assert sorted(tree.keys()) == sorted(ids), pdf_path.name
            headers = {str(h) for e in found for a in attribute_dicts(e.get("/A")) for h in a.get("/Headers", [])}
            assert headers and headers <= set(ids), pdf_path.name
