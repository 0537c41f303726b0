"""The book: its settings and chapters, read once per build for every other hook. Listed first."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from mkdocs.plugins import event_priority
from mkdocs.utils import DuplicateFilter

from ebook.model import state

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation


def on_startup(command: str, dirty: bool) -> None:
    state.start_process(command)
    if command == "serve":
        # MkDocs prints a message once per process: a preview whose every rebuild fails the same
        # way would say why only the first time. The writer needs the reason each time.
        build_log = logging.getLogger("mkdocs.commands.build")
        for repeated in [f for f in build_log.filters if isinstance(f, DuplicateFilter)]:
            build_log.removeFilter(repeated)


# Priority 100: the settings and switches are checked before any plugin's on_config reads them
# (print-site's reads SOURCE_DATE_EPOCH, and fails on a wrong one with a traceback).
@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    state.start(config)
    return config


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    state.add_navigation(config, nav)
    return nav
