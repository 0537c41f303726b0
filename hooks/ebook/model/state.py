"""The book of the build under way, made once per build and read by every hook.

`hooks/book.py`, listed first in mkdocs.yml, starts each build: it reads the settings in
`on_config` and the chapters in `on_nav`. A build is known by its configuration object:
`mkdocs serve` loads the configuration again for every rebuild, so nothing of an earlier build
is ever read by a later one.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError

from ebook.model.book import Book
from ebook.model.settings import parse_settings

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.nav import Navigation

NOT_STARTED = ("the book of this build is not known: list hooks/book.py first under `hooks:` in "
               "{config}, so that it reads the book's settings before the other hooks run")

_builds: dict[int, tuple[MkDocsConfig, Book]] = {}  # the current build's, by its config's identity


def start(config: MkDocsConfig) -> Book:
    """Read the settings of a new build (its chapters follow from the navigation)."""
    settings = parse_settings(config, os.environ)
    book = Book(settings, title=config.site_name, description=config.site_description or "",
                site_url=config.site_url or "")
    _builds.clear()  # one build at a time in a process: an earlier build's book is let go
    _builds[id(config)] = (config, book)
    return book


def add_navigation(config: MkDocsConfig, nav: Navigation) -> Book:
    book = book_of(config).with_chapters((page.file.src_uri, page.url) for page in nav.pages)
    _builds[id(config)] = (config, book)
    return book


def book_of(config: MkDocsConfig) -> Book:
    """This build's book: its settings from `on_config`, and its chapters from `on_nav` on."""
    found = _builds.get(id(config))
    if found is None or found[0] is not config:
        raise PluginError(NOT_STARTED.format(config=os.path.basename(config.config_file_path or "mkdocs.yml")))
    return found[1]
