"""The links of the navigation's sections are rendered once per folder instead of once per page.

Material writes the whole navigation into every page. In a book of 200 chapters that is 200
links on each of 200 pages: 40,000 renders of the same few lines of template, and a cost that
grows with the square of the book's length.

`overrides/partials/nav-item.html` is Material's own partial with one change: in a section's list,
each link to a page other than the one being rendered is kept in `nav_links` (a `NavLinks`, which
hooks/nav_links.py makes in `on_env`) and written again for every page that would render it the
same, without calling the partial's macro again. Such a link depends only on its page (its title
and front matter) and on its address, which MkDocs makes relative to the page being rendered
(`get_relative_url`): `reading_place` tells which pages get the same addresses. So every page is
Material's own, byte for byte: a test builds books both ways, with addresses as folders and as
files, and compares every file, and another test compares the partial with Material's release.

A whole build makes a new store. `make serve`'s rebuild of one page keeps the last build's: it
follows an edit of the page's body only, and an edit of a title or front matter rebuilds everything
(`ebook/preview/sources.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from mkdocs.structure.pages import Page

if TYPE_CHECKING:
    from mkdocs.structure.nav import Section


class ReadingPlace(NamedTuple):
    """Where a page reads other pages' addresses from (`reading_place`)."""

    folder: str
    beside: bool  # from beside `folder`, as one of its pages served as a folder ("guide/first/")


class NavLinks:
    """The rendered links of each section, for one build."""

    def __init__(self) -> None:
        # Each section's children as rendered from each reading place, None where not yet. By
        # id(): MkDocs' sections and pages cannot be hashed; each lives until the build ends, so
        # its id stays its own.
        self._links: dict[tuple[int, ReadingPlace], list[str | None]] = {}
        self._rendered: dict[tuple[int, int], frozenset[int]] = {}  # `_rendered_for`, by section and page

    def kept(self, section: Section, page: Any) -> list[str | None]:
        """What `page` (the page being rendered) can write of the section's children as kept:
        each child's link, or None where the macro renders it."""
        if not isinstance(page, Page):  # a template without a page (the 404 page)
            return [None] * len(section.children)
        links = self._kept_links(section, page).copy()
        for index in self._rendered_for(section, page):
            links[index] = None
        return links

    def keep(self, section: Section, page: Any, index: int, link: str) -> str:
        """`link`, the section's child at `index` rendered for `page`, kept for the pages that
        would render it the same (`kept`)."""
        if isinstance(page, Page) and index not in self._rendered_for(section, page):
            self._kept_links(section, page)[index] = link
        return link

    def _kept_links(self, section: Section, page: Page) -> list[str | None]:
        key = (id(section), reading_place(page.url))
        if key not in self._links:
            self._links[key] = [None] * len(section.children)
        return self._links[key]

    def _rendered_for(self, section: Section, page: Page) -> frozenset[int]:
        """The children the macro renders for `page` whatever is kept: its own link (active,
        with its contents), the pages below it, and what is not a page of the book: sections and
        links out of it, and anything holding pages of its own (Material's blog views), whose
        rendering depends on more than their address."""
        key = (id(section), id(page))
        if key not in self._rendered:
            place = reading_place(page.url)
            below = page.url if place.beside else None
            self._rendered[key] = frozenset(
                i for i, child in enumerate(section.children)
                if not isinstance(child, Page) or child is page or child.active
                or getattr(child, "pages", None)
                or (below is not None and child.url.startswith(below)))
        return self._rendered[key]


def reading_place(page_url: str) -> ReadingPlace:
    """Where the page at `page_url` reads the addresses of the pages it links to from: two pages
    with the same place get the same address for every page not below either of them.

    MkDocs makes an address relative to the page's folder: the page's own URL when it is served
    as a folder ("guide/first/"), the folder it is in when it is a file ("guide/first.html", as in
    the offline edition). The pages of one folder all read from it. Pages served as folders side
    by side ("guide/first/", "guide/second/") read alike too: an address leaves each by "../" and
    goes on the same way from their common folder ("guide"), unless it leads into the page's own
    folder, to a page below it.
    """
    folder, _, name = page_url.rpartition("/")
    if "." in name:  # a file: its folder
        return ReadingPlace(folder, beside=False)
    if not page_url.endswith("/"):  # the home page, "": the site's root
        return ReadingPlace(page_url, beside=False)
    return ReadingPlace(page_url[:-1].rpartition("/")[0], beside=True)
