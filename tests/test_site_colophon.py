"""The footer of every page links to the pages about the book (overrides/partials/copyright.html,
hooks/colophon.py): the 404 page and the print page too, in the navigation's order and titles."""

from __future__ import annotations

import posixpath
from pathlib import Path

from tests.helpers import nav_titles, page_html_path, reading_order, soup

ABOUT_THE_BOOK = {"about.md", "accessibility.md"}  # what the footer is meant to offer


def target(site: Path, page: Path, href: str) -> Path:
    """The file a link of `page` leads to: relative to the page, or from the site's root."""
    if href.startswith("/"):
        path = href
    else:
        path = posixpath.join("/" + page.parent.relative_to(site).as_posix(), href)
    resolved = site / posixpath.normpath(path).lstrip("/")
    return resolved / "index.html" if href.endswith("/") or resolved.is_dir() else resolved


def test_every_page_footer_links_to_the_pages_about_the_book(site: Path) -> None:
    titles = nav_titles()
    expected = [(titles[p], page_html_path(site, p)) for p in reading_order() if p in ABOUT_THE_BOOK]
    assert expected, "the navigation holds the pages about the book"
    pages = [page_html_path(site, p) for p in reading_order()] + [site / "404.html", site / "print_page/index.html"]
    for page in pages:
        links = soup(page).select(".book-colophon__links a[href]")
        found = [(a.get_text(strip=True), target(site, page, str(a["href"])).resolve()) for a in links]
        assert found == [(title, path.resolve()) for title, path in expected], page.relative_to(site)
