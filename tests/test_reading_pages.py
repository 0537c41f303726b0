"""The pages of their own, in a real browser: the home page as the book's landing, the 404 page
(served for a missing address, and opened from the offline edition's folder) and the print
page, at 320, 390 and 1280 CSS pixels in both colour schemes."""

from __future__ import annotations

import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browsing import address_of, reader, settle
from tests.helpers import ROOT, book_config, chapter_pages, nav_titles, normalise
from tests.test_browser import AXE_TAGS, SITE_NAME, new_page
from tests.test_html_valid import vnu_errors

# Phones held upright (320: the narrowest, as tests/test_browser.py has it; 390: the most common)
# and a laptop; the fold is the bottom of the first screen.
SCREENS = {320: 640, 390: 844, 1280: 800}
SCHEMES = ["light", "dark"]
NOT_FOUND_HEADING = "This page is not in the book"
NOT_FOUND_TITLE = f"Page not found – {SITE_NAME}"
# Only pages.css sets these on the 404 page: their computed values say the site's own styles loaded.
OWN_STYLE = ".book-not-found__ways", "list-style-type", "none"
THEME_STYLE = ".md-header", "position", "sticky"  # and these say Material's did


def chapters_index() -> str:
    return book_config()["extra"]["book"]["chapters_dir"] + "/index.md"


def heading_text(text: str) -> str:
    """A heading as it reads, without its permalink."""
    return normalise(text.replace("¶", ""))


def computed(page: Page, selector: str, prop: str) -> str:
    return str(page.eval_on_selector(selector, f"e => getComputedStyle(e).getPropertyValue('{prop}')"))


# --- The home page ------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", list(SCREENS))
def test_start_reading_leads_to_the_first_chapter_above_the_fold_before_any_download(
        browser: Browser, site_address: str, width: int, scheme: str) -> None:
    with reader(browser, width, scheme, height=SCREENS[width]) as page:
        page.goto(site_address, wait_until="load")
        settle(page)
        start = page.locator("article").get_by_role("link", name="Start reading", exact=True)
        expect(start).to_have_count(1)
        expect(start).to_be_in_viewport(ratio=1)  # whole, on the first screen
        box = start.bounding_box()
        assert box is not None and box["y"] + box["height"] <= SCREENS[width]
        assert box["height"] >= 44 and box["width"] >= 200, box  # the page's widest target
        assert start.evaluate("a => a.href") == site_address + address_of(chapter_pages()[0])
        # No download comes first, in the page (shown or not) or on the screen.
        downloads_before = page.evaluate("""start => [...document.querySelectorAll('a[data-download], a.book-download')]
            .filter(a => (a.compareDocumentPosition(start) & Node.DOCUMENT_POSITION_FOLLOWING)
                         || a.getBoundingClientRect().top < start.getBoundingClientRect().top)
            .map(a => a.textContent.trim())""", start.element_handle())
        assert downloads_before == []
        # The way in, then the formats, then the ways to take part.
        headings = [heading_text(h) for h in page.locator("article h2").all_inner_texts()]
        formats = next(i for i, h in enumerate(headings) if h.startswith("Take the book"))
        assert headings.index("Take part") > formats


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", list(SCREENS))
def test_the_home_page_credits_the_original_between_the_title_and_the_way_in(
        browser: Browser, site_address: str, width: int, scheme: str) -> None:
    original = book_config()["extra"]["book"]
    with reader(browser, width, scheme, height=SCREENS[width]) as page:
        page.goto(site_address, wait_until="load")
        settle(page)
        assert heading_text(page.locator("article h1").inner_text()) == SITE_NAME
        credit = page.locator("article h1 ~ p", has_text="Adapted from").first
        expect(credit).to_be_in_viewport()
        text = normalise(credit.inner_text())
        for fact in (original["title"], original["author"], original["publisher"], str(original["year"]), "CC BY 4.0"):
            assert fact in text, fact
        assert credit.get_by_role("link", name=original["title"]).get_attribute("href") == original["source_url"]
        order = page.evaluate("""credit => {
            const start = [...document.querySelectorAll('article a')].find(a => a.textContent.trim() === 'Start reading');
            const h1 = document.querySelector('article h1');
            return [h1.compareDocumentPosition(credit), credit.compareDocumentPosition(start)]
              .every(p => p & Node.DOCUMENT_POSITION_FOLLOWING);
        }""", credit.element_handle())
        assert order


def test_the_home_page_names_the_boxes_as_the_chapters_title_them() -> None:
    home = (Path(__file__).parents[1] / "docs" / "index.md").read_text(encoding="utf-8")
    for chapter in chapter_pages():
        source = (Path(__file__).parents[1] / "docs" / chapter).read_text(encoding="utf-8")
        for line in source.splitlines():
            if line.startswith(("!!! ", "??? ")) and '"' in line:
                title = line.split('"')[1]
                shown = title.split(":")[0] + ":" if title.startswith("Example:") else title
                assert f"**{shown}" in home, title
    assert "Consider this" not in home


# --- The 404 page -------------------------------------------------------------------------------


@pytest.mark.parametrize("base_url, path, stylesheet", [
    ("/", "a/b/missing/", "/fonts/"),  # the 404 page of a build without SITE_URL
    ("/book", "book/a/missing/", "/book/fonts/"), ("..", "chapters/", "/fonts/"), (".", "", "/fonts/"),
])
def test_a_chosen_typeface_is_asked_for_from_the_sites_own_fonts_folder(
        browser: Browser, base_url: str, path: str, stylesheet: str) -> None:
    """Not from "//fonts/…", which a browser reads as another host named "fonts"."""
    templates = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "overrides"))
    script = templates.get_template("partials/javascripts/reading-settings.html").render(base_url=base_url)
    document = f"<!doctype html><html><head>{script}</head><body></body></html>"
    with new_page(browser) as page:
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        page.route("**/*", lambda route: route.fulfill(
            status=200, content_type="text/html" if route.request.resource_type == "document" else "text/css",
            body=document if route.request.resource_type == "document" else ""))
        page.add_init_script('localStorage.setItem("book-reading-settings", \'{"typeface": "opendyslexic"}\')')
        page.goto(f"http://book.test/{path}")
        assert f"http://book.test{stylesheet}opendyslexic/opendyslexic.css" in asked, asked


def check_not_found_page(page: Page) -> None:
    """What a reader of the 404 page gets, served or opened as a file: its heading and tab title,
    its own styles and the theme's, and links home and to the chapters that lead there."""
    expect(page.get_by_role("heading", level=1)).to_have_text(NOT_FOUND_HEADING)
    expect(page).to_have_title(NOT_FOUND_TITLE)
    assert computed(page, *OWN_STYLE[:2]) == OWN_STYLE[2]
    assert computed(page, *THEME_STYLE[:2]) == THEME_STYLE[2]
    article = page.locator("article")
    expect(article).to_contain_text("mistyped")
    for name in ("The home page", "The chapters", "Search the book"):
        expect(article.get_by_role("link", name=name)).to_be_visible()


def link_target(page: Page, name: str) -> str:
    return str(page.locator("article").get_by_role("link", name=name).evaluate("a => a.href"))


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", list(SCREENS))
def test_a_missing_address_at_any_depth_gets_a_way_back_into_the_book(
        browser: Browser, site_address: str, width: int, scheme: str) -> None:
    for missing in ("no-such-page/", "chapters/no-such-chapter/deeper/"):
        with reader(browser, width, scheme, height=SCREENS[width]) as page:
            response = page.goto(site_address + missing, wait_until="load")
            settle(page)
            assert response is not None and response.status == 404
            check_not_found_page(page)
            assert link_target(page, "The home page") == site_address
            assert link_target(page, "The chapters") == site_address + address_of(chapters_index())
            for name in ("The home page", "The chapters"):
                landed = page.request.get(link_target(page, name))
                assert landed.status == 200, name
            # "Search the book" opens the search, ready to type in.
            page.locator("article").get_by_role("link", name="Search the book").click()
            page.wait_for_url(site_address + "?q=")
            expect(page.get_by_role("textbox", name="Search")).to_be_focused()


@pytest.fixture(scope="module")
def offline_folder(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline edition, unzipped as a reader would."""
    (zip_path,) = (site / "downloads").glob("*-offline.zip")
    target = tmp_path_factory.mktemp("offline-404")
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(target)
    (folder,) = target.iterdir()
    return folder


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", list(SCREENS))
def test_the_offline_editions_404_page_works_opened_from_its_folder(
        browser: Browser, offline_folder: Path, width: int, scheme: str) -> None:
    with reader(browser, width, scheme, height=SCREENS[width]) as page:
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto((offline_folder / "404.html").as_uri(), wait_until="load")
        check_not_found_page(page)
        assert failed == []
        home = offline_folder / "index.html"
        chapters = offline_folder / Path(chapters_index()).with_suffix(".html")  # pages are files there
        assert Path(unquote(urlsplit(link_target(page, "The home page")).path)) == home
        assert Path(unquote(urlsplit(link_target(page, "The chapters")).path)) == chapters
        assert home.is_file() and chapters.is_file()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_offline_404_page_passes_axe_and_the_html_checker(
        browser: Browser, offline_folder: Path, scheme: str) -> None:
    with reader(browser, 390, scheme, height=SCREENS[390]) as page:
        page.goto((offline_folder / "404.html").as_uri(), wait_until="load")
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
        assert [v["id"] for v in results.response["violations"]] == []
    assert vnu_errors([offline_folder / "404.html"]) == []


# --- The print page -----------------------------------------------------------------------------

SAME_HEADING_TWICE = """() => {
    const texts = [...document.querySelectorAll('article :is(h1, h2, h3, h4, h5, h6)')]
        .filter(h => h.getClientRects().length > 0)
        .map(h => h.textContent.replace('¶', '').trim());
    return texts.filter((t, i) => i > 0 && t === texts[i - 1]);
}"""
# Each page of the print page from the previous one's last line to its own title, in pixels.
GAPS = """() => [...document.querySelectorAll('#print-site-page section.print-page[id]:not(.md-section)')]
    .map(section => {
        const previous = section.previousElementSibling
            || section.parentElement.closest('section.md-section')?.previousElementSibling;
        if (!previous || !previous.matches('section[id]')) return null;
        const last = [...previous.querySelectorAll('p, li, h1, h2, h3, div')].filter(e => e.getClientRects().length).pop();
        return section.querySelector('h1').getBoundingClientRect().top - last.getBoundingClientRect().bottom;
    }).filter(gap => gap !== null)"""


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", list(SCREENS))
def test_the_print_page_says_each_title_once_and_parts_its_pages(
        browser: Browser, site_address: str, width: int, scheme: str) -> None:
    titles = set(nav_titles().values())
    with reader(browser, width, scheme, height=SCREENS[width]) as page:
        page.goto(site_address + "print_page/", wait_until="load")
        settle(page)
        assert page.evaluate(SAME_HEADING_TWICE) == []
        headings = [heading_text(h) for h in page.locator("#print-site-page h1").all_inner_texts()]
        for title in titles & set(headings):
            assert headings.count(title) == 1, title
        # The table of contents names no entry the same as the one it sits under.
        toc_doubles = page.evaluate("""() => [...document.querySelectorAll('.md-nav--secondary li > nav')]
            .filter(nav => nav.previousElementSibling?.textContent.trim()
                           === nav.querySelector('a')?.textContent.trim())
            .map(nav => nav.previousElementSibling.textContent.trim())""")
        assert toc_doubles == []
        gaps = page.evaluate(GAPS)
        assert gaps and min(gaps) >= 64, gaps  # more than a paragraph's space: a break
