"""The print page is rendered with the site's template environment, for the build's duration only."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import mkdocs_print_site_plugin
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.theme import Theme
from mkdocs_print_site_plugin import urls as print_site_urls

from ebook.model import state
from ebook.site import print_page
from tests.helpers import book_config, page_html_path, soup
from tests.test_hooks_share_the_package import loaded_hooks


def print_page_hook() -> Any:
    """hooks/print_page.py as MkDocs loads it, new: as at the start of a `mkdocs build`."""
    return loaded_hooks()[1]["print_page"]


def started_build() -> tuple[Any, Any]:
    """The book's configuration with the `mkdocs` theme, its build started (hooks/book.py's
    `on_config`), and hooks/print_page.py, both as MkDocs loads them."""
    config, hooks = loaded_hooks()
    config.theme = Theme(name="mkdocs")
    hooks["book"].on_config(config)
    return config, hooks["print_page"]


@pytest.mark.parametrize("end", ["on_post_build", "on_build_error"])
def test_the_theme_hands_out_the_sites_environment_until_the_build_ends(end: str) -> None:
    config, hook = started_build()
    theme = config.theme
    site_env = theme.get_env()  # what MkDocs renders the pages with
    assert theme.get_env() is not site_env  # the theme's own get_env: a new one at each call

    site_env = hook.on_env(site_env, config, files=None)
    site_env.globals["book_pdf"] = "downloads/book.pdf"  # as ebook/pdf/ adds it in on_env
    assert theme.get_env() is site_env  # what print-site now renders its page with

    if end == "on_post_build":
        hook.on_post_build(config)
    else:
        hook.on_build_error(RuntimeError("the build failed"))
    fresh = theme.get_env()
    assert fresh is not site_env and "book_pdf" not in fresh.globals


def test_the_preview_shares_the_environment_again_for_a_rebuild_of_one_page() -> None:
    config, hook = started_build()
    site_env = hook.on_env(config.theme.get_env(), config, files=None)
    hook.on_post_build(config)  # the whole build ends
    shared = state.kept(config, print_page.SharedEnvironment)  # where ebook/preview/builder.py finds it
    assert shared is not None
    shared.share()  # the rebuild of one page, before the plugins' on_post_build
    assert config.theme.get_env() is site_env
    hook.on_post_build(config)
    assert config.theme.get_env() is not site_env
    later, _ = started_build()  # the next build: nothing of this one is handed out
    assert state.kept(later, print_page.SharedEnvironment) is None


def test_a_failure_before_the_environment_leaves_the_theme_alone() -> None:
    # on_build_error also follows a failure in on_config, before on_env has shared anything.
    print_page_hook().on_build_error(RuntimeError("the configuration failed"))


# --- The print page's anchor ids, line by line -----------------------------------------------


def print_sites_own_update_anchor_ids() -> Any:
    """print-site's update_anchor_ids as released, from a fresh copy of its module."""
    spec = importlib.util.find_spec("mkdocs_print_site_plugin.urls")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.update_anchor_ids


def test_print_site_is_the_release_the_anchor_ids_were_compared_with() -> None:
    # A new print-site release: compare again (the tests below), then update PRINT_SITE_COMPARED.
    assert mkdocs_print_site_plugin.__version__ == print_page.PRINT_SITE_COMPARED
    hook = print_page_hook()
    hook.on_config(SimpleNamespace())
    hook.on_config(SimpleNamespace())  # a second build of `mkdocs serve`
    patched = print_site_urls.update_anchor_ids
    assert patched.func is print_page.only_lines_with_ids  # type: ignore[attr-defined]
    released = patched.args[0]  # type: ignore[attr-defined]
    assert released.__module__ == "mkdocs_print_site_plugin.urls" and released.__name__ == "update_anchor_ids"


def test_anchor_ids_are_print_sites_own_on_every_page_of_the_book(site: Path) -> None:
    own = print_sites_own_update_anchor_ids()
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 5
    for path in pages:
        page_html = path.read_text(encoding="utf-8")
        expected = own(page_html, "chapters-a-page")
        assert 'id="chapters-a-page-' in expected or path.name == "404.html", path
        assert print_page.only_lines_with_ids(own, page_html, "chapters-a-page") == expected, path


HTML_BITS = ["<", ">", "h2", "li", "sup", "p", "div", " ", "\n", "\r", "\t", "id=\"", "ID=\"", "iD=\"",
             "\"", "x", "-", "=", "class=\"", "<h1 id=\"a\">", "<li id=\"fn:1\">", "<p>", "</p>",
             "<sup id=\"fnref:1\">", "<h3 class=\"c\" id=\"b\">", "id=\"\""]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(HTML_BITS), max_size=60), st.sampled_from(["index", "chapters-one"]))
def test_anchor_ids_are_print_sites_own_on_generated_html(bits: list[str], page_key: str) -> None:
    page_html = "".join(bits)
    own = print_sites_own_update_anchor_ids()
    assert print_page.only_lines_with_ids(own, page_html, page_key) == own(page_html, page_key)


def test_the_print_page_carries_the_books_licence_link_and_data_as_every_page_does(site: Path) -> None:
    """Its head, like a page's: the licence's link, and this edition as a schema.org Book based on
    the original, with its author, editors and licence (the home page's, which is the book's)."""
    page = soup(site / "print_page" / "index.html")
    home = soup(page_html_path(site, "index.md"))
    assert page.head.find("link", rel="license")["href"] == home.head.find("link", rel="license")["href"]
    (script,) = page.head.find_all("script", type="application/ld+json")
    data = json.loads(script.string)
    assert data == json.loads(home.head.find("script", type="application/ld+json").string)
    editors = book_config()["extra"]["book"].get("edition", {}).get("editors") or []
    assert data["@type"] == "Book" and data["author"]["name"]
    assert [person["name"] for person in data.get("editor", [])] == editors
    assert data["license"] == page.head.find("link", rel="license")["href"]
    assert data["isBasedOn"]["@type"] == "Book" and data["isBasedOn"]["url"].startswith("https://")
