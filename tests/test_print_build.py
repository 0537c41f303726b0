"""The real book's PDFs and downloads, read the way readers and their tools read them."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin

import pikepdf
import pypdf
import pytest
import yaml
from mkdocs.utils.yaml import yaml_load

from ebook.download_links import human_size
from tests.helpers import (
    book_config,
    chapter_pages,
    BOOK_BUILD_ENV,
    CHAPTER_MD,
    ROOT,
    docs_pages,
    normalise,
    page_html_path,
    soup,
    source_prompts,
    source_sentences,
)
from tests.pdfs import (
    BOTTOM_MARGIN,
    REAL_BOOK_CREDIT,
    body_text,
    bookmarks,
    flatten,
    footer_lines,
    full_page_texts,
    horizontal_rules,
    link_annotations,
    margin_texts,
    named_destinations,
    normalise_pdf_text,
    page_size,
    pdffonts,
    qpdf_check,
    shows_title,
    text_runs,
    without_credit,
)

BOOK_TITLE = "Post-Secondary Peer Support Training Curriculum"
BOOK_SLUG = "post-secondary-peer-support-training-curriculum"
BOOK_PDF = f"downloads/{BOOK_SLUG}.pdf"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


def chapters() -> list[tuple[str, str, list[str]]]:
    """(slug, title, section headings) of every chapter, read from its Markdown."""
    found = []
    for path in sorted((ROOT / "docs" / "chapters").glob("*.md")):
        if path.name == "index.md":
            continue
        text = path.read_text(encoding="utf-8")
        meta = yaml.safe_load(text.split("---")[1])
        sections = [line[3:].strip() for line in text.splitlines() if line.startswith("## ")]
        found.append((path.stem, meta["title"], sections))
    return found


CHAPTER_SLUG, CHAPTER_TITLE, _ = next(c for c in chapters() if c[0] == CHAPTER_MD.stem)
HANDOUT = f"downloads/handouts/{CHAPTER_SLUG}.pdf"
WORKSHEET = f"downloads/worksheets/{CHAPTER_SLUG}-reflection.pdf"


def all_pdfs(site: Path) -> list[Path]:
    return sorted((site / "downloads").rglob("*.pdf"))


def has_reflection(slug: str) -> bool:
    return "!!! reflection" in (ROOT / "docs" / "chapters" / f"{slug}.md").read_text(encoding="utf-8")


# --- What gets built -------------------------------------------------------------------------


def test_book_handouts_and_worksheets_are_built(site: Path) -> None:
    expected = {BOOK_PDF}
    for slug, _, _ in chapters():
        expected.add(f"downloads/handouts/{slug}.pdf")
        if has_reflection(slug):
            expected.add(f"downloads/worksheets/{slug}-reflection.pdf")
    built = {p.relative_to(site).as_posix() for p in all_pdfs(site)}
    assert built == expected
    assert not [p for p in (site / "downloads").rglob(".*")], "temporary files left behind"


def test_every_pdf_passes_qpdf_check(site: Path) -> None:
    for pdf in all_pdfs(site):
        result = qpdf_check(pdf)
        assert result.returncode == 0, f"{pdf.name}: {result.stdout}{result.stderr}"
        assert "WARNING" not in result.stdout + result.stderr, pdf.name


def test_every_font_is_embedded(site: Path) -> None:
    for pdf in all_pdfs(site):
        fonts = pdffonts(pdf)
        assert fonts, pdf.name
        assert all(f["emb"] == "yes" for f in fonts), (pdf.name, fonts)


@pytest.mark.parametrize("name", [BOOK_PDF, HANDOUT, WORKSHEET])
def test_pdf_is_tagged_with_language_metadata_and_licence(site: Path, name: str) -> None:
    with pikepdf.open(site / name) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert str(pdf.Root.Lang) == "en"
        info = pdf.docinfo
        assert BOOK_TITLE in str(info.Title) or CHAPTER_TITLE in str(info.Title)
        assert str(info.Author) == "Jenn Cusick"
        assert str(info.Subject).strip() and "peer support" in str(info.Keywords)
        xmp = pdf.open_metadata()
        assert xmp["xmpRights:WebStatement"] == CC_BY
        assert CC_BY in xmp["dc:rights"] and "Jenn Cusick" in xmp["dc:rights"]
        assert xmp["dc:title"] == str(info.Title)
        assert xmp["dc:creator"] == ["Jenn Cusick"]
        if name == BOOK_PDF:  # the whole book is this edition: its subtitle tells it from the original
            config = book_config()
            subtitle = config["extra"]["book"].get("edition", {}).get("subtitle")
            assert str(info.Title) == (f"{config['site_name']}: {subtitle}" if subtitle else config["site_name"])


def test_pdfs_are_us_letter_by_default(site: Path) -> None:
    for pdf in all_pdfs(site):
        assert page_size(pdf) == pytest.approx((612, 792), abs=1), pdf.name


# Two builds giving the same bytes, PDFs included: tests/test_build_outputs.py.
def test_dates_come_from_source_date_epoch(site: Path) -> None:
    with pikepdf.open(site / BOOK_PDF) as pdf:
        epoch = int(BOOK_BUILD_ENV["SOURCE_DATE_EPOCH"])
        expected = datetime.fromtimestamp(epoch, timezone.utc).strftime("D:%Y%m%d%H%M%S")
        assert str(pdf.docinfo.CreationDate).startswith(expected)
        assert str(pdf.docinfo.ModDate).startswith(expected)


# --- The book --------------------------------------------------------------------------------


def test_cover_and_copyright_pages(site: Path) -> None:
    pages = [normalise(t) for t in full_page_texts(site / BOOK_PDF)]
    cover, copyright_page = pages[0], pages[1]
    assert BOOK_TITLE in cover and "Jenn Cusick" in cover and "CC BY 4.0" in cover
    assert re.search(r"Edition of \d{1,2} \w+ \d{4}", cover)
    assert "Page 1" not in cover  # the cover has no running head or footer
    assert "https://opentextbc.ca/peersupport/" in copyright_page
    assert "adapted edition of Post-Secondary Peer Support Training Curriculum by Jenn Cusick (BCcampus, 2022)" in copyright_page
    with open(ROOT / "mkdocs.yml", encoding="utf-8") as f:
        changes = yaml_load(f)["extra"]["book"]["changes"]
    assert normalise(changes) in copyright_page
    assert "licensed under CC BY 4.0" in copyright_page


def test_book_has_a_bookmark_for_every_chapter_and_its_sections(site: Path) -> None:
    top = bookmarks(site / BOOK_PDF)
    for _, title, sections in chapters():
        chapter = next((b for b in top if b.title == title), None)
        assert chapter is not None, f"no bookmark for {title}"
        assert [c.title for c in chapter.children] == sections
    assert [b.title for b in top][:1] == ["Contents"]


def contents_entries(page_text: str) -> list[tuple[str, int]]:
    """(title, page number) of each line of a contents page, as pdftotext lays it out. A title too
    long for one line goes on below its page number."""
    entries: list[tuple[str, int]] = []
    after_entry = False
    for line in page_text.splitlines():
        if found := re.match(r"^\s*(\S.*?)\s{2,}(\d+)\s*$", line):
            entries.append((normalise(found.group(1)), int(found.group(2))))
            after_entry = True
        elif after_entry and line.strip():
            title, number = entries[-1]
            entries[-1] = (f"{title} {normalise(line)}", number)
        else:
            after_entry = False
    return entries


def test_table_of_contents_page_numbers_are_where_the_headings_are(site: Path) -> None:
    pdf = site / BOOK_PDF
    texts = full_page_texts(pdf, layout=True)
    toc_page = next(i for i, t in enumerate(texts) if t.strip().startswith("Contents"))
    # The same headings, in the same order, as the bookmarks Chromium made from the layout, each
    # with the number printed on its page (the body is numbered from 1, as the PDF's labels say).
    labels = pypdf.PdfReader(pdf).page_labels
    listed = [b for b in flatten(bookmarks(pdf), depth=2) if b.title != "Contents"]
    marks = [(b.title, int(labels[b.page - 1])) for b in listed]
    # The contents may take several pages: all those before the first page they list.
    entries = [e for text in texts[toc_page:listed[0].page - 1] for e in contents_entries(text)]
    assert {"Connection, Disconnection & Reconnection", "Connection", "Disconnection", "Reconnection"} <= {e[0] for e in entries}
    assert entries == marks
    # And each heading's text is on the page the contents give.
    for title, number in entries:
        page = labels.index(str(number)) + 1
        assert title in normalise(body_text(pdf, page, page)), (title, number)


def test_running_head_and_page_footer(site: Path) -> None:
    pdf = site / BOOK_PDF
    margins = [without_credit(text) for text in margin_texts(pdf)]
    labels = pypdf.PdfReader(pdf).page_labels
    assert margins[0] == ""  # the cover: no running head, no page number
    for text, label in zip(margins, labels):  # the body's pages end with their number
        assert text.endswith(f" {label}") or text == label if label.isdigit() else not text
    # The page each chapter opens on has no running head; the next, if still the chapter's (no
    # part opens after it on either page), names the book and the chapter (a long title's words
    # may wrap beside the book's).
    titles = {title for _, title, _ in chapters()}
    parts = [b for b in bookmarks(pdf) if b.title != "Contents"]
    for chapter, after in zip(parts, [*parts[1:], None]):
        if chapter.title not in titles:
            continue
        assert not set(chapter.title.split()) <= set(margins[chapter.page - 1].split()), chapter.title
        if chapter.page < len(margins) and (after is None or after.page > chapter.page + 1):
            head = margins[chapter.page].split()
            assert set(BOOK_TITLE.split()) <= set(head) and shows_title(head, chapter.title), (chapter.title, head)
    assert titles <= {b.title for b in parts}


@pytest.mark.parametrize("built", ["site", "published_site"])
def test_every_page_of_every_pdf_credits_the_original_work_at_its_foot(built: str, request: pytest.FixtureRequest) -> None:
    """Its title, author, licence and source, on every printed page (the cover's and a
    worksheet's too, and beside a published page's address), each line of it whole: a page
    photocopied alone still credits the work."""
    for pdf in all_pdfs(request.getfixturevalue(built)):
        for number, lines in enumerate(footer_lines(pdf), start=1):
            for credit in REAL_BOOK_CREDIT:
                assert any(line.startswith(credit) for line in lines), (pdf.name, number, lines)


def test_every_source_sentence_is_in_the_book_pdf(site: Path) -> None:
    text = normalise_pdf_text(body_text(site / BOOK_PDF))
    missing = [s for s in source_sentences() if s not in text]
    assert not missing


def test_no_site_chrome_in_print(site: Path) -> None:
    for pdf in all_pdfs(site):
        text = normalise_pdf_text(" ".join(full_page_texts(pdf)))
        for chrome in ("Skip to content", "Whole book (PDF", "Table of contents", "Search",
                       "Edit this page", "Previous", "Next", "¶", "Back to top"):
            assert chrome not in text, f"{pdf.name}: {chrome!r}"


def test_body_text_is_at_least_11_points(site: Path) -> None:
    # The chapter's sentences (its title and headings are set larger, its credit smaller).
    source = normalise(" ".join(s for s in source_sentences() if s[-1] in ".?!…"))
    for name in (BOOK_PDF, HANDOUT):
        runs = [r for r in text_runs(site / name) if len(r.text.strip()) > 15 and normalise(r.text) in source]
        assert len(runs) > 30, name
        small = {(round(r.size, 1), r.text) for r in runs if r.size < 10.99}
        assert not small, name


def test_a_box_keeps_its_title_with_its_first_lines(site: Path) -> None:
    """A box may run on to the next page (tests/test_print_layout.py), never leaving its title
    behind: every box of every chapter, in the book and in the chapter's handout, has its title
    and the first words of its text on one page (compared without spaces, which lines break)."""
    def squeezed(text: str) -> str:
        return re.sub(r"\s+", "", text)

    book = [squeezed(t) for t in body_text(site / BOOK_PDF).split("\f")]
    boxes = 0
    for chapter in chapter_pages():
        handout = [squeezed(t) for t in body_text(site / f"downloads/handouts/{Path(chapter).stem}.pdf").split("\f")]
        page = soup(page_html_path(site, chapter))
        for tool in page.select("[data-journal-note], [data-book-settings]"):  # the page's own, never printed
            tool.decompose()
        for title in page.select(".admonition-title, details > summary"):
            following = title.find_next_sibling()
            assert following is not None, (chapter, title.get_text())
            kept = squeezed(title.get_text() + " ".join(following.get_text().split()[:6]))
            for name, pages in ((BOOK_PDF, book), (chapter, handout)):
                assert any(kept in page for page in pages), (name, title.get_text())
            boxes += 1
    assert boxes


def test_chapter_ends_with_its_attribution_in_the_book(site: Path) -> None:
    text = normalise_pdf_text(body_text(site / BOOK_PDF))
    end_of_chapter = text.index(source_sentences()[-1])
    credit = text.index("This page is adapted from Connection, Disconnection & Reconnection by Jenn Cusick", end_of_chapter)
    next_title = [b.title for b in bookmarks(site / BOOK_PDF)]
    following = next_title[next_title.index(CHAPTER_TITLE) + 1]
    assert end_of_chapter < credit < text.index(following, credit)


def test_links_in_the_pdfs_work(site: Path) -> None:
    for pdf in all_pdfs(site):
        links = link_annotations(pdf)
        targets = named_destinations(pdf)
        uris = [t for _, kind, t in links if kind == "uri"]
        assert CC_BY in uris and "https://opentextbc.ca/peersupport/" in uris, pdf.name
        assert all(u.startswith("https://") for u in uris), (pdf.name, uris)
        assert [t for _, kind, t in links if kind == "dest" and t not in targets] == []
        # Within PDF's limit for a name (PDF 1.7, Annex C), which some readers enforce.
        assert [name for name in targets if len(name.encode()) > 127] == [], pdf.name
    # The book's contents link to every heading they list (one entry per bookmark but its own).
    listed = [b for b in flatten(bookmarks(site / BOOK_PDF), depth=2) if b.title != "Contents"]
    assert len([1 for page, kind, _ in link_annotations(site / BOOK_PDF) if kind == "dest" and page == 3]) == len(listed)


# --- Handouts and worksheets -----------------------------------------------------------------


def test_every_source_sentence_is_in_the_handout(site: Path) -> None:
    text = normalise_pdf_text(body_text(site / HANDOUT))
    missing = [s for s in source_sentences() if s not in text]
    assert not missing
    assert text.startswith(CHAPTER_TITLE)
    # The chapter's attribution closes the handout.
    assert text.endswith("This page is licensed under CC BY 4.0.")
    assert "This page is adapted from Connection, Disconnection & Reconnection by Jenn Cusick" in text


def test_handout_has_book_and_chapter_in_its_head_and_page_x_of_y_below(site: Path) -> None:
    margins = margin_texts(site / HANDOUT)
    for number, text in enumerate(margins, start=1):
        assert BOOK_TITLE in text and CHAPTER_TITLE in text
        assert f"Page {number} of {len(margins)}" in text


@pytest.mark.parametrize("chapter", chapter_pages())
def test_every_handout_and_worksheet_page_says_page_x_of_y_on_one_line(published_site: Path, chapter: str) -> None:
    """Published, the footer also gives the chapter's address, as long as its name."""
    slug = Path(chapter).stem
    downloads = published_site / "downloads"
    for pdf in (downloads / f"handouts/{slug}.pdf", downloads / f"worksheets/{slug}-reflection.pdf"):
        if not pdf.exists():  # a chapter without reflection prompts has no worksheet
            continue
        pages = footer_lines(pdf)
        for number, lines in enumerate(pages, start=1):
            assert any(re.search(rf"Page {number} of {len(pages)}$", line) for line in lines), (pdf.name, lines)


def test_worksheet_has_every_prompt_with_room_to_write(site: Path) -> None:
    pdf = site / WORKSHEET
    text = normalise_pdf_text(body_text(pdf))
    assert text.startswith(f"{CHAPTER_TITLE} Reflection worksheet")
    prompts = source_prompts()
    assert prompts and all(p in text for p in prompts)
    assert text.index(prompts[-1]) < text.index("Original work:")
    assert text.endswith("This page is licensed under CC BY 4.0.")
    # Reading order of the pages: each prompt, then the ruled lines drawn after it.
    width, _ = page_size(pdf)
    runs = text_runs(pdf)
    events = []
    for prompt in prompts:  # where each prompt's first line is
        first_line = next(r for r in runs if len(r.text) > 20 and prompt.startswith(normalise(r.text)))
        events.append((first_line.page, -first_line.y, "prompt", prompt))
    events += [(r.page, -r.y, "end", "") for r in runs if r.text.startswith("Original work:") and r.y > BOTTOM_MARGIN]
    events += [(page, -y, "line", "") for page, y in horizontal_rules(pdf, min_width=width * 0.5)]
    events.sort()
    starts = [i for i, e in enumerate(events) if e[2] == "prompt"]
    assert [events[i][3] for i in starts] == prompts
    for n, start in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else next(i for i, e in enumerate(events) if e[2] == "end")
        lines = sum(1 for e in events[start:stop] if e[2] == "line")
        assert lines >= 6, f"prompt {n + 1} has {lines} lines to write on"


# --- The downloads index and the website -----------------------------------------------------


def test_index_json_describes_every_file_on_disk(site: Path) -> None:
    index = json.loads((site / "downloads" / "index.json").read_text(encoding="utf-8"))
    assert index["book"] == BOOK_TITLE
    on_disk = {p.relative_to(site).as_posix() for p in (site / "downloads").rglob("*")
               if p.is_file() and p.name != "index.json"}
    assert {f["path"] for f in index["files"]} == on_disk
    for entry in index["files"]:
        data = (site / entry["path"]).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        if entry["path"].endswith(".pdf"):
            with pikepdf.open(site / entry["path"]) as pdf:
                assert entry["pages"] == len(pdf.pages)
        else:
            assert entry["pages"] is None  # an e-book or a zip has no fixed pages
    by_path = {f["path"]: f for f in index["files"]}
    assert by_path[BOOK_PDF] | {"kind": "book", "title": BOOK_TITLE, "page_url": ""} == by_path[BOOK_PDF]
    # The EPUB and the offline edition are whole-book downloads too.
    for path, kind in ((f"downloads/{BOOK_SLUG}.epub", "epub"), (f"downloads/{BOOK_SLUG}-offline.zip", "offline")):
        assert by_path[path] | {"kind": kind, "title": BOOK_TITLE, "page_url": ""} == by_path[path]
    for path, kind in ((HANDOUT, "handout"), (WORKSHEET, "worksheet")):
        assert by_path[path]["kind"] == kind
        assert by_path[path]["title"] == CHAPTER_TITLE
        assert by_path[path]["page_url"] == f"chapters/{CHAPTER_SLUG}/"


def _resolve(page: Path, href: str) -> Path:
    return Path(urljoin(page.as_uri(), href).removeprefix("file://"))


# Every page of the book, and print-site's print page ("Print the book").
@pytest.mark.parametrize("page", [page_html_path(Path(), src_uri).as_posix() for src_uri in docs_pages()]
                         + ["print_page/index.html"])
def test_every_page_links_to_the_book_pdf(site: Path, page: str) -> None:
    path = site / page
    link = soup(path).find("a", attrs={"data-download": BOOK_PDF})
    assert link is not None
    size = human_size((site / BOOK_PDF).stat().st_size)
    assert normalise(link.get_text()) == f"Whole book (PDF, {pages_of(site / BOOK_PDF)}, {size})"
    assert _resolve(path, link["href"]) == site / BOOK_PDF


def pages_of(pdf: Path) -> str:
    """A PDF's length as its links say it: "1 page", "9 pages"."""
    with pikepdf.open(pdf) as document:
        count = len(document.pages)
    return "1 page" if count == 1 else f"{count} pages"


def test_chapter_page_links_to_its_handout_and_worksheet_with_type_pages_and_size(site: Path) -> None:
    path = page_html_path(site, f"chapters/{CHAPTER_SLUG}.md")
    links = soup(path).select("a[data-download]")
    assert {a["data-download"]: normalise(a.select_one(".book-download__name").get_text()) for a in links} == {
        BOOK_PDF: "Whole book", HANDOUT: "Handout: this chapter", WORKSHEET: "Worksheet: this chapter's reflection"}
    for link in links:
        target = _resolve(path, link["href"])
        assert target.is_file(), link["href"]
        assert target == site / link["data-download"]
        assert normalise(link.get_text()).endswith(f"(PDF, {pages_of(target)}, {human_size(target.stat().st_size)})")


KIND_NAMES = {"book": "Whole book", "epub": "E-book", "offline": "Offline edition",
              "handout": "Handout: {title}", "worksheet": "Worksheet: {title}"}


def test_facilitators_page_lists_every_download(site: Path) -> None:
    index = json.loads((site / "downloads" / "index.json").read_text(encoding="utf-8"))
    path = page_html_path(site, "facilitators.md")
    page = soup(path)
    for hidden in page.select('[aria-hidden="true"]'):  # what screen readers say of the links
        hidden.decompose()
    links = page.select(".book-downloads-list a.book-download")
    assert len(links) == len(index["files"])
    for link, entry in zip(links, index["files"]):
        expected_type = {".pdf": "PDF", ".epub": "EPUB", ".zip": "ZIP"}[Path(entry["path"]).suffix]
        pages = [] if entry["pages"] is None else [pages_of(site / entry["path"])]
        about = ", ".join([expected_type, *pages, human_size(entry["bytes"])])
        assert normalise(link.get_text()) == f'{KIND_NAMES[entry["kind"]].format(title=entry["title"])} ({about})'
        assert _resolve(path, link["href"]) == site / entry["path"]
    # A card for each chapter, in reading order, headed by its title linked to its page.
    chapter_files = [entry for entry in index["files"] if entry["page_url"]]
    cards = page.select(".book-download-card")
    assert [(normalise(card.h4.get_text()), _resolve(path, card.h4.a["href"])) for card in cards] == list(
        dict.fromkeys((entry["title"], site / entry["page_url"]) for entry in chapter_files))
    assert "data-downloads-list" not in path.read_text(encoding="utf-8")
