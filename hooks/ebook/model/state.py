"""The book of the build under way, made once per build and read by every hook.

`hooks/book.py`, listed first in mkdocs.yml, starts each build: it reads the settings in
`on_config` and the chapters in `on_nav`. A build is known by its configuration object:
`mkdocs serve` loads the configuration again for every rebuild, so nothing of an earlier build
is ever read by a later one.

The package's one piece of state, and on purpose: MkDocs gives each hook file a module of its
own, so the hooks can share what they all read (the book, and whether this process serves a
preview) only through a module of the package, which every hook imports as the same object.

A hook's object for one build that code outside MkDocs' events works on (the preview's rebuild
of one page, ebook/preview/builder.py) is kept here too, by its type: the checks' `CheckRun`, the
`Journal`, the print page's `SharedEnvironment` (`keep`, `kept`). A new build forgets them.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, TypeVar

from mkdocs.exceptions import PluginError

from ebook.model.book import Book
from ebook.model.settings import config_name, parse_settings

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.nav import Navigation

NOT_STARTED = ("the book of this build is not known: list hooks/book.py first under `hooks:` in "
               "{config}, so that it reads the book's settings before the other hooks run")

NO_FILE = ("-f -: the configuration was read from standard input, but the book needs its file (the "
           "checks read it, and the offline edition is built from it): name the file instead, e.g. "
           "`mkdocs build -f mkdocs.yml`.")

_current: tuple[MkDocsConfig, Book] | None = None  # the build under way: its configuration, its book
_serving = False  # this process previews the book (`mkdocs serve`), for every build it makes
_kept: dict[type[Any], Any] = {}  # the build under way's objects kept by the hooks, by type (see keep)

Kept = TypeVar("Kept")


def start_process(command: str) -> None:
    """MkDocs' command (`build`, `serve`, `gh-deploy`), told once per process."""
    global _serving
    _serving = command == "serve"


def serving() -> bool:
    """Whether this process serves a preview: problems are listed and the preview goes on, and
    MkDocs' live reload runs an inline script."""
    return _serving


def start(config: MkDocsConfig) -> Book:
    """Read the settings of a new build (its chapters follow from the navigation)."""
    global _current
    if not config.config_file_path:
        raise PluginError(NO_FILE)
    settings = parse_settings(config, os.environ)
    book = Book(settings, title=config.site_name, description=config.site_description or "",
                site_url=config.site_url or "")
    _current = (config, book)  # an earlier build's book is let go
    _kept.clear()  # and its hooks' objects
    return book


def add_navigation(config: MkDocsConfig, nav: Navigation) -> Book:
    global _current
    book = book_of(config).with_chapters((page.file.src_uri, page.url) for page in nav.pages)
    _current = (config, book)
    return book


def book_of(config: MkDocsConfig) -> Book:
    """This build's book: its settings from `on_config`, and its chapters from `on_nav` on."""
    if _current is None or _current[0] is not config:
        raise PluginError(NOT_STARTED.format(config=config_name(config)))
    return _current[1]


def keep(config: MkDocsConfig, value: Kept) -> Kept:
    """Keep a hook's object for this build (one of each type; from `on_config` on), where `kept`
    finds it."""
    book_of(config)  # the build must have started
    _kept[type(value)] = value
    return value


def kept(config: MkDocsConfig, kind: type[Kept]) -> Kept | None:
    """This build's object of type `kind` (not a subclass), or None if no hook kept one (its hook
    is not listed, or its event has not come yet)."""
    book_of(config)  # an earlier build's objects are never handed out
    value = _kept.get(kind)
    return value if isinstance(value, kind) else None
