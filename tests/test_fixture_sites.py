"""Small fixture books under tests/fixtures/, built for real: overrides and bad configuration."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import build_fixture, page_html_path, soup


def test_front_matter_overrides_reach_the_built_pages(tmp_path: Path) -> None:
    result, site = build_fixture("attribution-overrides", tmp_path)
    assert result.returncode == 0, result.stderr

    home = soup(page_html_path(site, "index.md"))
    assert "adapted from the original work" in home.select_one(".book-attribution").get_text()
    assert home.head.find("link", rel="license")["href"] == "https://creativecommons.org/licenses/by/4.0/"

    adapted = soup(page_html_path(site, "chapters/adapted.md"))
    block = adapted.select_one(".book-attribution")
    assert "Active Listening for Peers" in block.get_text() and "Robin Example" in block.get_text()
    assert block.find("a", string="Active Listening for Peers")["href"] == "https://example.org/active-listening/"
    assert adapted.head.find("link", rel="license")["href"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    data = json.loads(adapted.head.find("script", type="application/ld+json").string)
    assert data["@type"] == "Chapter" and data["isBasedOn"]["name"] == "Active Listening for Peers"

    new = soup(page_html_path(site, "new.md"))
    assert "written for this edition by Sam Contributor and Alex Editor" in new.select_one(".book-attribution").get_text()
    assert new.head.find("link", rel="license")["href"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    # The original work is still credited on every page.
    for page in (home, adapted, new):
        assert "Jenn Cusick" in page.select_one(".book-attribution").get_text()


def test_unknown_licence_in_front_matter_stops_the_build(tmp_path: Path) -> None:
    result, site = build_fixture("bad-licence", tmp_path)
    assert result.returncode != 0
    assert "docs/index.md:6: front matter field 'attribution'.license: unknown licence 'MIT'" in result.stderr
    assert "CC-BY-4.0" in result.stderr  # the message lists what to use instead
    assert not page_html_path(site, "index.md").exists()


def test_missing_book_author_stops_the_build(tmp_path: Path) -> None:
    result, _ = build_fixture("missing-author", tmp_path)
    assert result.returncode != 0
    assert "mkdocs.yml: extra.book.author is missing" in result.stderr


def test_markup_in_front_matter_shows_as_text_and_never_runs(tmp_path: Path) -> None:
    result, site = build_fixture("hostile-metadata", tmp_path)
    assert result.returncode == 0, result.stderr
    page = soup(page_html_path(site, "index.md"))
    block = page.select_one(".book-attribution")
    assert block.find("script") is None and block.find("img") is None
    assert "<script>window.pwned = 1</script>Evil title" in block.get_text()
    assert "<img src=x onerror=alert(1)>Mallory" in block.get_text()
    # No script anywhere in the page carries the injected code.
    for script in page.find_all("script"):
        assert "pwned" not in (script.get("src") or "")
        if script.get("type") == "application/ld+json":
            json.loads(script.string)  # still valid JSON: nothing broke out
        else:
            assert "alert(" not in (script.string or "")
