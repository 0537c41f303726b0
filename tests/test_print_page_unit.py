"""The print page is rendered with the site's template environment, for the build's duration only."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from mkdocs.theme import Theme

import print_page


@pytest.mark.parametrize("end", ["on_post_build", "on_build_error"])
def test_the_theme_hands_out_the_sites_environment_until_the_build_ends(end: str) -> None:
    theme = Theme(name="mkdocs")
    config: Any = SimpleNamespace(theme=theme)
    site_env = theme.get_env()  # what MkDocs renders the pages with
    assert theme.get_env() is not site_env  # the theme's own get_env: a new one at each call

    site_env = print_page.on_env(site_env, config, files=None)  # type: ignore[arg-type]
    site_env.globals["book_pdf"] = "downloads/book.pdf"  # as hooks/pdf.py adds it in on_env
    assert theme.get_env() is site_env  # what print-site now renders its page with

    if end == "on_post_build":
        print_page.on_post_build(config)
    else:
        print_page.on_build_error(RuntimeError("the build failed"))
    fresh = theme.get_env()
    assert fresh is not site_env and "book_pdf" not in fresh.globals
