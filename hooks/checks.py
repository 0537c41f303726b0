"""Chapter checks: a contributor's mistake stops the build with every problem listed at once.

Entry points only: the logic is in ebook/checks/ (each build's run: ebook/checks/run.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkdocs.plugins import event_priority

from ebook.checks.run import CheckRun
from ebook.model import state

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

_run: CheckRun | None = None  # this build's checks


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _run
    if _run is not None:
        _run.close()  # an earlier build of the same process (mkdocs serve) stopped early
    # Kept in the state too, where the preview's rebuild of one page finds it.
    _run = state.keep(config, CheckRun(config, state.book_of(config), serving=state.serving()))
    return config


def on_pre_build(config: MkDocsConfig) -> None:
    assert _run is not None
    _run.pre_build(config)


# Priority 100: see exactly what Python-Markdown made of the contributor's Markdown, before
# other plugins and hooks add their own (trusted) markup.
@event_priority(100)
def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    assert _run is not None
    return _run.page_content(html, page, config)


# Priority 100: the verdict comes before other plugins' on_env does any work for the site.
@event_priority(100)
def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    assert _run is not None
    _run.env(config, files)
    return env
