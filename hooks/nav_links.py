"""Navigation links: each link of a section in Material's navigation is rendered once for all the
pages that show it the same, not once per page (overrides/partials/nav-item.html; the store is
ebook/site/nav_links.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ebook.site import nav_links

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    env.globals["nav_links"] = nav_links.NavLinks()  # a new one for each build
    return env
