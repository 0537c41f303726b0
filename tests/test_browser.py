"""The reading site in a real browser: the system Chromium, driven by Playwright, on the published
build served from 127.0.0.1 (fixtures in tests/conftest.py). What a reader does and notices."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import quote_plus, urljoin, urlsplit

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.conftest import PUBLISHED_ENV
from tests.browsing import address_of, apply_text_spacing, settle
from tests.helpers import ROOT, docs_pages, nav_titles, reading_order, section_of, top_level_titles
from tests.test_reading_type import PAGES as TYPE_TESTS_PAGES

CHAPTER = "chapters/connection-disconnection-reconnection/"  # the original chapter
CHAPTER_SRC = "chapters/connection-disconnection-reconnection.md"
SECTION = "reconnection"  # the original chapter's last section
SITE_NAME = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["site_name"]
MISSING = "no-such-page/"  # served with the site's 404 page
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def page_paths() -> list[str]:
    """Every page a reader can land on: the book's pages, the print page and the 404 page."""
    return [address_of(src_uri) for src_uri in docs_pages()] + ["print_page/", MISSING]


PAGES = page_paths()


@contextmanager
def new_page(browser: Browser, **options) -> Iterator[Page]:
    context = browser.new_context(**options)
    try:
        yield context.new_page()
    finally:
        context.close()


def goto(page: Page, address: str, path: str) -> None:
    response = page.goto(address + path, wait_until="load")
    settle(page)
    assert response is not None
    assert response.status == (404 if path == MISSING else 200), path


# --- Search -----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["Jesse", "reconnection"])
def test_search_finds_the_chapter_and_opens_it_highlighted(browser: Browser, site_address: str, query: str) -> None:
    with new_page(browser) as page:
        goto(page, site_address, "")
        search = page.get_by_role("textbox", name="Search")
        search.click()
        search.press_sequentially(query)
        # Results come for each letter typed; wait for those of the whole word (each link carries
        # the terms to highlight), or the keys below could move through those of its first letters.
        wanted = f'a[href*="{CHAPTER}"][href*="h={quote_plus(query.lower())}"]'
        expect(page.locator(f".md-search-result__item {wanted}").first).to_be_visible()
        # Keyboard: the arrow key moves through the results, Enter opens the one focused: the
        # first that carries the search term to highlight (the chapter's own entry does not when
        # the term is only in its sections).
        for _ in range(50):
            page.keyboard.press("ArrowDown")
            if page.evaluate("(wanted) => document.activeElement.matches(wanted)", wanted):
                break
        else:
            raise AssertionError(f"the arrow keys never reached a result {wanted}")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(re.escape(site_address + CHAPTER)))
        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Connection, Disconnection & Reconnection"))
        expect(page.locator("mark[data-md-highlight]").first).to_have_text(re.compile(query, re.I))


# --- Colour scheme ----------------------------------------------------------------------------


def test_scheme_toggle_switches_by_keyboard_and_is_remembered(browser: Browser, site_address: str) -> None:
    with new_page(browser, color_scheme="light") as page:
        goto(page, site_address, CHAPTER)
        scheme = lambda: page.evaluate("document.body.dataset.mdColorScheme")  # noqa: E731
        background = lambda: page.evaluate("getComputedStyle(document.body).backgroundColor")  # noqa: E731
        assert scheme() == "default"
        light_background = background()
        # Following the system at first; each press moves on: light, dark, the system again.
        page.get_by_role("radio", name="Switch to light mode").focus()
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Switch to dark mode"
        page.keyboard.press("Enter")
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
        assert background() != light_background
        page.reload(wait_until="load")
        settle(page)
        assert scheme() == "slate" and background() != light_background
        goto(page, site_address, "")  # and on the next page
        assert scheme() == "slate"


# --- Each page, loaded once in each scheme for the tests that read it ---------------------------


@dataclass
class Visit:
    """What a page did and showed in one load, in the order a reader meets it: axe's rules on the
    page as it opens; then (in the light scheme) the first Tab and the skip link; then the search
    started. `requested` is every address the page asked for, from the first request on."""

    scheme: str  # the page's own (data-md-color-scheme)
    violations: list[str]
    skip_link: str = ""  # the element the first Tab focuses: "a.md-skip: its text"
    skip_link_shown: bool = False
    in_content_after_skip: bool = False
    search_started: str = ""  # "" once the search worker answered, else why not
    requested: list[str] = field(default_factory=list)


Visits = Callable[[str, str], Visit]


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.fixture(scope="module")
def visits(browser: Browser, site_address: str, axe: Axe) -> Visits:
    """A page's visit in a scheme, made once for all the tests below (one load instead of one per
    test; axe reads first, before any key is pressed)."""
    done: dict[tuple[str, str], Visit] = {}

    def visit(path: str, scheme: str) -> Visit:
        if (path, scheme) not in done:
            done[path, scheme] = load(browser, site_address, axe, path, scheme)
        return done[path, scheme]
    return visit


FOCUSED = """(() => { const e = document.activeElement;
    return e ? (e.matches('a.md-skip') ? 'a.md-skip: ' : e.tagName + ': ') + e.textContent.trim() : 'nothing'; })()"""


def load(browser: Browser, address: str, axe: Axe, path: str, scheme: str) -> Visit:
    with new_page(browser, color_scheme=scheme) as page:
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        goto(page, address, path)
        own_scheme = page.evaluate("document.body.dataset.mdColorScheme")
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
        seen = Visit(scheme=own_scheme, violations=[
            f"{v['id']} ({v['impact']}): {v['help']} -- {node['target']} {node['failureSummary']}"
            for v in results.response["violations"] for node in v["nodes"]
        ])
        if scheme == "dark":
            return seen
        page.keyboard.press("Tab")
        seen.skip_link = page.evaluate(FOCUSED)
        seen.skip_link_shown = on_top_and_visible(page, "document.activeElement")
        page.keyboard.press("Enter")
        in_content = "document.activeElement?.closest('.md-content') != null"
        if not page.evaluate(in_content):  # focus stays on the link target, or moves on from it
            page.keyboard.press("Tab")
        seen.in_content_after_skip = page.evaluate(in_content)
        if path != "print_page/":  # the print page has no search box
            page.get_by_role("textbox", name="Search").fill("Jesse")  # starts the search worker
            try:
                expect(page.locator(".md-search-result__meta")).not_to_have_text(re.compile("Initializing"))
            except AssertionError as error:
                seen.search_started = str(error).splitlines()[0]
        seen.requested = list(requested)
        return seen


# --- Keyboard ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_first_tab_shows_the_skip_link_and_it_moves_focus_to_the_content(visits: Visits, path: str) -> None:
    seen = visits(path, "light")
    assert seen.skip_link == "a.md-skip: Skip to content", f"{path}: the first Tab focuses {seen.skip_link}"
    assert seen.skip_link_shown, f"{path}: the skip link is not visible when focused"
    assert seen.in_content_after_skip, f"{path}: the skip link does not move the focus to the content"


# Material's toggles (colour scheme, navigation sections) are visually hidden inputs: their label
# is what shows, and what carries the focus ring.
VISIBLE = """e => {
    if (e.matches("input.md-option, input.md-toggle") && e.nextElementSibling?.matches("label")) e = e.nextElementSibling;
    const ring = getComputedStyle(e);
    if (ring.outlineStyle === "none" || parseFloat(ring.outlineWidth) < 1) return false;
    const box = e.getBoundingClientRect();
    if (box.width < 2 || box.height < 2 || box.bottom < 0 || box.top > innerHeight) return false;
    if (box.right <= 0 || box.left >= innerWidth) return false;
    for (let n = e; n; n = n.parentElement) {
        const style = getComputedStyle(n);
        if (style.visibility === "hidden" || Number(style.opacity) < 0.9) return false;
        // Not settled while a transition or a finite animation runs (an endless one never ends).
        if (n.getAnimations().some(a => a.playState === "running" && isFinite(a.effect?.getComputedTiming().endTime))) return false;
    }
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return hit !== null && (e.contains(hit) || hit.contains(e));
}"""


def on_top_and_visible(page: Page, element: str) -> bool:
    """The element is painted (not transparent, not clipped away) and nothing covers its middle,
    once every transition (and finite animation) on it and its ancestors has run: the theme's
    take a quarter of a second (a browser sharing its processor with other tests may be seconds
    late), and one that fades a control passes through opaque enough on its way down."""
    return becomes_true(page, f"({VISIBLE})({element})", seconds=5)


WHAT_IS_THERE = """(() => { const e = document.activeElement, box = e.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return `at (${Math.round(box.left)}, ${Math.round(box.top)}), ${Math.round(box.width)}x${Math.round(box.height)},` +
        ` its middle shows ${hit ? hit.tagName + "." + hit.className : "nothing"}, opacity ${getComputedStyle(e).opacity}`; })()"""


def becomes_true(page: Page, expression: str, *, seconds: float) -> bool:
    """Whether the expression is true within the time. Asked again and again from here, since
    Playwright's own wait_for_function compiles it in the page, which the pages' policy refuses
    (no 'unsafe-eval')."""
    for _ in range(int(seconds * 20) + 1):
        if page.evaluate(expression):
            return True
        page.wait_for_timeout(50)
    return False


# 390: a phone, and a desktop zoomed to 400 %, where the navigation is a drawer, closed at first.
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", ["", CHAPTER])
def test_every_control_reached_by_tab_is_visible_when_focused(browser: Browser, site_address: str, path: str,
                                                              width: int) -> None:
    with new_page(browser, viewport={"width": width, "height": 800}) as page:
        goto(page, site_address, path)
        seen: list[str] = []
        for _ in range(300):
            page.keyboard.press("Tab")
            name = page.evaluate("""(() => {
                const e = document.activeElement;
                if (e === document.body || e.dataset.tabSeen) return null;  // round the page once
                e.dataset.tabSeen = "1";
                return e.tagName + " " + (e.getAttribute("href") || e.id || e.className || e.textContent.trim().slice(0, 40));
            })()""")
            if name is None:
                break
            seen.append(name)
            assert on_top_and_visible(page, "document.activeElement"), \
                f"{path}: focus on {name} is not visible: {page.evaluate(WHAT_IS_THERE)}"
        assert len(seen) > 10
        assert any("Share this page" in s or "book-share" in s for s in seen), "the Share button is not reachable"


def test_the_navigation_drawer_on_a_phone_is_out_of_the_tab_order_until_opened_by_its_button(
        browser: Browser, site_address: str) -> None:
    """Closed, the drawer's links are out of sight and of the tab order; its menu button, reached
    by Tab, opens it with Enter (and says so) at its first level, with the focus in it, and Tab
    there reaches only what is in sight, and past its last link closes it; Escape closes it
    with the focus back on the button. A tap opens it at the page's section, whose panel covers
    the first level: what it covers is out of the tab order."""
    in_drawer = "document.activeElement.closest('.md-sidebar--primary') !== null"
    with new_page(browser, viewport={"width": 390, "height": 800}) as page:
        goto(page, site_address, CHAPTER)
        links = page.locator(".md-sidebar--primary a.md-nav__link")
        expect(links.first).to_be_hidden()
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.getAttribute('aria-label') === 'Navigation'"):
                break
        else:
            raise AssertionError("Tab never reached the navigation's menu button")
        menu = page.locator("button[aria-label=Navigation]")
        expect(menu).to_have_attribute("aria-expanded", "false")
        page.keyboard.press("Enter")
        expect(menu).to_have_attribute("aria-expanded", "true")
        assert page.evaluate(in_drawer), "the focus stayed outside the open drawer"

        def reached_in_drawer() -> list[str]:
            reached = []
            for _ in range(25):
                if page.evaluate(in_drawer):
                    name = page.evaluate("document.activeElement.textContent.trim().replace(/\\s+/g, ' ')")
                    assert on_top_and_visible(page, "document.activeElement"), \
                        f"focus on {name!r} in the drawer is not visible: {page.evaluate(WHAT_IS_THERE)}"
                    reached.append(name)
                page.keyboard.press("Tab")
            return reached

        reached = reached_in_drawer()
        titles, section = top_level_titles(), section_of(CHAPTER_SRC)
        assert {titles[0], section, titles[-1]} <= set(reached), reached
        expect(menu).to_have_attribute("aria-expanded", "false")  # Tab left it: it closed
        expect(links.first).to_be_hidden()
        assert on_top_and_visible(page, "document.activeElement"), page.evaluate(WHAT_IS_THERE)
        menu.focus()
        page.keyboard.press("Enter")
        expect(menu).to_have_attribute("aria-expanded", "true")
        page.keyboard.press("Escape")
        expect(links.first).to_be_hidden()
        assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Navigation"
        expect(menu).to_have_attribute("aria-expanded", "false")
    with new_page(browser, viewport={"width": 390, "height": 800}) as page:
        goto(page, site_address, CHAPTER)
        page.locator("button[aria-label=Navigation]").click()  # a tap: the page's section, open
        expect(page.locator(".md-nav--primary .md-nav__title", has_text=section_of(CHAPTER_SRC))).to_be_visible()
        page.locator("button[aria-label=Navigation]").focus()
        assert top_level_titles()[0] not in reached_in_drawer()  # under the section's panel
        page.locator("button[aria-label=Navigation]").click()  # Tab left it, closed: open again
        page.locator(".md-overlay").click(position={"x": 370, "y": 400})  # beside the drawer: it closes
        expect(page.locator(".md-sidebar--primary a.md-nav__link").first).to_be_hidden()


def test_a_keyboard_opens_a_section_of_the_drawer_and_comes_back_from_it(browser: Browser, site_address: str) -> None:
    """Enter on a section's label opens its panel with the focus on the panel's way back, a button
    named for the section; Enter there closes the panel, with the focus on the label again."""
    focused = "document.activeElement"
    with new_page(browser, viewport={"width": 390, "height": 800}) as page:
        goto(page, site_address, "")
        page.locator("button[aria-label=Navigation]").focus()
        page.keyboard.press("Enter")
        for _ in range(25):
            if page.evaluate(f"{focused}.matches('.md-nav--primary label.md-nav__link[for^=__nav_]')"):
                break
            page.keyboard.press("Tab")
        else:
            raise AssertionError("Tab never reached a section's label in the drawer")
        section = page.locator(f"#{page.evaluate(f'{focused}.htmlFor')}")
        page.keyboard.press("Enter")
        expect(section).to_be_checked()
        what = f"{focused}.tagName + ' ' + {focused}.getAttribute('aria-label')"
        assert becomes_true(page, f"({what}).startsWith('BUTTON Back from ')", seconds=5), page.evaluate(what)
        assert on_top_and_visible(page, focused), page.evaluate(WHAT_IS_THERE)
        page.keyboard.press("Enter")
        expect(section).not_to_be_checked()
        assert page.evaluate(f"{focused}.htmlFor") == section.get_attribute("id")
        assert on_top_and_visible(page, focused), page.evaluate(WHAT_IS_THERE)
        page.keyboard.press("Enter")  # opened again, and closed by a tap on its way back
        expect(section).to_be_checked()
        page.get_by_role("button", name=re.compile("^Back from ")).filter(visible=True).click()
        expect(section).not_to_be_checked()
        # Shift+Tab before the navigation's first link: closed, back on the menu button (not on
        # the header's search field under the drawer, which would open the search).
        menu = page.locator("button[aria-label=Navigation]")
        menu.focus()
        page.keyboard.press("Escape")
        page.keyboard.press("Enter")
        assert becomes_true(page, f"{focused}.closest('.md-sidebar--primary') !== null", seconds=5)
        page.keyboard.press("Shift+Tab")
        expect(menu).to_have_attribute("aria-expanded", "false")
        assert page.evaluate(f"{focused}.getAttribute('aria-label')") == "Navigation"
        expect(page.locator("#__search")).not_to_be_checked()


def test_a_tap_on_the_menu_puts_the_focus_in_the_page_section_whose_page_opens_its_contents_by_keyboard(
        browser: Browser, site_address: str) -> None:
    """Material's entry for the page itself, which opens the page's contents in a panel, is a
    label a keyboard could not reach; its panel is left by its way back, as a section's is."""
    focused = "document.activeElement"
    with new_page(browser, viewport={"width": 390, "height": 800}) as page:
        goto(page, site_address, CHAPTER)
        page.locator("button[aria-label=Navigation]").click()  # a tap: open at the page's section
        assert becomes_true(page, f"{focused}.closest('.md-sidebar--primary') !== null", seconds=5)
        for _ in range(10):
            if page.evaluate(f"{focused}.htmlFor") == "__toc":
                break
            page.keyboard.press("Tab")
        else:
            raise AssertionError("Tab never reached the page's own entry in its section")
        page.keyboard.press("Enter")
        expect(page.locator("#__toc")).to_be_checked()
        what = f"{focused}.tagName + ' ' + {focused}.getAttribute('aria-label')"
        assert becomes_true(page, f"({what}).startsWith('BUTTON Back from ')", seconds=5), page.evaluate(what)
        page.keyboard.press("Tab")
        assert page.evaluate(f"{focused}.closest('.md-nav--secondary') !== null")  # one of the page's headings
        assert on_top_and_visible(page, focused), page.evaluate(WHAT_IS_THERE)
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Enter")
        expect(page.locator("#__toc")).not_to_be_checked()
        assert page.evaluate(f"{focused}.htmlFor") == "__toc"
        assert on_top_and_visible(page, focused), page.evaluate(WHAT_IS_THERE)


def test_the_text_face_is_asked_for_with_the_page_not_after_the_stylesheets_naming_it(
        browser: Browser, site_address: str) -> None:
    """Its font-display is optional: a face that comes late is not used on that page at all."""
    with new_page(browser) as page:
        events: list[tuple[str, str]] = []
        page.on("request", lambda request: events.append(("asked", request.url)))
        page.on("requestfinished", lambda request: events.append(("got", request.url)))
        goto(page, site_address, CHAPTER)
        faces = [i for i, (what, url) in enumerate(events) if what == "asked" and re.search(r"/literata[^/]*\.woff2$", url)]
        assert len(faces) >= 2 and len({events[i][1] for i in faces}) == len(faces), events  # each once
        stylesheet = next(i for i, (what, url) in enumerate(events) if what == "got" and url.endswith("/literata.css"))
        assert faces[0] < stylesheet, events
        assert page.evaluate("document.fonts.check('600 1em Literata') && document.fonts.check('1em Literata')")


def test_the_menu_button_shows_only_where_the_navigation_is_a_drawer(browser: Browser, site_address: str) -> None:
    for width, shown in ((390, True), (1280, False)):
        with new_page(browser, viewport={"width": width, "height": 800}) as page:
            goto(page, site_address, CHAPTER)
            assert page.locator("button[aria-label=Navigation]").is_visible() is shown, width


# --- Share ------------------------------------------------------------------------------------


def test_share_button_copies_the_address_by_keyboard(browser: Browser, site_address: str) -> None:
    with new_page(browser, permissions=["clipboard-read", "clipboard-write"]) as page:
        goto(page, site_address, CHAPTER)
        button = page.get_by_role("button", name="Share this page")
        expect(button).to_be_visible()
        button.focus()
        page.keyboard.press("Enter")
        canonical = PUBLISHED_ENV["SITE_URL"] + CHAPTER
        expect(page.get_by_role("status")).to_have_text("Link copied")
        assert page.evaluate("navigator.clipboard.readText()") == canonical


def test_share_button_opens_the_share_sheet_where_there_is_one(browser: Browser, site_address: str) -> None:
    with new_page(browser) as page:
        # Chromium on Linux has no share sheet: stand in for the browser's, recording what it gets.
        page.add_init_script("navigator.share = data => { window.sharedData = data; return Promise.resolve(); };")
        goto(page, site_address, CHAPTER)
        page.get_by_role("button", name="Share this page").press("Space")
        shared = page.evaluate("window.sharedData")
        assert shared["url"] == PUBLISHED_ENV["SITE_URL"] + CHAPTER
        assert "Connection, Disconnection & Reconnection" in shared["title"]


# --- Reading features -------------------------------------------------------------------------


def test_footer_links_back_to_top_and_table_of_contents_follow_the_reader(browser: Browser, site_address: str) -> None:
    with new_page(browser, viewport={"width": 1280, "height": 700}) as page:
        goto(page, site_address, CHAPTER)
        footer = page.get_by_role("navigation", name="Footer")
        order, titles = reading_order(), nav_titles()
        here = order.index(CHAPTER_SRC)
        for label, neighbour in (("Previous", here - 1), ("Next", here + 1)):
            if 0 <= neighbour < len(order):
                name = f"{label}: {titles[order[neighbour]]}"
                expect(footer.get_by_role("link", name=re.compile(re.escape(name)))).to_be_visible()
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        active = page.locator(".md-sidebar--secondary .md-nav__link--active")
        expect(active).to_have_text(re.compile("Reconnection"))
        top = page.get_by_role("button", name="Back to top")
        # Material shows "Back to top" once the reader scrolls back up a little.
        for _ in range(10):
            page.mouse.wheel(0, -120)
            page.wait_for_timeout(100)
            if top.is_visible():
                break
        expect(top).to_be_visible()
        top.click()
        assert becomes_true(page, "window.scrollY === 0", seconds=5)


# --- Privacy ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_a_page_load_asks_no_other_host_for_anything(visits: Visits, site_address: str, path: str) -> None:
    seen = visits(path, "light")  # loaded, read by axe, tabbed through, searched
    if path != "print_page/":
        assert seen.search_started == "", f"{path}: the search did not start: {seen.search_started}"
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(site_address))
    elsewhere = [u for u in seen.requested if not u.startswith((origin + "/", "data:", "blob:"))]
    assert len(seen.requested) > 3 and elsewhere == [], path


# --- Automated accessibility rules, both schemes ------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violation(visits: Visits, path: str, scheme: str) -> None:
    seen = visits(path, scheme)
    assert seen.scheme == ("slate" if scheme == "dark" else "default"), path
    assert seen.violations == [], path


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_in_a_section_of_the_drawer_on_a_phone(browser: Browser, site_address: str,
                                                                     axe: Axe, scheme: str) -> None:
    """The drawer is closed where axe reads the pages above: here it is open on a phone, at the
    page's section (a tap opens it there), whose panel's title is its way back."""
    with new_page(browser, viewport={"width": 390, "height": 800}, color_scheme=scheme) as page:
        goto(page, site_address, CHAPTER)
        page.locator("button[aria-label=Navigation]").click()
        back = page.get_by_role("button", name=re.compile("^Back from ")).filter(visible=True)
        expect(back).to_have_count(1)
        settled = "!document.querySelector('.md-sidebar--primary').getAnimations({subtree: true}).length"
        assert becomes_true(page, settled, seconds=5)  # the drawer and the panel have slid in
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
        violations = [f"{v['id']}: {node['target']} {node['failureSummary']}"
                      for v in results.response["violations"] for node in v["nodes"]]
        assert violations == []


# --- Reflow, text spacing, motion -------------------------------------------------------------


# The book's pages are checked at 320 px (and 390 and 1280, in both schemes) by
# test_reading_type.py's test_no_page_reaches_past_the_window; these are the others.
@pytest.mark.parametrize("path", [path for path in PAGES if path not in TYPE_TESTS_PAGES])
def test_nothing_scrolls_sideways_at_320_css_pixels(browser: Browser, site_address: str, path: str) -> None:
    with new_page(browser, viewport={"width": 320, "height": 640}) as page:
        goto(page, site_address, path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls {overflow}px sideways at 320px"


# Elements whose text is cut off: hidden overflow, or an ellipsis, with more text than room.
CLIPPED = """() => [...document.querySelectorAll("body *")].filter(e => {
    const s = getComputedStyle(e);
    if (s.display === "none" || s.visibility === "hidden" || !e.textContent.trim()) return false;
    if (e.closest("[hidden], .md-search, .md-header__topic + .md-header__topic")) return false;
    const clips = ["hidden", "clip"].includes(s.overflowX) || ["hidden", "clip"].includes(s.overflowY);
    return clips && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
        && e.getBoundingClientRect().width > 0;
}).map(e => e.tagName + "." + e.className + ": " + e.textContent.trim().slice(0, 50))"""


@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("path", ["", CHAPTER, "accessibility/", "print_page/"])
def test_text_spacing_overrides_lose_no_content(browser: Browser, site_address: str, path: str, width: int) -> None:
    with new_page(browser, viewport={"width": width, "height": 800}) as page:
        goto(page, site_address, path)
        before = set(page.evaluate(CLIPPED))
        # As a reader's own stylesheet applies (the pages' policy refuses a <style> they did
        # not write, but not the reader's styles).
        apply_text_spacing(page)
        after = set(page.evaluate(CLIPPED))
        assert after - before == set()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_the_header_holds_the_pages_title_once_scrolled_and_a_linked_section_lands_below_it(
        browser: Browser, site_address: str, width: int) -> None:
    with new_page(browser, viewport={"width": width, "height": 700}) as page:
        goto(page, site_address, CHAPTER + "#" + SECTION)
        header = page.locator(".md-header").bounding_box()
        assert page.locator(f"#{SECTION}").bounding_box()["y"] >= header["y"] + header["height"]
        page.mouse.wheel(0, 200)  # Material shows the page's title once its heading is gone
        topic = page.locator(".md-header__topic").nth(1)
        expect(topic).to_have_css("opacity", "1")
        box = topic.bounding_box()
        assert header["y"] <= box["y"] and box["y"] + box["height"] <= header["y"] + header["height"], (box, header)


MOVING = """() => [...document.querySelectorAll("*")].filter(e => {
    const s = getComputedStyle(e);
    const seconds = v => v.split(",").map(parseFloat);
    return Math.max(...seconds(s.transitionDuration)) > 0
        || (s.animationName !== "none" && Math.max(...seconds(s.animationDuration)) > 0);
}).length"""


def test_reduced_motion_turns_off_every_animation(browser: Browser, site_address: str) -> None:
    with new_page(browser) as page:
        goto(page, site_address, CHAPTER)
        assert page.evaluate(MOVING) > 10  # Material animates many things by default
    with new_page(browser, reduced_motion="reduce") as page:
        goto(page, site_address, CHAPTER)
        assert page.evaluate(MOVING) == 0
        assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"


# --- Downloads --------------------------------------------------------------------------------

CONTENT_TYPES = {".pdf": "application/pdf", ".epub": "application/epub+zip", ".zip": "application/zip", ".json": "application/json"}


def test_every_download_link_returns_the_file_with_its_type(browser: Browser, site_address: str) -> None:
    with new_page(browser) as page:
        links: set[str] = set()
        for path in PAGES[:-1]:
            goto(page, site_address, path)
            hrefs = page.eval_on_selector_all(
                'a[data-download], a[href*="downloads/"]', "links => links.map(a => a.href)"
            )
            links |= {urljoin(page.url, h).split("#")[0] for h in hrefs}
        for link in sorted(links):
            response = page.request.get(link)
            assert response.status == 200, link
            suffix = Path(urlsplit(link).path).suffix.lower()
            assert response.headers["content-type"].split(";")[0] == CONTENT_TYPES[suffix], link


# --- Weight -----------------------------------------------------------------------------------


def test_a_chapter_with_everything_it_loads_stays_under_200_kb_compressed(browser: Browser, site_address: str) -> None:
    with new_page(browser) as page:
        responses = []
        page.on("requestfinished", lambda request: responses.append(request))
        goto(page, site_address, CHAPTER)
        # The search worker fetches the index after the page loads, later on a busy processor.
        for _ in range(100):
            if any("search_index.json" in r.url for r in responses):
                break
            page.wait_for_timeout(100)
        else:
            raise AssertionError("the search index was not fetched within 10 s of the page's load")
        transferred = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in responses)
        assert transferred < 200 * 1024, f"{transferred / 1024:.0f} KB"
