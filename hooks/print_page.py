"""The print page: print-site renders it with the site's own template environment, its anchor
ids are made unique line by line, and its way back to the site's root is its own
(ebook/site/print_page.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ebook.site import print_page

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

_shared: print_page.SharedEnvironment | None = None  # this build's, from on_env until it ends


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    print_page.use_only_lines_with_ids()
    return config


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    global _shared
    if _shared is not None:
        _shared.restore()  # an earlier build's, had it ended without on_post_build
    _shared = print_page.share_environment(config, env)
    return env


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    if template_name == "404.html":
        print_page.print_page_context(config)
    return output_content


def on_post_build(config: MkDocsConfig) -> None:  # after print-site's: plugins run before hooks
    if _shared is not None:
        _shared.restore()


def on_build_error(error: Exception) -> None:
    if _shared is not None:
        _shared.restore()
