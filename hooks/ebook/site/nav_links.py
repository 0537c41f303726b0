"""The navigation's links are rendered once per address instead of once per page.

Material writes the whole navigation into every page. In a book of 200 chapters that is 200
links on each of 200 pages: 40,000 renders of the same few lines of template, about half a second
of every build, and a cost that grows with the square of the book's length.

`overrides/partials/nav-item.html` is Material's own partial with one change: the link to a page
other than the one being rendered is kept in `nav_links` (a `NavLinks`, which hooks/nav_links.py
makes for each build), keyed by the navigation item, its class and its address relative to the
page being rendered, and written again wherever the same item has the same class and address
(every page of the same folder). What the link shows depends on nothing else, so every page is
Material's own, byte for byte: a test builds a book both ways and compares every file, and
another test compares the partial with Material's release.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.structure.nav import Link, Section
    from mkdocs.structure.pages import Page

    NavItem = Page | Section | Link


class NavLinks:
    """Rendered navigation links, for one build (a new one in each build of `mkdocs serve`)."""

    def __init__(self) -> None:
        # id(): MkDocs' pages compare by title and file and cannot be hashed; every item lives
        # until the build ends, so its id stays its own.
        self._links: dict[tuple[int, str, str], str] = {}

    def get(self, item: NavItem, css_class: str, href: str) -> str | None:
        return self._links.get((id(item), css_class, href))

    def keep(self, item: NavItem, css_class: str, href: str, link: str) -> str:
        self._links[(id(item), css_class, href)] = link
        return link

