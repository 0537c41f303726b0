"""The downloads' settings: which downloads the book offers (`extra.downloads`), and how the PDFs
(`extra.pdf`) and the EPUB (`extra.epub`) are made. Read once per build by `settings.parse_settings`
with the rest of the book's settings, every mistake of them told at once.

Every message names the configuration file and the field, and says what to write instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from mkdocs.exceptions import PluginError

from ebook.model import fields

CONFIG_NAME = "mkdocs.yml"  # the usual name; messages use the file MkDocs actually read


@dataclass(frozen=True)
class WritingLines:
    """The ruled lines after a worksheet prompt: `per_question` for each question it asks, never
    fewer than `fewest` nor more than `most`."""

    per_question: int
    fewest: int
    most: int

    def for_questions(self, questions: int) -> int:
        """A prompt without a question mark ("Describe…") asks one."""
        return max(self.fewest, min(self.most, self.per_question * max(1, questions)))


@dataclass(frozen=True)
class PdfSettings:
    paper: str  # a CSS page size: "letter" or "A4"
    keywords: tuple[str, ...]
    writing_lines: WritingLines
    chapters_per_print: int  # handouts (or worksheets) printed in one go, then split apart


PAPERS = {"letter": "letter", "a4": "A4"}
_PDF_KEYS = {"paper", "keywords", "writing_lines", "chapters_per_print"}
_WRITING_KEYS = {"per_question", "fewest", "most"}
WRITING_LINES = WritingLines(per_question=4, fewest=6, most=14)
MIN_WRITING_LINES, MAX_WRITING_LINES = 2, 40  # room for an answer; a page and a half at most
CHAPTERS_PER_PRINT = 15


def parse_writing_lines(raw: Any, where: str, problems: fields.Problems | None = None) -> WritingLines:
    """`writing_lines`: a number (every prompt gets that many), or per_question, fewest and most."""
    problems = problems or fields.Problems(collect=False)
    read = problems.read
    example = "e.g. {per_question: 4, fewest: 6, most: 14}"
    if isinstance(raw, int) and not isinstance(raw, bool):
        lines = read(lambda: _ruled_lines(raw, MIN_WRITING_LINES, where), WRITING_LINES.fewest)
        return WritingLines(per_question=lines, fewest=lines, most=lines)
    if not isinstance(raw, Mapping):
        raise PluginError(f"{where}: {raw!r}: give a number of ruled lines for every prompt, or "
                          f"per_question, fewest and most, {example}.")
    read(lambda: fields.no_unknown_keys(raw, _WRITING_KEYS, where), None)
    given = {**dataclasses.asdict(WRITING_LINES), **{k: v for k, v in raw.items() if k in _WRITING_KEYS}}
    values = {key: read(partial(_ruled_lines, given[key], low, f"{where}.{key}"), None)
              for key, low in (("per_question", 1), ("fewest", MIN_WRITING_LINES), ("most", MIN_WRITING_LINES))}
    fewest, most = values["fewest"], values["most"]
    if fewest is not None and most is not None and most < fewest:
        problems.refuse(
            f"{where}: most ({most}) is fewer than fewest ({fewest}): give most at least as many lines, {example}.")
    return WritingLines(**{key: WRITING_LINES.fewest if value is None else value for key, value in values.items()})


def _ruled_lines(value: Any, low: int, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= MAX_WRITING_LINES:
        raise PluginError(f"{where}: {value!r}: give a number of ruled lines from {low} to {MAX_WRITING_LINES}.")
    return value


def parse_pdf_settings(raw: Any, config_name: str = CONFIG_NAME) -> PdfSettings:
    """`extra.pdf` alone, every mistake of it told at once."""
    return fields.read_alone(lambda problems: read_pdf_settings(raw, config_name, problems), config_name)


def read_pdf_settings(raw: Any, config_name: str, problems: fields.Problems) -> PdfSettings:
    """`extra.pdf`, each mistake kept in `problems` (the whole of it refused when not a mapping)."""
    where = f"{config_name}: extra.pdf"
    raw = {} if raw is None else raw
    if not isinstance(raw, Mapping):
        raise PluginError(f"{where}: expected a mapping with {', '.join(sorted(_PDF_KEYS))}.")
    read = problems.read
    read(lambda: fields.no_unknown_keys(raw, _PDF_KEYS, where), None)
    return PdfSettings(
        paper=read(lambda: _paper(raw.get("paper", "letter"), where), "letter"),
        keywords=read(lambda: _keywords(raw.get("keywords", []), where), ()),
        writing_lines=read(lambda: parse_writing_lines(raw.get("writing_lines", {}), f"{where}.writing_lines",
                                                       problems), WRITING_LINES),
        chapters_per_print=read(lambda: _chapters_per_print(raw.get("chapters_per_print", CHAPTERS_PER_PRINT),
                                                            where), CHAPTERS_PER_PRINT),
    )


def _paper(paper: Any, where: str) -> str:
    if not isinstance(paper, str) or paper.lower() not in PAPERS:
        raise PluginError(f"{where}.paper: {paper!r} is not a paper size we print: use letter or a4.")
    return PAPERS[paper.lower()]


def _keywords(keywords: Any, where: str) -> tuple[str, ...]:
    if not isinstance(keywords, list) or not all(isinstance(k, str) and k.strip() for k in keywords):
        raise PluginError(f"{where}.keywords: expected a list of words or phrases, e.g. [peer support].")
    return tuple(k.strip() for k in keywords)


def _chapters_per_print(per_print: Any, where: str) -> int:
    if not isinstance(per_print, int) or isinstance(per_print, bool) or not 1 <= per_print <= 100:
        raise PluginError(
            f"{where}.chapters_per_print: {per_print!r}: give how many chapters' handouts to print "
            "in one go, from 1 to 100."
        )
    return per_print


@dataclass(frozen=True)
class EpubSettings:
    identifier: str  # the same for every build of this edition: reading systems key notes on it
    accessibility_summary: str


_EPUB_KEYS = {"identifier", "accessibility_summary"}
_EPUB_EXAMPLES = {
    "identifier": "urn:uuid:<a UUID made once, e.g. with `python3 -m uuid`>",
    "accessibility_summary": "a sentence or two on how the EPUB can be read",
}


def parse_epub_settings(raw: Any, config_name: str = CONFIG_NAME) -> EpubSettings:
    """`extra.epub` alone, every mistake of it told at once."""
    return fields.read_alone(lambda problems: read_epub_settings(raw, config_name, problems), config_name)


def read_epub_settings(raw: Any, config_name: str, problems: fields.Problems) -> EpubSettings:
    """`extra.epub`, each mistake kept in `problems` (the whole of it refused when missing)."""
    where = f"{config_name}: extra.epub"
    if raw is None:
        raise PluginError(f"{where} is missing: add its identifier and accessibility_summary, or take "
                          "epub out of extra.downloads.")
    if not isinstance(raw, Mapping):
        raise PluginError(f"{where}: expected a mapping with {', '.join(sorted(_EPUB_KEYS))}.")
    problems.read(lambda: fields.no_unknown_keys(raw, _EPUB_KEYS, where), None)
    values = {key: problems.read(partial(_epub_text, raw, key, where), "") for key in _EPUB_EXAMPLES}
    if values["identifier"] and any(c.isspace() for c in raw["identifier"].strip()):
        problems.refuse(f"{where}.identifier: {raw['identifier']!r} must not contain spaces.")
    return EpubSettings(**values)


def _epub_text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PluginError(f"{where}.{key} is missing or not text: write it as text, e.g. {_EPUB_EXAMPLES[key]}.")
    return " ".join(value.split())


FORMATS = ("pdf", "epub", "offline")  # the downloads a book can offer, in the order they are made


def parse_formats(raw: Any, config_name: str = CONFIG_NAME) -> tuple[str, ...]:
    """`extra.downloads`: the formats this book offers (all of them when the key is absent)."""
    where = f"{config_name}: extra.downloads"
    if raw is None:
        return FORMATS
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw) \
            or len(set(raw)) != len(raw) or not set(raw) <= set(FORMATS):
        raise PluginError(f"{where}: {raw!r}: list the downloads the book offers, each once, from: "
                          f"{', '.join(FORMATS)} (e.g. [{', '.join(FORMATS)}]).")
    return tuple(name for name in FORMATS if name in raw)


def named_formats(raw: Any) -> tuple[str, ...]:
    """The formats a wrong `extra.downloads` does name, so that the settings of those are
    checked in the same build (a list with one unknown name still offers the others)."""
    return tuple(name for name in FORMATS if isinstance(raw, list) and name in raw)
