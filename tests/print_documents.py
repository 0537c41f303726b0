"""What the PDFs' tests print: a book's setup, a chapter and its built page, a PDF's metadata;
and how much of each printed page is left empty."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pikepdf

from ebook.model.credits import LICENCES, page_attribution
from ebook.model.settings import BookSettings, parse_book_settings, parse_pdf_settings
from ebook.pdf.browser import find_browser
from ebook.pdf.documents import BookInfo, ChapterSource, PdfMetadata, PrintSetup, template_environment
from tests.helpers import ROOT, normalise
from tests.pdfs import BOTTOM_MARGIN, TOP_MARGIN, full_page_texts


BOOK_FIELDS = {
    "title": "Original", "author": "Jenn Cusick", "source_url": "https://opentextbc.ca/peersupport/",
    "license": "CC-BY-4.0", "changes": "Headings added.", "worksheet_changes": "The prompts alone."}
BOOK = parse_book_settings(BOOK_FIELDS)


def print_setup(paper: str = "letter", site_url: str = "", book: BookSettings = BOOK) -> PrintSetup:
    info = BookInfo(title='The "Book" & <More>', author="Jenn Cusick", description="About.",
                    slug="the-book", site_url=site_url, edition="Edition of 1 May 2025", settings=book)
    return PrintSetup(book=info, settings=parse_pdf_settings({"paper": paper, "writing_lines": 7}),
                      body={"dir": "ltr", "data-md-color-scheme": "default"},
                      templates=template_environment(ROOT / "overrides" / "print"))


CHAPTER = ChapterSource(
    src_uri="chapters/trust.md", slug="trust", title='Trust </style> "here"', url="chapters/trust/",
    html_file=Path("unused"), description="A chapter.", author="Jenn Cusick",
    licence=LICENCES["CC-BY-4.0"], credit="adapted from the original", has_prompts=True,
    attribution=page_attribution(BOOK.credits, {"attribution": {"written_by": "Sam Lee",
                                                                "changes": "Boxes added."}}, source="trust.md"))
CHAPTER_PAGE = """<html><head><link rel="stylesheet" href="../../assets/main.css">
<link rel="stylesheet" href="../../css/print-site.css"></head><body><article class="md-content__inner md-typeset">
<nav class="book-downloads"><a data-download="downloads/x.pdf">Download PDF</a></nav>
<h1 id="trust">Trust</h1><p>See <a href="../../about/">about</a>.</p>
<div class="admonition reflection"><p class="admonition-title">For Reflection</p><ul><li>Why &amp; how?</li><li>When?</li></ul></div>
<div class="book-attribution"><p>Credit.</p></div></article></body></html>"""


METADATA = PdfMetadata(title="Handout: A chapter", author="Jenn Cusick", subject="About it",
                       keywords=("peer support", "training"), language="en",
                       rights="Licensed under CC BY 4.0: https://creativecommons.org/licenses/by/4.0/",
                       licence_url="https://creativecommons.org/licenses/by/4.0/")


def system_browser() -> str:
    """The browser the tests print with: BOOK_BROWSER's, or the system's."""
    return find_browser(os.environ.get("BOOK_BROWSER", ""))


def chapter_with_paragraphs(slug: str, title: str, paragraphs: int) -> tuple[ChapterSource, str]:
    """A chapter like CHAPTER, and its page: a link to its last heading after that many paragraphs."""
    chapter = dataclasses.replace(CHAPTER, src_uri=f"chapters/{slug}.md", slug=slug, title=title,
                                  url=f"chapters/{slug}/")
    text = " ".join(["Peer supporters listen first and speak second."] * 12)
    page = CHAPTER_PAGE.replace('<h1 id="trust">Trust</h1>', f'<h1 id="top">{title}</h1>'
                                '<p><a href="#last">To the reflection</a></p>'
                                + f"<p>{text}</p>" * paragraphs + '<h2 id="last">Last</h2>')
    return chapter, page


EMPTY_AT_MOST = 0.35  # of the body's height, on a page that is neither a document's last nor front matter


def empty_shares(pdf: Path) -> list[float]:
    """How much of each page's body (between its margins) is left empty below what is printed on
    it, as a share of the body's height: the page drawn in grey at 20 dpi, read from its lowest
    row with any ink (any pixel darker than a light tint) up. A box's borders are not what is
    printed in it: the thin lines down its sides, and the line across its foot between them, do
    not count, so a box whose borders run on to the foot of a page with nothing inside is empty."""
    dpi = 20
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), f"{folder}/page"], check=True)
        images = sorted(Path(folder).glob("page-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        shares = []
        for image in images:
            width, height, pixels = _pgm(image.read_bytes())
            top, bottom = round(TOP_MARGIN / 72 * dpi), height - round(BOTTOM_MARGIN / 72 * dpi)
            dark = [[pixels[y * width + x] < 200 for x in range(width)] for y in range(top, bottom)]
            inked = [top + y for y in _content_rows(dark, side_rule=dpi // 2)]
            shares.append((bottom - 1 - max(inked, default=top - 1)) / (bottom - top))
    return shares


def _content_rows(dark: list[list[bool]], side_rule: int) -> list[int]:
    """The rows of a page's body with ink that is not a box's border: not a thin line running
    down at least `side_rule` rows (a box's side), nor a row whose only ink runs between two such
    lines (the box's foot)."""
    height, width = len(dark), len(dark[0]) if dark else 0
    rule = [[False] * width for _ in range(height)]
    for x in range(width):
        y = 0
        while y < height:
            if not dark[y][x]:
                y += 1
                continue
            end = y
            while end < height and dark[end][x]:
                end += 1
            if end - y >= side_rule:  # a line down the page: a side, if nothing is beside it
                for row in range(y, end):
                    beside = [dark[row][i] for i in (x - 2, x + 2) if 0 <= i < width]
                    rule[row][x] = not any(beside)
            y = end
    rows = []
    for y in range(height):
        ink = [x for x in range(width) if dark[y][x] and not rule[y][x]]
        if not ink:
            continue
        near_sides = [x for x in range(width) if any(rule[r][x] for r in range(max(0, y - 3), y + 1))]
        across = ink[-1] - ink[0] + 1 == len(ink)  # one unbroken run, as a border is
        if across and near_sides and any(abs(x - ink[0]) <= 2 for x in near_sides) \
                and any(abs(x - ink[-1]) <= 2 for x in near_sides):
            continue  # the box's foot, from one side to the other
        rows.append(y)
    return rows


def _pgm(data: bytes) -> tuple[int, int, bytes]:
    """A binary PGM image (pdftoppm -gray): its width, height and one byte per pixel."""
    magic, width, height, maximum, pixels = data.split(maxsplit=4)
    assert magic == b"P5" and maximum == b"255", magic
    return int(width), int(height), pixels


@dataclasses.dataclass(frozen=True)
class DrawnImage:
    page: int
    width: float  # as drawn, in points
    height: float
    pixels: tuple[int, int]  # the picture's own width and height


def drawn_images(pdf: Path) -> list[DrawnImage]:
    """Every picture drawn on each page, at the size it is drawn (poppler's list: its pixels and
    how many it draws to the inch, across and down). A picture cut across pages is drawn whole on
    each page it is on, taller than the page's body, and shown in part."""
    listed = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    drawn = []
    for line in listed.splitlines()[2:]:
        page, _, kind, width, height, *_, x_ppi, y_ppi, _size, _ratio = line.split()
        if kind == "image":  # not a picture's transparency (smask), listed after it
            drawn.append(DrawnImage(int(page), int(width) / int(x_ppi) * 72, int(height) / int(y_ppi) * 72,
                                    (int(width), int(height))))
    return drawn


def tagged_texts(pdf: Path) -> list[str]:
    """Each page's text that is part of the PDF's structure tree (what a screen reader reads),
    normalised: pdftotext's reading of the PDF with every text left out that no structure element
    claims (artifacts, such as running heads, and untagged text)."""
    with pikepdf.open(pdf) as document, tempfile.TemporaryDirectory() as folder:
        claimed: set[tuple[tuple[int, int], int]] = set()
        _claimed(document.Root.StructTreeRoot.get("/K"), None, claimed)
        for page in document.pages:
            # Each marked-content sequence open: its MCID, -1 for an artifact, None for neither.
            kept, marks = [], []
            for instruction in pikepdf.parse_content_stream(page):
                op = str(instruction.operator)
                if op in ("BDC", "BMC"):
                    properties = instruction.operands[1] if op == "BDC" else None
                    mcid = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
                    marks.append(-1 if instruction.operands[0] == "/Artifact" else None if mcid is None else int(mcid))
                elif op == "EMC" and marks:
                    marks.pop()
                ids = [m for m in marks if m is not None]
                if op in ("Tj", "TJ", "'", '"') and not (ids and -1 not in ids and (page.objgen, ids[-1]) in claimed):
                    continue
                kept.append(instruction)
            page.obj.Contents = document.make_stream(pikepdf.unparse_content_stream(kept))
        document.save(Path(folder) / "tagged.pdf")
        return [normalise(text) for text in full_page_texts(Path(folder) / "tagged.pdf")]


def _claimed(kid: Any, page: Any, claimed: set[tuple[tuple[int, int], int]]) -> None:
    """The (page, marked content id) pairs the structure elements under `kid` claim."""
    if isinstance(kid, pikepdf.Array):
        for item in kid:
            _claimed(item, page, claimed)
    elif isinstance(kid, int) and page is not None:
        claimed.add((page.objgen, kid))
    elif isinstance(kid, pikepdf.Dictionary):
        page = kid.get("/Pg", page)
        if kid.get("/Type") == "/MCR" and page is not None:
            claimed.add((page.objgen, int(kid.MCID)))
        elif "/K" in kid:
            _claimed(kid.K, page, claimed)


def words(name: str, count: int) -> str:
    """Words that name what they are of (p3w0 p3w1 …): each printed line says where it is from."""
    return " ".join(f"{name}w{i}" for i in range(count))


def reflection_box(prompts: list[int]) -> str:
    """A reflection box of prompts of these many words each, named q1, q2, …"""
    items = "".join(f"<li>{words(f'q{n}', count)}?</li>" for n, count in enumerate(prompts, start=1))
    return f'<div class="admonition reflection"><p class="admonition-title">For Reflection</p><ul>{items}</ul></div>'
