"""The links of the navigation's sections are rendered once per folder instead of once per page.

Material writes the whole navigation into every page. In a book of 200 chapters that is 200
links on each of 200 pages: 40,000 renders of the same few lines of template, and a cost that
grows with the square of the book's length.

`overrides/partials/nav-item.html` is Material's own partial with one change: in a section's list,
each link to a page other than the one being rendered is kept in `nav_links` (a `NavLinks`, which
hooks/nav_links.py makes for each build) and written again for every page that would render it
the same, without calling the partial's macro again. Such a link depends only on its page and on
its address, which MkDocs makes relative to the page being rendered (`get_relative_url`);
`reading_place` says which pages give the same address. So every page is Material's own, byte for
byte: a test builds books both ways, with addresses as folders and as files, and compares every
file, and another test compares the partial with Material's release.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mkdocs.structure.pages import Page

if TYPE_CHECKING:
    from mkdocs.structure.nav import Section


class NavLinks:
    """The rendered links of each section, for one build (a new one in each build of `make serve`)."""

    def __init__(self) -> None:
        # Each section's children as rendered from each reading place, None where not yet. By
        # id(): MkDocs' sections and pages cannot be hashed; each lives until the build ends, so
        # its id stays its own.
        self._lists: dict[tuple[int, tuple[str, str]], list[str | None]] = {}
        self._own: dict[tuple[int, int], frozenset[int]] = {}  # `_rendered_for`, once per page

    def kept(self, section: Section, page: Any) -> list[str | None]:
        """What `page` (the page being rendered) can write of the section's children as kept:
        each child's link, or None where the macro renders it."""
        if not isinstance(page, Page):  # a template without a page (the 404 page)
            return [None] * len(section.children)
        links = self._links(section, page).copy()
        for index in self._rendered_for(section, page):
            links[index] = None
        return links

    def keep(self, section: Section, page: Any, index: int, link: str) -> str:
        """`link`, the section's child at `index` rendered for `page`, kept for the pages that
        would render it the same (`kept`)."""
        if isinstance(page, Page) and index not in self._rendered_for(section, page):
            self._links(section, page)[index] = link
        return link

    def _links(self, section: Section, page: Page) -> list[str | None]:
        key = (id(section), reading_place(page.url))
        if key not in self._lists:
            self._lists[key] = [None] * len(section.children)
        return self._lists[key]

    def _rendered_for(self, section: Section, page: Page) -> frozenset[int]:
        """The children the macro renders for `page` whatever is kept: its own link (active,
        with its contents), the pages below it, sections and links out of the book (whose
        rendering depends on more than their address)."""
        key = (id(section), id(page))
        if key not in self._own:
            below = page.url if reading_place(page.url)[0] == "beside" else None
            self._own[key] = frozenset(
                i for i, child in enumerate(section.children)
                if not isinstance(child, Page) or child is page or child.active
                or (below is not None and child.url.startswith(below)))
        return self._own[key]


def reading_place(page_url: str) -> tuple[str, str]:
    """Where the page at `page_url` reads the other pages' addresses from: two pages with the
    same place get the same address from `get_relative_url` for every page not below them.

    MkDocs makes an address relative to the folder of `page_url`: the URL itself when it is a
    folder ("guide/first/"), its folder when it names a file ("guide/first.html", the offline
    edition's). Every page of a folder reads from the same place. So, at the same depth, do the
    pages beside each other as folders ("guide/first/", "guide/second/"): an address leaves such
    a page by "../" and goes on the same way from their common folder, unless it leads into the
    page's own folder (a page below it).
    """
    folder, _, name = page_url.rpartition("/")
    if "." in name:  # a file: its folder
        return ("in", folder)
    if not page_url.endswith("/"):  # the home page, "": the site's root
        return ("in", page_url)
    return ("beside", page_url[:-1].rpartition("/")[0])
