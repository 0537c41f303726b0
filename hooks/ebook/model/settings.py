"""The book's settings: `extra.book`, `extra.pdf` and `extra.epub` in mkdocs.yml, and the
environment's switches, each read and checked once per build (`parse_settings`).

Every message names the configuration file and the field, and says what to write instead.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError

from ebook.model import credits, fields
from ebook.model.credits import Credits, Work

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

CONFIG_NAME = "mkdocs.yml"  # the usual name; messages use the file MkDocs actually read


@dataclass(frozen=True)
class BookSettings:
    credits: Credits  # the original work, this edition, what it changed
    chapters_dir: str  # relative to docs/, e.g. chapters
    language: str
    chapter_template: str  # the file new chapters start from, relative to mkdocs.yml
    slug: str = ""  # the downloads' base name; "" for the one made from site_name

    @property
    def original(self) -> Work:
        """The book this edition adapts."""
        return self.credits.original

    @property
    def changes(self) -> str:
        """What this edition changed, for pages adapted from the original."""
        return self.credits.changes


EDITION_KEYS = frozenset({"subtitle", "editors", "publisher", "license"})  # under extra.book.edition
CREDIT_KEYS = frozenset({"edition", "changes", "worksheet_changes"})  # extra.book's, beside the original's
WORKSHEET_CHANGES = ("The chapter's reflection prompts, each followed by lines to write on; the author's "
                     "wording is unchanged.")


def parse_credits(book: Mapping[str, Any], *, where: str, title: str | None, url: str) -> Credits:
    """The credits from `extra.book`: the original work (its own fields), `edition:` (optional:
    without it no editor is named, and the edition has no subtitle), and what the edition
    changed. `title` is the edition's (site_name), `url` the site's address."""
    original = credits.parse_work({k: v for k, v in book.items() if k in credits.WORK_KEYS}, where=where)
    edition_where = f"{where}.edition"
    raw = book.get("edition") or {}
    if not isinstance(raw, Mapping):
        raise PluginError(f"{edition_where}: expected its fields ({', '.join(sorted(EDITION_KEYS))}) on the "
                          "lines below it, each indented by two spaces more than 'edition:'.")
    fields.no_unknown_keys(raw, EDITION_KEYS, edition_where)
    editors = raw.get("editors")
    editors = [] if editors is None else editors  # `editors:` or `editors: []`: none named yet
    editors = [editors] if isinstance(editors, str) else editors
    if not isinstance(editors, list) or not all(isinstance(e, str) and e.strip() for e in editors):
        raise PluginError(f"{edition_where}.editors: {raw.get('editors')!r} is not a list of names: write "
                          "the names of who adapted this edition, e.g. [Alex Martin, Sam Lee].")
    for name in editors:
        # The words a page may use for its writers are no one's name: metadata would name no one.
        if " ".join(name.split()).casefold() == credits.EDITORS:
            raise PluginError(f"{edition_where}.editors: {name!r} is not a name: write the editors' names, "
                              "e.g. [Alex Martin, Sam Lee], or leave editors out.")
    publisher = fields.text(raw, "publisher", edition_where, default="")
    if publisher and publisher.casefold() == (original.publisher or "").casefold():
        # Naming the original's publisher as this edition's would say it endorses the edition.
        raise PluginError(f"{edition_where}.publisher: {publisher!r} published the original, not this "
                          "edition: write who publishes this edition, or leave publisher out.")
    edition = credits.Edition(
        title=title or original.title,
        subtitle=fields.text(raw, "subtitle", edition_where, default=""),
        editors=tuple(" ".join(e.split()) for e in editors),
        publisher=publisher,
        url=url,
    )
    licence = credits.parse_licence(raw["license"], f"{edition_where}.license") if "license" in raw \
        else original.licence
    return Credits(original=original, edition=edition, licence=licence,
                   changes=fields.text(book, "changes", where),
                   worksheet_changes=fields.text(book, "worksheet_changes", where, default=WORKSHEET_CHANGES))


_BOOK_ONLY_KEYS = {"chapters_dir", "language", "chapter_template", "slug"}
BOOK_KEYS = credits.WORK_KEYS | CREDIT_KEYS | _BOOK_ONLY_KEYS
CHAPTERS_DIR = "chapters"  # the default, which a book may lack until `make chapter` adds the first
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")  # the shape of a BCP 47 tag
SLUG = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?")  # no hyphen first: a name like -x reads as an option
SLUG_MAX = 60


def parse_book_settings(raw: Any, config_name: str = CONFIG_NAME, *, docs_dir: str | None = None,
                        site_name: str | None = None, site_url: str | None = None,
                        config_path: str | None = None) -> BookSettings:
    """`extra.book`; with `docs_dir`, the chapters' folder must also be there. `site_name` is this
    edition's title (the original's when None), `site_url` its address. With `config_path`, a
    message also gives the line of the field at fault."""
    try:
        return _book_settings(raw, config_name, docs_dir, site_name, site_url)
    except PluginError as error:
        raise fields.with_line(error, config_name, config_path) from None


def _book_settings(raw: Any, config_name: str, docs_dir: str | None, site_name: str | None,
                   site_url: str | None) -> BookSettings:
    where = f"{config_name}: extra.book"
    if raw is None:
        raise PluginError(f"{where} is missing: add the book's title, author, source_url and license.")
    if not isinstance(raw, Mapping):
        raise PluginError(f"{where}: expected a mapping with {', '.join(sorted(BOOK_KEYS))}.")
    book = dict(raw)
    fields.no_unknown_keys(book, BOOK_KEYS, where)
    book_credits = parse_credits(book, where=where, title=site_name, url=site_url or "")
    language = fields.text(book, "language", where, default="en")
    if not LANGUAGE_TAG.fullmatch(language):
        raise PluginError(f"{where}.language: {language!r} is not a language tag: write a BCP 47 tag, "
                          "e.g. en or fr-CA.")
    slug = book.get("slug", "")
    if "slug" in book and (not isinstance(slug, str) or not SLUG.fullmatch(slug) or len(slug) > SLUG_MAX):
        raise PluginError(f"{where}.slug: {slug!r} cannot name the downloads: write up to {SLUG_MAX} "
                          "letters a-z, digits and hyphens between them, e.g. peer-support-training.")
    return BookSettings(
        credits=book_credits,
        chapters_dir=chapters_folder(book, where, docs_dir),
        language=language,
        chapter_template=chapter_template(book, where),
        slug=slug,
    )


CHAPTER_TEMPLATE = "templates/chapter.md"


def chapter_template(book: Mapping[str, Any], where: str) -> str:
    return fields.text(book, "chapter_template", where, default=CHAPTER_TEMPLATE)


def parse_chapter_settings(raw: Any, config_name: str = CONFIG_NAME, *,
                           docs_dir: str | None = None) -> tuple[str, str]:
    """The chapters' folder and the template new chapters start from (`make chapter`), read and
    checked as the build reads them, from an `extra.book` that may lack the rest."""
    where = f"{config_name}: extra.book"
    book = {} if raw is None else raw
    if not isinstance(book, Mapping):
        raise PluginError(f"{where}: expected a mapping with {', '.join(sorted(BOOK_KEYS))}.")
    return chapters_folder(book, where, docs_dir), chapter_template(book, where)


def chapters_folder(book: Mapping[str, Any], where: str, docs_dir: str | None) -> str:
    """`chapters_dir`: a folder inside docs/, written relative to it (a typo would otherwise give
    a book with no chapters, silently)."""
    value = book.get("chapters_dir", CHAPTERS_DIR)
    path = PurePosixPath(value.strip()) if isinstance(value, str) and value.strip() else None
    inside = path is not None and not path.is_absolute() and ".." not in path.parts and str(path) != "."
    # Only the default may be missing: a new book has no chapters' folder until its first chapter.
    exists = docs_dir is None or str(path) == CHAPTERS_DIR or (Path(docs_dir) / str(path)).is_dir()
    if path is not None and inside and exists:
        return str(path)
    docs = f"{Path(docs_dir).name if docs_dir else 'docs'}/"
    folders = sorted(p.name for p in Path(docs_dir).iterdir() if p.is_dir() and not p.name.startswith(".")) \
        if docs_dir and Path(docs_dir).is_dir() else []
    has = f" ({docs} has {', '.join(folders)})" if folders else ""
    raise PluginError(f"{where}.chapters_dir: {value!r} is not a folder of {docs}: write the path inside {docs} "
                      f"of the folder that holds the chapters, e.g. {CHAPTERS_DIR}{has}.")


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


def parse_writing_lines(raw: Any, where: str) -> WritingLines:
    """`writing_lines`: a number (every prompt gets that many), or per_question, fewest and most."""
    example = "e.g. {per_question: 4, fewest: 6, most: 14}"
    if isinstance(raw, int) and not isinstance(raw, bool):
        lines = _ruled_lines(raw, MIN_WRITING_LINES, where)
        return WritingLines(per_question=lines, fewest=lines, most=lines)
    if not isinstance(raw, Mapping):
        raise PluginError(f"{where}: {raw!r}: give a number of ruled lines for every prompt, or "
                          f"per_question, fewest and most, {example}.")
    fields.no_unknown_keys(raw, _WRITING_KEYS, where)
    values = {**dataclasses.asdict(WRITING_LINES), **raw}
    for key, low in (("per_question", 1), ("fewest", MIN_WRITING_LINES), ("most", MIN_WRITING_LINES)):
        values[key] = _ruled_lines(values[key], low, f"{where}.{key}")
    if values["most"] < values["fewest"]:
        raise PluginError(f"{where}: most ({values['most']}) is fewer than fewest ({values['fewest']}): "
                          f"give most at least as many lines, {example}.")
    return WritingLines(**values)


def _ruled_lines(value: Any, low: int, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= MAX_WRITING_LINES:
        raise PluginError(f"{where}: {value!r}: give a number of ruled lines from {low} to {MAX_WRITING_LINES}.")
    return value


def parse_pdf_settings(raw: Any, config_name: str = CONFIG_NAME) -> PdfSettings:
    where = f"{config_name}: extra.pdf"
    raw = {} if raw is None else raw
    if not isinstance(raw, Mapping):
        raise PluginError(f"{where}: expected a mapping with {', '.join(sorted(_PDF_KEYS))}.")
    fields.no_unknown_keys(raw, _PDF_KEYS, where)
    paper = raw.get("paper", "letter")
    if not isinstance(paper, str) or paper.lower() not in PAPERS:
        raise PluginError(f"{where}.paper: {paper!r} is not a paper size we print: use letter or a4.")
    keywords = raw.get("keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) and k.strip() for k in keywords):
        raise PluginError(f"{where}.keywords: expected a list of words or phrases, e.g. [peer support].")
    lines = parse_writing_lines(raw.get("writing_lines", {}), f"{where}.writing_lines")
    per_print = raw.get("chapters_per_print", 15)
    if not isinstance(per_print, int) or isinstance(per_print, bool) or not 1 <= per_print <= 100:
        raise PluginError(
            f"{where}.chapters_per_print: {per_print!r}: give how many chapters' handouts to print "
            "in one go, from 1 to 100."
        )
    return PdfSettings(paper=PAPERS[paper.lower()], keywords=tuple(k.strip() for k in keywords),
                       writing_lines=lines, chapters_per_print=per_print)


@dataclass(frozen=True)
class EpubSettings:
    identifier: str  # the same for every build of this edition: reading systems key notes on it
    accessibility_summary: str


_EPUB_KEYS = {"identifier", "accessibility_summary"}


def parse_epub_settings(raw: Any, config_name: str = CONFIG_NAME) -> EpubSettings:
    where = f"{config_name}: extra.epub"
    if raw is None:
        raise PluginError(f"{where} is missing: add its identifier and accessibility_summary, or take "
                          "epub out of extra.downloads.")
    if not isinstance(raw, Mapping):
        raise PluginError(f"{where}: expected a mapping with {', '.join(sorted(_EPUB_KEYS))}.")
    fields.no_unknown_keys(raw, _EPUB_KEYS, where)
    values = {}
    for key, example in (
        ("identifier", "urn:uuid:<a UUID made once, e.g. with `python3 -m uuid`>"),
        ("accessibility_summary", "a sentence or two on how the EPUB can be read"),
    ):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise PluginError(f"{where}.{key} is missing or not text: write it as text, e.g. {example}.")
        values[key] = " ".join(value.split())
    if any(c.isspace() for c in raw["identifier"].strip()):
        raise PluginError(f"{where}.identifier: {raw['identifier']!r} must not contain spaces.")
    return EpubSettings(**values)


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


# --- The environment's switches ---------------------------------------------------------------

EXPORTS_ENV = "BOOK_EXPORTS"
CACHE_ENV = "BOOK_CACHE"


def on_unless_zero(env: Mapping[str, str], name: str, *, on: str, off: str) -> bool:
    """A switch in the environment: on when unset or 1, off when 0, anything else an error
    that says what each value does (`on` and `off` complete "use NAME=1 to …")."""
    value = env.get(name, "").strip()
    if value in ("", "1"):
        return True
    if value == "0":
        return False
    raise PluginError(f"{name}={value!r} is not understood: use {name}=1 to {on}, or {name}=0 to {off}.")


def exports_enabled(env: Mapping[str, str]) -> bool:
    """Whether the exporters write their files: on unless BOOK_EXPORTS=0."""
    return on_unless_zero(env, EXPORTS_ENV, on="write the PDFs and other downloads",
                          off="skip them (as `make serve` does)")


def cache_enabled(env: Mapping[str, str]) -> bool:
    """Whether the build reuses unchanged downloads: on unless BOOK_CACHE=0."""
    return on_unless_zero(env, CACHE_ENV, on="reuse the downloads whose inputs did not change (the default)",
                          off="make every download afresh")


def source_date_epoch(env: Mapping[str, str]) -> int | None:
    """`SOURCE_DATE_EPOCH` (seconds since 1970, UTC), or None when unset."""
    raw = env.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise PluginError(
            f"SOURCE_DATE_EPOCH={raw!r} is not a time: set it to whole seconds since 1970 "
            "(e.g. `git log -1 --format=%ct`), or unset it."
        )
    return int(raw)


def build_time(environ: Mapping[str, str]) -> datetime:
    """The build's time: `SOURCE_DATE_EPOCH` when set, else now."""
    epoch = source_date_epoch(environ)
    if epoch is None:
        return datetime.now(timezone.utc).replace(microsecond=0)
    return datetime.fromtimestamp(epoch, timezone.utc)


@dataclass(frozen=True)
class Switches:
    """What differs per machine or per run, from the environment."""

    exports: bool  # BOOK_EXPORTS: write the PDFs and other downloads (off in `make serve`)
    cache: bool  # BOOK_CACHE: reuse unchanged PDFs and offline editions
    epoch: int | None  # SOURCE_DATE_EPOCH: the build's fixed time, for reproducible files
    browser: str  # BOOK_BROWSER: the browser that prints, when not found by its usual names
    build_time: datetime  # SOURCE_DATE_EPOCH's time, or the time the build started


def read_switches(env: Mapping[str, str]) -> Switches:
    return Switches(exports=exports_enabled(env), cache=cache_enabled(env),
                    epoch=source_date_epoch(env), browser=env.get("BOOK_BROWSER", "").strip(),
                    build_time=build_time(env))


@dataclass(frozen=True)
class Settings:
    """Everything the configuration and the environment say about this build of the book."""

    config_name: str  # the configuration file's name, for messages
    book: BookSettings
    pdf: PdfSettings
    epub: EpubSettings | None  # extra.epub: None when the book offers no EPUB (not read then)
    formats: tuple[str, ...]  # the downloads this book offers (extra.downloads), in FORMATS' order
    switches: Switches
    offline_edition: bool  # this build is the offline edition's, run by the book's build


def config_name(config: MkDocsConfig) -> str:
    """The configuration file's name, as messages give it (`mkdocs.yml`, or the file `-f` named)."""
    return Path(config.config_file_path or CONFIG_NAME).name


def is_offline_edition(config: MkDocsConfig) -> bool:
    """Whether this build is the offline edition's: Material's offline plugin is on, as the
    book's build turns it on for the edition's own build (ebook/offline.py)."""
    plugin = config.plugins.get("material/offline")
    return bool(plugin is not None and plugin.config.enabled)


def parse_settings(config: MkDocsConfig, env: Mapping[str, str]) -> Settings:
    """Read and check every setting once: a mistake stops the build before anything is written."""
    name = config_name(config)
    extra = config.extra
    try:  # a wrong field is told with its line (the book's settings add theirs themselves)
        formats = parse_formats(extra.get("downloads"), name)
        pdf = parse_pdf_settings(extra.get("pdf"), name)
        epub = parse_epub_settings(extra.get("epub"), name) if "epub" in formats else None
    except PluginError as error:
        raise fields.with_line(error, name, config.config_file_path) from None
    return Settings(
        config_name=name,
        book=parse_book_settings(extra.get("book"), name, docs_dir=config.docs_dir, site_name=config.site_name,
                                 site_url=config.site_url, config_path=config.config_file_path),
        pdf=pdf,
        epub=epub,
        formats=formats,
        switches=read_switches(env),
        offline_edition=is_offline_edition(config),
    )
