"""Reading built PDFs the way readers' tools do: text (poppler), bookmarks, links, sizes, drawings."""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf
import pypdf

from ebook.pdf.finishing import finish_printed
from tests.helpers import book_config, normalise

if TYPE_CHECKING:
    from ebook.pdf.documents import PdfMetadata

# The print documents' page margins (overrides/print/base.html), in points: 22 mm top, 20 mm
# bottom. The running head and the footer live there, the body between.
TOP_MARGIN = 62.0
BOTTOM_MARGIN = 56.0

# The credit of the real book's original work that every printed page carries at its foot, in
# two lines (the licence's name never broken), from the work mkdocs.yml's `extra.book` names.
_WORK = book_config()["extra"]["book"]
REAL_BOOK_CREDIT = (
    f"Original work: “{_WORK['title']}” by {_WORK['author']} ({_WORK['publisher']}, {_WORK['year']}),",
    f"licensed under {_WORK['license'].replace('-', ' ')}, {_WORK['source_url']}",
)


def without_credit(text: str) -> str:
    """A page's margin or footer text, normalised, without the credit every page carries."""
    for line in REAL_BOOK_CREDIT:
        text = normalise(text).replace(line, " ")
    return normalise(text)


def normalise_pdf_text(text: str) -> str:
    """Whitespace collapsed, soft hyphens dropped, a hyphen ending a line joined to the next."""
    text = text.replace("\u00ad", "").replace("\f", "\n")
    text = re.sub(r"(?<=\w)-\n\s*(?=\w)", "-", text)
    return normalise(text)


def page_size(path: Path, page: int = 1) -> tuple[float, float]:
    with pikepdf.open(path) as pdf:
        box = pdf.pages[page - 1].mediabox
        return float(box[2]) - float(box[0]), float(box[3]) - float(box[1])


def body_text(path: Path, first: int | None = None, last: int | None = None, *, layout: bool = False) -> str:
    """The text between the margins: what the pages say, without running heads and footers
    (`layout`: as laid out, as pdftotext -layout reads it)."""
    width, height = page_size(path)
    pages = ["-f", str(first)] if first else []
    pages += ["-l", str(last)] if last else []
    result = subprocess.run(
        ["pdftotext", *pages, *(["-layout"] if layout else []), "-x", "0", "-y", str(int(TOP_MARGIN)), "-W", str(int(width)),
         "-H", str(int(height - TOP_MARGIN - BOTTOM_MARGIN)), str(path), "-"],
        capture_output=True, text=True, check=True,
    )
    return result.stdout


def full_page_texts(path: Path, layout: bool = False) -> list[str]:
    """Each page's whole text, margins included."""
    result = subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(path), "-"],
                            capture_output=True, text=True, check=True)
    return result.stdout.split("\f")[:-1]


def artifact_texts(path: Path) -> list[str]:
    """Each page's text marked as an artifact (what is no part of the document: running heads,
    page numbers), normalised: pdftotext's reading of the PDF with every other text left out."""
    with pikepdf.open(path) as pdf, tempfile.TemporaryDirectory() as folder:
        for page in pdf.pages:
            kept, artifact = [], []
            for instruction in pikepdf.parse_content_stream(page):
                op = str(instruction.operator)
                if op in ("BDC", "BMC"):
                    artifact.append(bool(artifact and artifact[-1]) or instruction.operands[0] == "/Artifact")
                elif op == "EMC" and artifact:
                    artifact.pop()
                if op not in ("Tj", "TJ", "'", '"') or (artifact and artifact[-1]):
                    kept.append(instruction)
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
        pdf.save(Path(folder) / "artifacts.pdf")
        return [normalise(text) for text in full_page_texts(Path(folder) / "artifacts.pdf")]


def margin_texts(path: Path) -> list[str]:
    """Each page's running head and footer: the text outside the body."""
    width, height = page_size(path)
    texts = []
    for y, h in ((0, TOP_MARGIN), (height - BOTTOM_MARGIN, BOTTOM_MARGIN)):
        result = subprocess.run(
            ["pdftotext", "-x", "0", "-y", str(int(y)), "-W", str(int(width)), "-H", str(int(h)),
             str(path), "-"], capture_output=True, text=True, check=True)
        texts.append(result.stdout.split("\f")[:-1])
    return [normalise(f"{top} {bottom}") for top, bottom in zip(*texts)]


def footer_lines(path: Path) -> list[list[str]]:
    """Each page's footer as laid out: its lines, as a reader sees them."""
    width, height = page_size(path)
    result = subprocess.run(
        ["pdftotext", "-layout", "-x", "0", "-y", str(int(height - BOTTOM_MARGIN)), "-W", str(int(width)),
         "-H", str(int(BOTTOM_MARGIN)), str(path), "-"], capture_output=True, text=True, check=True)
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in result.stdout.split("\f")[:-1]]


@dataclass(frozen=True)
class Bookmark:
    level: int
    title: str
    page: int
    children: tuple[Bookmark, ...]


def bookmarks(path: Path) -> list[Bookmark]:
    with pikepdf.open(path) as pdf:
        numbers = {page.objgen: i for i, page in enumerate(pdf.pages, start=1)}

        def read(items: list, level: int) -> list[Bookmark]:
            return [Bookmark(level, item.title, numbers[item.destination[0].objgen],
                             tuple(read(item.children, level + 1))) for item in items]

        with pdf.open_outline() as outline:
            return read(outline.root, 1)


def flatten(marks: list[Bookmark] | tuple[Bookmark, ...], depth: int) -> list[Bookmark]:
    out: list[Bookmark] = []
    for mark in marks:
        if mark.level <= depth:
            out.append(mark)
            out += flatten(mark.children, depth)
    return out


def _multiply(m: list[float], n: list[float]) -> list[float]:
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F]


@dataclass(frozen=True)
class TextRun:
    page: int
    text: str
    size: float  # in points, as printed
    y: float  # from the bottom of the page


def text_runs(path: Path) -> list[TextRun]:
    """Every run of text with its printed size and height on the page."""
    reader = pypdf.PdfReader(path)
    runs: list[TextRun] = []
    for number, page in enumerate(reader.pages, start=1):
        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float,
                  number: int = number) -> None:
            if text.strip():
                m = _multiply(list(map(float, tm)), list(map(float, cm)))
                runs.append(TextRun(number, text, size * (m[2] ** 2 + m[3] ** 2) ** 0.5, m[5]))

        page.extract_text(visitor_text=visit)
    return runs


def horizontal_rules(path: Path, min_width: float) -> list[tuple[int, float]]:
    """(page, height from the bottom) of every thin filled rectangle at least `min_width` wide:
    the ruled lines and borders the browser drew."""
    rules: list[tuple[int, float]] = []
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            ctm = [1.0, 0, 0, 1.0, 0, 0]
            stack: list[list[float]] = []
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op == "q":
                    stack.append(ctm)
                elif op == "Q":
                    ctm = stack.pop()
                elif op == "cm":
                    ctm = _multiply([float(x) for x in operands], ctm)
                elif op == "re":
                    x, y, w, h = (float(v) for v in operands)
                    width = abs(w * ctm[0])
                    height = abs(h * ctm[3])
                    if width >= min_width and height <= 2:
                        rules.append((number, y * ctm[3] + ctm[5]))
    return rules


def qpdf_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)


def pdffonts(path: Path) -> list[dict[str, str]]:
    """poppler's font table: one row per font, with its embedded flag."""
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    rows = []
    for line in lines:
        fields = line.split()
        # name type... encoding emb sub uni object ID: count from the right.
        rows.append({"name": fields[0], "emb": fields[-5], "sub": fields[-4]})
    return rows


def link_annotations(path: Path) -> list[tuple[int, str, str]]:
    """(page, "uri" or "dest", target) of every link."""
    links = []
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for annot in page.get("/Annots", []):
                if annot.get("/Subtype") != "/Link":
                    continue
                if "/Dest" in annot:
                    links.append((number, "dest", str(annot.Dest).lstrip("/")))
                elif "/A" in annot and "/URI" in annot.A:
                    links.append((number, "uri", str(annot.A.URI)))
    return links


def named_destinations(path: Path) -> dict[str, int]:
    """The page of each named destination, from the catalogue's /Dests and its name tree."""
    with pikepdf.open(path) as pdf:
        numbers = {page.objgen: i for i, page in enumerate(pdf.pages, start=1)}
        entries = list(pdf.Root.get("/Dests", {}).items())
        if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
            entries += list(pikepdf.NameTree(pdf.Root.Names.Dests).items())
        # A destination is an array [page, view…] or, equally valid, a dictionary holding it as /D.
        return {str(name).lstrip("/"): numbers[(dest.D if isinstance(dest, pikepdf.Dictionary) else dest)[0].objgen]
                for name, dest in entries}


def shows_title(words: Sequence[str], title: str) -> bool:
    """The words (a running head's, in any order) give the title: all its words, or, for a title too
    long for a running head, its first words, the last of them ending in an ellipsis."""
    shown, title_words = set(words), title.split()
    if set(title_words) <= shown:
        return True
    return any(title_words[n - 1].rstrip(",;:–—-") + "…" in shown and set(title_words[:n - 1]) <= shown
               for n in range(1, len(title_words)))


def finished_pdf(printed: bytes, metadata: PdfMetadata, *, epoch: int | None, headings: Sequence[str] = ()) -> bytes:
    """A printing of one document finished as the build finishes it (`finishing.finish_printed`)."""
    ((data, _),) = finish_printed(printed, [(metadata, headings)], collection=False, front_pages=0, epoch=epoch)
    return data
