"""Reading the book's sources: its pages and other files, refusing what it will not read or
publish (a link out of its folder, an unsafe name, a kind of file it does not publish), and
the chapter template's sample text, which no page may keep.
"""

from __future__ import annotations

import os
import posixpath
import re
from typing import TYPE_CHECKING, Iterable

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import get_files

from ebook.checks import sample_text
from ebook.checks.problems import DOCS, Problem, Source
from ebook.model.book import DOWNLOADS_DIR

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from ebook.model.book import Book

# What docs/ may hold besides the scripts the configuration lists: pages, images, stylesheets, fonts.
PUBLISHED_TYPES = {".md", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".css",
                   ".woff", ".woff2", ".ttf", ".otf"}
# Files a browser runs script from when they are opened directly, where no check of a page and
# no policy of the book's pages applies.
SCRIPT_RUNNING_TYPES = dict.fromkeys(
    (".html", ".htm", ".xhtml", ".xht", ".shtml", ".svg", ".svgz", ".xml", ".xsl", ".xslt",
     ".mht", ".mhtml", ".pdf", ".swf"),
    "a browser can run script from it",
)


def read_template_placeholders(config: MkDocsConfig, book: Book) -> tuple[sample_text.Placeholder, ...]:
    """The chapter template's sample text, which no page may keep."""
    template = book.settings.book.chapter_template
    path = os.path.join(os.path.dirname(config.config_file_path), template)
    try:
        with open(path, encoding="utf-8") as f:
            return sample_text.template_placeholders(f.read())
    except (OSError, UnicodeDecodeError) as error:
        raise PluginError(
            f"{book.settings.config_name}: extra.book.chapter_template: cannot read "
            f"{template} ({error.__class__.__name__}): give the path of the chapter "
            "template, relative to this file"
        ) from None


def read_sources(config: MkDocsConfig,
                 config_name: str) -> tuple[list[Source], list[Source], list[Problem]]:
    """The book's pages, its other files, and the problems of the files it will not read or
    publish: a link that leads out of its folder (in docs/, the theme's overrides, the hooks),
    a name outside the safe set, a kind of file the book does not publish (`config_name`: the
    configuration file's, for the messages)."""
    pages: list[Source] = []
    others: list[Source] = []
    root = os.path.realpath(os.path.dirname(config.config_file_path))
    docs = os.path.relpath(config.docs_dir, root)
    refused = outside_links(root, [docs, *_folders_read(config)])
    links = {problem.path for problem in refused}
    in_links = tuple(f"{link}/" for link in links)  # a linked folder's files: said once, of it
    scripts = {str(script) for script in config.extra_javascript}
    # MkDocs' own listing of docs/ (with exclude_docs applied): what contributors wrote.
    for file in get_files(config):
        where = f"{DOCS}/{file.src_uri}"
        # MkDocs leaves is_excluded() untyped.
        excluded: bool = file.inclusion.is_excluded()  # type: ignore[no-untyped-call]
        if excluded or where in links or where.startswith(in_links):
            continue
        problem = file_problem(file.src_uri, file.abs_src_path, os.path.join(root, docs), scripts,
                               config_name)
        if problem:
            refused.append(problem)
            continue
        is_page = file.is_documentation_page()
        raw = file.content_bytes if is_page else b""
        (pages if is_page else others).append(Source(src_uri=file.src_uri, url=file.url, raw=raw))
    return pages, others, refused


# A file's name: lower-case letters, digits, hyphens, underscores and dots, as web addresses and
# every file system take them alike, and short enough for every file system with room to spare.
SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,99}")


def file_problem(src_uri: str, path: str | None, docs: str, scripts: Iterable[str],
                 config_name: str) -> Problem | None:
    """Why a file of docs/ is not published, if it is not: a link to a file outside docs/ (it
    would be copied into the site: the repository's own .git/config or .env as well as any file
    of the computer), a name outside the safe set, an address in the downloads' folder (the
    build writes its own files there), or a kind of file the book does not publish
    (`scripts`: the book's own, which the configuration file, `config_name`, lists)."""
    where = f"{DOCS}/{src_uri}"
    if path is not None and not os.path.exists(path):
        return Problem(where, 1, BROKEN_LINK)
    if path is not None and not _inside(path, os.path.realpath(docs)):
        return Problem(where, 1, outside_link(DOCS))
    bad = [part for part in src_uri.split("/") if not SAFE_NAME.fullmatch(part)]
    if bad:
        return Problem(where, 1, (
            f"the name '{bad[0]}' has capitals, spaces or other signs, or is too long: rename it "
            "with lower-case letters, digits and hyphens only, at most 100 characters, e.g. "
            "active-listening.md or two-people-talking.png"
        ))
    if src_uri.removesuffix(".md") == DOWNLOADS_DIR or src_uri.startswith(f"{DOWNLOADS_DIR}/"):
        return Problem(where, 1, (
            f"the address {DOWNLOADS_DIR}/ is the build's own: it writes the book's downloads there "
            "(the PDFs, the EPUB, the offline edition), so no page or file of docs/ may be there: "
            "rename or move it, e.g. docs/get-the-book.md"
        ))
    suffix = posixpath.splitext(src_uri)[1].lower()
    if suffix in PUBLISHED_TYPES or (suffix == ".js" and src_uri in scripts):
        return None
    reason = (SCRIPT_RUNNING_TYPES.get(suffix) or ("a script the book does not load" if suffix == ".js"
              else "not a page, an image, a stylesheet or a font"))
    return Problem(where, 1, (
        f"the book does not publish {suffix or 'extensionless'} files ({reason}): write pages "
        "in Markdown (.md), save images as PNG, JPEG, WebP or GIF, or delete the file (the "
        f"book's own scripts and stylesheets are listed in {config_name}, by a maintainer)"
    ))


BROKEN_LINK = ("this is a link to a file that does not exist, or to a folder that holds the link "
               "itself: copy the file itself here instead, or delete the link")


def outside_link(folder: str) -> str:
    return (f"this is a link to a file outside {folder}/, which would be published with the book "
            f"or read into it: copy the file itself into {folder}/ instead, or delete the link")


def outside_links(root: str, folders: Iterable[str]) -> list[Problem]:
    """Links among the files the build reads (docs/, the theme's overrides, the hooks) that lead
    out of their folder: a page, a template or an asset of the theme is published, or read into
    pages, and nothing outside the folder (not even the repository's .git/) is meant to be."""
    problems = []
    for folder in folders:
        top = os.path.realpath(os.path.join(root, folder))
        for where, dirs, names in os.walk(os.path.join(root, folder)):
            for name in sorted(dirs + names):
                path = os.path.join(where, name)
                if not os.path.islink(path):
                    continue
                shown = os.path.relpath(path, root).replace(os.sep, "/")
                if not os.path.exists(path) or _inside(where, os.path.realpath(path)):  # a loop
                    problems.append(Problem(shown, 1, BROKEN_LINK))
                elif not _inside(path, top):
                    problems.append(Problem(shown, 1, outside_link(folder)))
    return problems


def _inside(path: str, root: str) -> bool:
    return os.path.commonpath([os.path.realpath(path), root]) == root


def _folders_read(config: MkDocsConfig) -> list[str]:
    """The repository's folders the build reads besides docs/: the theme's overrides, the hooks."""
    root = os.path.dirname(config.config_file_path)
    folders = {os.path.dirname(os.path.relpath(hook, root)) for hook in config.hooks}
    if config.theme.custom_dir:
        folders.add(os.path.relpath(config.theme.custom_dir, root))
    return sorted(f for f in folders if f and not f.startswith(".."))
