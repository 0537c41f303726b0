"""The downloads as a reader meets them on a phone and on a desktop, in both colour schemes: the
facilitators' list of every download and each chapter's links, in the real book served at
`site_address` (tests/conftest.py). Titles, counts and sizes are read from the built site."""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browsing import address_of, goto, reader, scrolls_sideways
from tests.helpers import chapter_pages

FACILITATORS = "facilitators/"
WIDTHS = [320, 390, 1280]
SCHEMES = ["light", "dark"]
# What each kind of download is called (ebook/downloads.py); a chapter's adds its title.
KIND_NAMES = {"book": "Whole book", "epub": "E-book", "offline": "Offline edition",
              "handout": "Handout", "worksheet": "Worksheet"}
FILE_TYPES = {".pdf": "PDF", ".epub": "EPUB", ".zip": "ZIP"}
SIZE = r"\d+(?:\.\d)? (?:bytes|KB|MB)"
PRINT_PAGE_LINK = "The whole book on one page, to print from your browser"


def chapter_paths() -> list[str]:
    return [address_of(src) for src in chapter_pages()]


@contextmanager
def opened(browser: Browser, address: str, path: str, width: int, scheme: Any) -> Iterator[Page]:
    with reader(browser, width, scheme) as page:
        goto(page, address, path)
        yield page


def index(page: Page, address: str) -> list[dict[str, Any]]:
    """The built site's own list of its downloads."""
    response = page.request.get(address + "downloads/index.json")
    assert response.status == 200
    files: list[dict[str, Any]] = response.json()["files"]
    return files


def about(entry: dict[str, Any]) -> str:
    """A pattern of what a link says of a file: "PDF, 3 pages, 61 KB", "EPUB, 8 KB"."""
    kind = FILE_TYPES[Path(entry["path"]).suffix]
    pages = "" if entry["pages"] is None else rf", {entry['pages']} pages?"
    return rf"{kind}{pages}, {SIZE}"


def expect_shown_whole(locator: Locator) -> None:
    """Visible, all of it on the screen once scrolled to (nothing cut or off to the side: the
    page does not scroll sideways, which each test checks first)."""
    locator.scroll_into_view_if_needed()
    expect(locator).to_be_visible()
    left, right, top, bottom, width, height = locator.evaluate(
        "e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom, innerWidth, innerHeight]; }")
    # Layout in fractions of a pixel may put an edge a fraction out of the screen: a pixel is
    # the margin, far less than any text cut off.
    assert left >= -1 and right <= width + 1 and top >= -1 and bottom <= height + 1, (left, right, top, bottom)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_facilitators_list_names_every_download_and_fits_the_screen(
        browser: Browser, site_address: str, width: int, scheme: str) -> None:
    with opened(browser, site_address, FACILITATORS, width, scheme) as page:
        assert scrolls_sideways(page) <= 0, f"the facilitators' page scrolls sideways at {width}px"
        listing = page.locator(".book-downloads-list")
        assert listing.locator("table").count() == 0
        files = index(page, site_address)
        assert files
        links = listing.locator("a.book-download")
        expect(links).to_have_count(len(files))
        for entry in files:
            link = listing.locator(f'a[href$="{entry["path"]}"]')
            expect(link).to_have_count(1)
            name = KIND_NAMES[entry["kind"]]
            if entry["page_url"]:  # a chapter's: the chapter's title, in the link itself
                name += ": " + entry["title"]
            # The link read alone (a screen reader's list of links) says what it leads to.
            expect(link).to_have_accessible_name(re.compile(rf"^{re.escape(name)} \({about(entry)}\)$"))
            # Pages and size shown, whole, on the screen.
            shown = link.locator(".book-download__about")
            expect(shown).to_have_text(re.compile(rf"^\({about(entry)}\)$"))
            expect_shown_whole(shown)
            expect_shown_whole(link)
        # A card for each chapter, headed by its title, which leads to the chapter.
        cards = listing.locator(".book-download-card")
        expect(cards).to_have_count(len(chapter_pages()))
        titles = list(dict.fromkeys(entry["title"] for entry in files if entry["page_url"]))
        expect(cards.get_by_role("heading", level=4)).to_have_text(titles)
        for card, path in zip(cards.all(), chapter_paths()):
            assert card.get_by_role("link").first.get_attribute("href") == "../" + path
            expect_shown_whole(card)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_facilitators_page_links_to_the_print_page(browser: Browser, site_address: str, width: int, scheme: str) -> None:
    with opened(browser, site_address, FACILITATORS, width, scheme) as page:
        link = page.get_by_role("link", name=PRINT_PAGE_LINK, exact=True)
        expect(link).to_have_count(1)
        expect_shown_whole(link)
        link.click()
        page.wait_for_url(re.compile(r"/print_page/$"))
        expect(page.locator("#print-site-page")).to_be_attached()
        response = page.request.get(page.url)
        assert response.status == 200


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", chapter_paths())
def test_a_chapters_links_say_what_each_file_is(browser: Browser, site_address: str, path: str, width: int, scheme: str) -> None:
    with opened(browser, site_address, path, width, scheme) as page:
        assert scrolls_sideways(page) <= 0, f"{path} scrolls sideways at {width}px"
        files = {entry["path"]: entry for entry in index(page, site_address)}
        links = page.get_by_role("navigation", name="Downloads").get_by_role("link")
        names = {"book": "Whole book", "handout": "Handout: this chapter",
                 "worksheet": "Worksheet: this chapter's reflection"}
        hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('data-download'))")
        kinds = [files[href]["kind"] for href in hrefs]
        assert kinds[:2] == ["book", "handout"] and kinds[2:] in ([], ["worksheet"])
        slug = path.rstrip("/").rsplit("/", 1)[-1]
        for link, href in zip(links.all(), hrefs):
            entry = files[href]
            assert entry["kind"] == "book" or entry["page_url"].rstrip("/").endswith(slug)
            expect(link).to_have_accessible_name(re.compile(rf"^{re.escape(names[entry['kind']])} \({about(entry)}\)$"))
            expect_shown_whole(link.locator(".book-download__about"))
            expect_shown_whole(link)


def test_every_download_on_the_facilitators_page_is_reached_by_the_keyboard(browser: Browser, site_address: str) -> None:
    with opened(browser, site_address, FACILITATORS, 390, "light") as page:
        wanted = set(page.locator(".book-downloads-list a").evaluate_all("links => links.map(a => a.href)"))
        reached: set[str] = set()
        for _ in range(200):
            page.keyboard.press("Tab")
            reached.add(page.evaluate("document.activeElement.href || ''"))
            if wanted <= reached:
                break
        assert wanted - reached == set()
