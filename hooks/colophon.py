"""The footer's links to the pages about the book, found once a build (ebook/site/colophon.py)
and given to every template, the 404 and print pages' too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ebook.site import colophon

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

_about: list[Page] = []  # this build's


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    global _about
    _about = colophon.about_the_book(nav)
    return nav


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    env.globals["about_the_book"] = _about
    return env
