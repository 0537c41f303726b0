"""The book: its settings and chapters, read once per build for every other hook. Listed first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkdocs.plugins import event_priority

from ebook.model import state

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation


def on_startup(command: str, dirty: bool) -> None:
    state.start_process(command)


# Priority 100: the settings and switches are checked before any plugin's on_config reads them
# (print-site's reads SOURCE_DATE_EPOCH, and fails on a wrong one with a traceback).
@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    state.start(config)
    return config


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    state.add_navigation(config, nav)
    return nav
