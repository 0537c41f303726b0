"""The book as the Pages workflow builds it: with its address and its repository set.

.github/workflows/pages.yml sets SITE_URL, REPO_URL and EDIT_URI (tests/test_github.py checks
that it does); here the real build runs with the same values.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import ROOT, mkdocs_build, page_html_path, soup
from tests.test_site import _resource_hosts

SITE_URL = "https://example.github.io/peer-support/"
REPO_URL = "https://github.com/example/peer-support"
CHAPTER = "chapters/connection-disconnection-reconnection.md"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("published") / "site"
    env = {"SITE_URL": SITE_URL, "REPO_URL": REPO_URL, "EDIT_URI": "edit/main/docs/"}
    result = mkdocs_build(ROOT / "mkdocs.yml", site, env=env)
    assert result.returncode == 0, result.stderr
    return site


def test_edit_this_page_opens_the_chapter_in_githubs_web_editor(published: Path) -> None:
    page = soup(page_html_path(published, CHAPTER))
    edit = page.find("a", rel="edit")
    assert edit["href"] == f"{REPO_URL}/edit/main/docs/{CHAPTER}"


def test_pages_have_their_published_address(published: Path) -> None:
    page = soup(page_html_path(published, CHAPTER))
    assert page.find("link", rel="canonical")["href"] == SITE_URL + "chapters/connection-disconnection-reconnection/"
    assert SITE_URL + "chapters/connection-disconnection-reconnection/" in (published / "sitemap.xml").read_text()


def test_repository_link_asks_nothing_of_githubs_api(published: Path) -> None:
    for path in published.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert 'data-md-component="source"' not in html, path
    header_link = soup(page_html_path(published, "index.md")).select_one("header a.md-source")
    assert header_link["href"] == REPO_URL
    assert _resource_hosts(published) == {}
