"""Small fixture books printed for real: A4 and a published address, no exports, no browser."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from tests.helpers import build_fixture, normalise, page_html_path, soup
from tests.pdfs import body_text, bookmarks, link_annotations, margin_texts, normalise_pdf_text, page_size
from tests.print_documents import EMPTY_AT_MOST, empty_shares

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
