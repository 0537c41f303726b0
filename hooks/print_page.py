"""The print page: print-site renders it with the site's own template environment.

print-site's `on_post_build` asks the theme for a new Jinja environment (`config.theme.get_env()`)
to render its combined page. That new environment lacks what hooks add to the site's in
`on_env` (the book's "Download PDF" link, `hooks/pdf.py`), so the print page went without it,
and it compiles Material's templates a second time (a quarter of a second in every build).

From `on_env` until the build ends, the theme hands out the environment MkDocs renders the pages
with. MkDocs asks for its environment once, before `on_env`, so only print-site is served the
shared one. No option of print-site or MkDocs does this; the theme's own `get_env` is back in
place after the build, or when it fails.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.theme import Theme

_theme: Theme | None = None  # the theme whose get_env hands out the site's environment


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    global _theme
    restore_theme()
    _theme = config.theme
    share_environment(_theme, env)
    return env


def on_post_build(config: MkDocsConfig) -> None:  # after print-site's: plugins run before hooks
    restore_theme()


def on_build_error(error: Exception) -> None:
    restore_theme()


def share_environment(theme: Theme, env: jinja2.Environment) -> None:
    """Make `theme.get_env()` return `env` (an attribute of this theme object alone)."""
    theme.get_env = lambda: env  # type: ignore[method-assign]


def restore_theme() -> None:
    global _theme
    if _theme is not None:
        vars(_theme).pop("get_env", None)  # the class's own method shows through again
        _theme = None
