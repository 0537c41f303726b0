"""The book's settings: `extra.book` in mkdocs.yml here, the downloads' (`extra.downloads`,
`extra.pdf`, `extra.epub`) in download_settings.py, the environment's switches in switches.py;
all read and checked once per build (`parse_settings`).

Every mistake is told at once, each with its line in mkdocs.yml and what to write instead, and
stops the build before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError

from ebook.model import adaptation, credits, fields, glyphs
from ebook.model.credits import Credits, Work
from ebook.model.download_settings import named_formats, read_epub_settings, read_pdf_settings

# The downloads' settings and the environment's switches, imported from here by other modules
# (and the scripts and tests) since before they had modules of their own: `as` re-exports them.
from ebook.model.download_settings import CONFIG_NAME as CONFIG_NAME
from ebook.model.download_settings import FORMATS as FORMATS
from ebook.model.download_settings import EpubSettings as EpubSettings
from ebook.model.download_settings import PdfSettings as PdfSettings
from ebook.model.download_settings import WritingLines as WritingLines
from ebook.model.download_settings import parse_epub_settings as parse_epub_settings
from ebook.model.download_settings import parse_formats as parse_formats
from ebook.model.download_settings import parse_pdf_settings as parse_pdf_settings
from ebook.model.switches import CACHE_ENV as CACHE_ENV
from ebook.model.switches import EXPORTS_ENV as EXPORTS_ENV
from ebook.model.switches import Switches as Switches
from ebook.model.switches import build_time as build_time
from ebook.model.switches import cache_enabled as cache_enabled
from ebook.model.switches import exports_enabled as exports_enabled
from ebook.model.switches import read_switches as read_switches
from ebook.model.switches import source_date_epoch as source_date_epoch

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


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


def parse_credits(book: Mapping[str, Any], *, where: str, title: str | None, url: str,
                  problems: fields.Problems | None = None) -> Credits:
    """The credits from `extra.book`: the original work (its own fields), `edition:` (optional:
    without it no editor is named, and the edition has no subtitle), and what the edition
    changed. `title` is the edition's (site_name), `url` the site's address. With `problems`,
    each mistake is kept there and the other fields read too."""
    problems = problems or fields.Problems(collect=False)
    read = problems.read
    original = credits.parse_work({k: v for k, v in book.items() if k in credits.WORK_KEYS}, where=where,
                                  problems=problems)
    edition_where = f"{where}.edition"
    raw: Mapping[str, Any] = read(lambda: _edition_fields(book, edition_where), {})
    read(lambda: fields.no_unknown_keys(raw, EDITION_KEYS, edition_where), None)
    licence = original.licence
    if "license" in raw:
        licence = read(lambda: credits.parse_licence(raw["license"], f"{edition_where}.license"), credits.NO_LICENCE)
    # The original's licence field is at fault for an original no one may adapt; else the edition's.
    read(lambda: adaptation.check_adaptation(original.licence, licence, where=f"{where}.license",
                                             edition_where=f"{edition_where}.license"), None)
    edition = credits.Edition(
        title=title or original.title,
        subtitle=read(lambda: fields.text(raw, "subtitle", edition_where, default=""), ""),
        editors=read(lambda: _editors(raw, edition_where), ()),
        publisher=read(lambda: _publisher(raw, original, edition_where), ""),
        url=url,
    )
    return Credits(original=original, edition=edition, licence=licence,
                   changes=read(lambda: fields.text(book, "changes", where), ""),
                   worksheet_changes=read(lambda: fields.text(book, "worksheet_changes", where,
                                                              default=WORKSHEET_CHANGES), WORKSHEET_CHANGES))


def _edition_fields(book: Mapping[str, Any], where: str) -> Mapping[str, Any]:
    raw = book.get("edition") or {}
    if not isinstance(raw, Mapping):
        raise PluginError(f"{where}: expected its fields ({', '.join(sorted(EDITION_KEYS))}) on the "
                          "lines below it, each indented by two spaces more than 'edition:'.")
    return raw


def _editors(raw: Mapping[str, Any], where: str) -> tuple[str, ...]:
    editors = raw.get("editors")
    editors = [] if editors is None else editors  # `editors:` or `editors: []`: none named yet
    editors = [editors] if isinstance(editors, str) else editors
    if not isinstance(editors, list) or not all(isinstance(e, str) and e.strip() for e in editors):
        raise PluginError(f"{where}.editors: {raw.get('editors')!r} is not a list of names: write "
                          "the names of who adapted this edition, e.g. [Alex Martin, Sam Lee].")
    for name in editors:
        # The words a page may use for its writers are no one's name: metadata would name no one.
        if " ".join(name.split()).casefold() == credits.EDITORS:
            raise PluginError(f"{where}.editors: {name!r} is not a name: write the editors' names, "
                              "e.g. [Alex Martin, Sam Lee], or leave editors out.")
    return tuple(" ".join(e.split()) for e in editors)


def _publisher(raw: Mapping[str, Any], original: Work, where: str) -> str:
    publisher = fields.text(raw, "publisher", where, default="")
    if publisher and publisher.casefold() == (original.publisher or "").casefold():
        # Naming the original's publisher as this edition's would say it endorses the edition.
        raise PluginError(f"{where}.publisher: {publisher!r} published the original, not this "
                          "edition: write who publishes this edition, or leave publisher out.")
    return publisher


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
    edition's title (the original's when None), `site_url` its address. Every mistake is told at
    once; with `config_path`, each with the line of the field at fault."""
    return fields.read_alone(lambda problems: read_book_settings(raw, config_name, problems, docs_dir=docs_dir,
                                                                 site_name=site_name, site_url=site_url),
                             config_name, config_path)


def read_book_settings(raw: Any, config_name: str, problems: fields.Problems, *, docs_dir: str | None,
                       site_name: str | None, site_url: str | None) -> BookSettings:
    """`extra.book`, each mistake kept in `problems` (the whole of it refused when missing)."""
    where = f"{config_name}: extra.book"
    if raw is None:
        raise PluginError(f"{where} is missing: add the book's title, author, source_url and license.")
    if not isinstance(raw, Mapping):
        raise PluginError(f"{where}: expected a mapping with {', '.join(sorted(BOOK_KEYS))}.")
    book = dict(raw)
    read = problems.read
    read(lambda: fields.no_unknown_keys(book, BOOK_KEYS, where), None)
    return BookSettings(
        credits=parse_credits(book, where=where, title=site_name, url=site_url or "", problems=problems),
        chapters_dir=read(lambda: chapters_folder(book, where, docs_dir), CHAPTERS_DIR),
        language=read(lambda: _language(book, where), "en"),
        chapter_template=read(lambda: chapter_template(book, where), CHAPTER_TEMPLATE),
        slug=read(lambda: _slug(book, where), ""),
    )


def _language(book: Mapping[str, Any], where: str) -> str:
    language = fields.text(book, "language", where, default="en")
    if not LANGUAGE_TAG.fullmatch(language):
        raise PluginError(f"{where}.language: {language!r} is not a language tag: write a BCP 47 tag, "
                          "e.g. en or fr-CA.")
    return language


def _slug(book: Mapping[str, Any], where: str) -> str:
    slug = book.get("slug", "")
    if "slug" in book and (not isinstance(slug, str) or not SLUG.fullmatch(slug) or len(slug) > SLUG_MAX):
        raise PluginError(f"{where}.slug: {slug!r} cannot name the downloads: write up to {SLUG_MAX} "
                          "letters a-z, digits and hyphens between them, e.g. peer-support-training.")
    return str(slug)


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
class Settings:
    """Everything the configuration and the environment say about this build of the book."""

    config_name: str  # the configuration file's name, for messages
    book: BookSettings
    pdf: PdfSettings
    epub: EpubSettings | None  # extra.epub: None when the book offers no EPUB (not read then)
    formats: tuple[str, ...]  # the downloads this book offers (extra.downloads), in FORMATS' order
    switches: Switches
    offline_edition: bool  # this build is the offline edition's, run by the book's build
    # print-site's `exclude:`, the pages left out of the print page and the book PDF (see
    # Book.is_printed); None when print-site is off and there is no print page.
    print_excluded: tuple[str, ...] | None = ()


def config_name(config: MkDocsConfig) -> str:
    """The configuration file's name, as messages give it (`mkdocs.yml`, or the file `-f` named)."""
    return Path(config.config_file_path or CONFIG_NAME).name


def is_offline_edition(config: MkDocsConfig) -> bool:
    """Whether this build is the offline edition's: Material's offline plugin is on, as the
    book's build turns it on for the edition's own build (ebook/offline.py)."""
    plugin = config.plugins.get("material/offline")
    return bool(plugin is not None and plugin.config.enabled)


def parse_settings(config: MkDocsConfig, env: Mapping[str, str]) -> Settings:
    """Read and check every setting once: the mistakes, all of them, stop the build before
    anything is written, each with its line in the configuration file."""
    name, extra, problems = config_name(config), config.extra, fields.Problems()
    read = problems.read
    raw_formats = extra.get("downloads")
    formats = read(lambda: parse_formats(raw_formats, name), named_formats(raw_formats))
    book = read(lambda: read_book_settings(extra.get("book"), name, problems, docs_dir=config.docs_dir,
                                           site_name=config.site_name, site_url=config.site_url), None)
    pdf = read(lambda: read_pdf_settings(extra.get("pdf"), name, problems), None)
    epub = read(lambda: read_epub_settings(extra.get("epub"), name, problems), None) if "epub" in formats else None
    switches = read_switches(env, problems)
    for path, first, again in fields.repeated_keys(config.config_file_path, "extra") if config.config_file_path else ():
        problems.refuse(f"{name}: {path} is written twice, on line {first} and again on line {again}: only "
                        f"the second counts; delete the one you do not mean")
    if book is not None:
        for where, value in printed_fields(name, config.site_name, book.credits):
            read(partial(printable_field, where, value), None)
    problems.stop(name, config.config_file_path)
    assert book is not None and pdf is not None  # or stopped above
    return Settings(config_name=name, book=book, pdf=pdf, epub=epub, formats=formats, switches=switches,
                    offline_edition=is_offline_edition(config), print_excluded=print_excluded(config))


def printed_fields(name: str, site_name: str, book_credits: Credits) -> list[tuple[str, str]]:
    """The settings the PDFs print (their cover, copyright page and running heads), each with
    where it is written: the edition's title and subtitle, its editors and publisher, the
    original's title, author and publisher, and what the edition changed (in every credit)."""
    edition, original, where = book_credits.edition, book_credits.original, f"{name}: extra.book"
    return [(f"{name}: site_name", site_name), (f"{where}.edition.subtitle", edition.subtitle),
            *((f"{where}.edition.editors", editor) for editor in edition.editors),
            (f"{where}.edition.publisher", edition.publisher), (f"{where}.title", original.title),
            (f"{where}.author", original.author), (f"{where}.publisher", original.publisher),
            (f"{where}.changes", book_credits.changes), (f"{where}.worksheet_changes", book_credits.worksheet_changes)]


def printable_field(where: str, value: str) -> None:
    """Refuse a printed setting with characters the printed book's typeface has no glyph for."""
    chars = glyphs.missing(value)
    if chars:
        raise PluginError(f"{where}: {glyphs.message(chars)}")


def print_excluded(config: MkDocsConfig) -> tuple[str, ...] | None:
    """print-site's `exclude:` patterns, or None when print-site is off."""
    plugin = config.plugins.get("print-site")
    if plugin is None or not plugin.config.get("enabled", True):
        return None
    return tuple(str(pattern) for pattern in plugin.config.get("exclude") or ())
