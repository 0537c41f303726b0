"""MkDocs' own warnings about the book, said as the chapter checks say their problems.

Not a hook: the chapter checks (hooks/checks.py) fold these into their report, so that a page
missing from the navigation, a link to a missing page or image and a link to a missing section
are listed with every other problem, with the file, the line and the fix, and stop the build
before any page is written or any PDF printed. MkDocs would otherwise print them as it goes and
stop only at the end, after the PDFs.

`FoldedWarnings` is a logging filter on MkDocs' loggers for the site's structure: it keeps each
warning it knows how to explain and drops it from MkDocs' own output (which would stop the build
a second time), and lets every other warning through to MkDocs as before.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ebook.checks.book_wide import not_offered
from ebook.model.book import unoffered_format
from ebook.model.settings import CONFIG_NAME, FORMATS

# The loggers MkDocs warns through about the navigation and the pages' links.
LOGGERS = ("mkdocs.structure.nav", "mkdocs.structure.pages")

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif")


@dataclass(frozen=True)
class Folded:
    """One warning, explained: where to fix it and how."""

    path: str  # as a contributor sees it: docs/chapters/x.md, or mkdocs.yml
    needle: str  # text to find the line by (empty: the file's first line)
    message: str  # what is wrong: how to fix it


class FoldedWarnings(logging.Filter):
    """Keeps the warnings `explain` knows while it is installed on MkDocs' loggers (`book` and
    `formats`: the book's slug and the downloads it offers, as `explain` takes them)."""

    def __init__(self, config_name: str, *, book: str = "", formats: Sequence[str] = FORMATS) -> None:
        super().__init__()
        self.config_name = config_name
        self.book = book
        self.formats = formats
        self.folded: list[Folded] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        folded = explain(record.getMessage(), self.config_name, book=self.book, formats=self.formats)
        self.folded += folded
        return not folded

    def install(self) -> None:
        for name in LOGGERS:
            logging.getLogger(name).addFilter(self)

    def remove(self) -> None:
        for name in LOGGERS:
            logging.getLogger(name).removeFilter(self)


_OMITTED = re.compile(r'The following pages exist in the docs directory, but are not included in the "nav" '
                      r"configuration:\n(?P<pages>(?:  - .*\n?)+)")
_NAV_NOT_FOUND = re.compile(r"A reference to '(?P<target>[^']*)' is included in the 'nav' configuration, "
                            r"which is not found in the documentation files\.")
_LINK_NOT_FOUND = re.compile(r"Doc file '(?P<src>[^']*)' contains a link '(?P<link>[^']*)', but the "
                             r"target(?: '(?P<target>[^']*)')? is not found among documentation files\."
                             r"(?: Did you mean '(?P<suggestion>[^']*)'\?)?$")
_ANCHOR = re.compile(r"Doc file '(?P<src>[^']*)' contains a link '(?P<link>[^']*)', but (?:there is no "
                     r"such anchor on this page|the doc '(?P<doc>[^']*)' does not contain an anchor "
                     r"'#(?P<anchor>[^']*)')\.")
_UNRECOGNIZED = re.compile(r"Doc file '(?P<src>[^']*)' contains an unrecognized relative link "
                           r"'(?P<link>[^']*)', it was left as is\.(?: Did you mean '(?P<suggestion>[^']*)'\?)?$")
_ABSOLUTE = re.compile(r"Doc file '(?P<src>[^']*)' contains an absolute link '(?P<link>[^']*)', it was "
                       r"left as is\.(?: Did you mean '(?P<suggestion>[^']*)'\?)?$")


def explain(message: str, config_name: str = CONFIG_NAME, *, book: str = "",
            formats: Sequence[str] = FORMATS) -> list[Folded]:
    """The problems a warning of MkDocs' tells, or none for a warning this module does not know.

    `book` (the book's slug) and `formats` (extra.downloads) tell a link to a download the book
    does not offer, which MkDocs finds missing as it finds a misspelt one.
    """
    if found := _OMITTED.match(message):
        return [Folded(f"docs/{page.strip()[2:]}", "", (
            f"the page is not in the book's navigation: add the line '- {page.strip()[2:]}' under "
            f"nav: in {config_name}, where it belongs in reading order (make chapter adds a new "
            "chapter there)"
        )) for page in found.group("pages").splitlines() if page.strip()]
    if found := _NAV_NOT_FOUND.match(message):
        target = found.group("target")
        if " - " in target:  # a line indented further than the one above it: YAML joins the two
            joined = target.rsplit(" - ", 1)[1]
            return [Folded(config_name, joined, (
                f"nav: the line '- {joined}' is indented further than the line above it, so the two "
                "are read as one file name: indent it exactly like the line above"
            ))]
        return [Folded(config_name, target, (
            f"nav: lists '{target}', which is not a file in docs/: correct the file name (it is "
            f"relative to docs/, e.g. chapters/active-listening.md), or remove the line"
        ))]
    if found := _LINK_NOT_FOUND.match(message):
        link = found.group("link")
        did_you_mean = f"did you mean '{found.group('suggestion')}'? " if found.group("suggestion") else ""
        if fmt := unoffered_format(found.group("target") or link, book=book, formats=formats):
            return [Folded(f"docs/{found.group('src')}", link, not_offered(fmt, config_name))]
        if re.match(r"(?:www\.|[\w-]+\.(?:com|org|net|edu|ca|gov)(?:[/?#]|$))", link, re.I):
            fix = f"write the whole web address, starting with https://, e.g. https://{link}"
        elif "downloads/" in link:
            fix = ("check the name against the files the build writes to downloads/ (listed in "
                   "DEVELOPMENT.md, and in a built site's downloads/index.json)")
        elif link.split("#")[0].split("?")[0].lower().endswith(IMAGE_SUFFIXES):
            # Where the link leads, so a correct path with its file not added (or not committed)
            # is told as such, not as a path to correct. (MkDocs names the target only where it
            # differs from the link.)
            target = (found.group("target") or link).split("#")[0].split("?")[0]
            if target.startswith("../"):
                fix = ("it leads out of docs/, the book's folder, where no file is published: give the "
                       "path from this file to the image in docs/images/, e.g. ../images/file-name.png "
                       "from a chapter, images/file-name.png from a page in docs/")
            else:
                fix = (f"there is no file docs/{target}: put the image in docs/images/ (and commit it "
                       "with the page), and give its path from this file, e.g. ../images/file-name.png "
                       "from a chapter")
        else:
            fix = ("give the file name of a page or file of the book, relative to this file, e.g. "
                   "other-chapter.md")
        return [Folded(f"docs/{found.group('src')}", link,
                       f"the link '{link}' leads to no page or file of the book: {did_you_mean}{fix}")]
    if found := _ANCHOR.match(message):
        link = found.group("link")
        anchor = found.group("anchor") or link.partition("#")[2]
        page = f"docs/{found.group('doc')}" if found.group("doc") else "this page"
        return [Folded(f"docs/{found.group('src')}", link, (
            f"the link '{link}' leads to a section '#{anchor}' that {page} does not have: use the "
            "section's anchor, its heading in lower case with hyphens for spaces (e.g. "
            "'#active-listening' for '## Active listening')"
        ))]
    if found := _UNRECOGNIZED.match(message):
        link = found.group("link")
        hint = f"'{found.group('suggestion')}'" if found.group("suggestion") else "the page's file, e.g. other-chapter.md"
        return [Folded(f"docs/{found.group('src')}", link, (
            f"the link '{link}' names no page or file of the book: link to {hint}"
        ))]
    if found := _ABSOLUTE.match(message):
        link = found.group("link")
        hint = f", e.g. '{found.group('suggestion')}'" if found.group("suggestion") else ""
        return [Folded(f"docs/{found.group('src')}", link, (
            f"the link '{link}' starts with '/', which leads elsewhere once the book is published "
            f"in a folder of a site: give the path from this file instead{hint}"
        ))]
    return []
