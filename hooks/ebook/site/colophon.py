"""The footer's links to the pages about the book (overrides/partials/copyright.html).

Found once a build in the navigation: the template, searching every page of the book for them
on every page it renders, took time that grew with the square of the book's length.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

ABOUT_THE_BOOK = ("about.md", "accessibility.md")  # the pages every footer links to


def about_the_book(nav: Navigation) -> list[Page]:
    """The pages about the book that the navigation holds, in its order."""
    return [page for page in nav.pages if page.file.src_uri in ABOUT_THE_BOOK]
