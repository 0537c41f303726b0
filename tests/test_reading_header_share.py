"""The header's title and the share button, as a reader meets them on the real book (served by
tests/conftest.py), at 320, 390 and 1280 CSS pixels in both colour schemes: the book's whole
title in the header and in the menu, also under the reader's own text spacing (WCAG 1.4.12); a
header that keeps its height while the page's title takes its place; a share button whose
"Link copied" is announced and moves nothing on the page; and the page's buttons, share and reading
settings, standing out from the page (3:1) at rest and focused."""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Iterator, Literal

import pytest
from playwright.sync_api import Browser, FloatRect, Locator, Page, expect

from tests.browsing import address_of, apply_text_spacing, goto
from tests.helpers import book_config, chapter_pages

SITE_NAME: str = book_config()["site_name"]
WIDTHS = [320, 390, 1280]
SCHEME: dict[str, Literal["light", "dark"]] = {"light": "light", "dark": "dark"}
SCHEMES = list(SCHEME)
MENU_IS_A_DRAWER_BELOW = 1220  # Material's breakpoint (76.25em): below it the menu opens over the page


CHAPTER = address_of(chapter_pages()[0])
PATHS = ["", CHAPTER]  # the home page and the first chapter
# Each page at each width in the light scheme; the dark scheme, which changes colours alone, on
# the chapter at each width.
PAGE_VARIANTS = [(path, width, "light") for path in PATHS for width in WIDTHS] + [
    (CHAPTER, width, "dark") for width in WIDTHS]

# What the pages' policy refuses, and any layout shift, recorded from the first script on.
RECORDERS = """
window.bookCsp = [];
document.addEventListener("securitypolicyviolation", e => window.bookCsp.push(e.violatedDirective + " " + e.blockedURI));
window.bookShifts = [];
new PerformanceObserver(list => {
    for (const entry of list.getEntries()) window.bookShifts.push({value: entry.value});
}).observe({type: "layout-shift", buffered: true});
"""

# Why an element's text is not all in sight: an element of it with more text than room (hidden
# overflow or an ellipsis), a line outside a box that clips it or outside the window, or the
# element itself transparent or hidden. An empty list when the whole text shows.
CUT = r"""e => {
    const why = [];
    for (const x of [e, ...e.querySelectorAll("*")]) {
        if (x.scrollWidth > x.clientWidth + 1 || x.scrollHeight > x.clientHeight + 1)
            why.push("more text than room in " + x.className);
    }
    const range = document.createRange();
    range.selectNodeContents(e);
    const lines = [...range.getClientRects()].filter(r => r.width > 0);
    if (!lines.length) why.push("no text laid out");
    const outside = (l, box) => l.left < box.left - 1 || l.right > box.right + 1 || l.top < box.top - 1 || l.bottom > box.bottom + 1;
    for (let a = e; a && a !== document.documentElement; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (Number(s.opacity) < 0.99 || s.visibility !== "visible") why.push("not shown: " + a.className);
        if (s.overflowX !== "visible" || s.overflowY !== "visible") {
            const box = a.getBoundingClientRect();
            if (lines.some(l => outside(l, box))) why.push("a line cut by " + a.tagName + "." + a.className);
        }
    }
    if (lines.some(l => outside(l, {left: 0, right: innerWidth, top: 0, bottom: innerHeight})))
        why.push("a line outside the window");
    // Light text that runs off its coloured background (the header's, the menu's) is lost too.
    for (let a = e; a; a = a.parentElement) {
        if (/rgba\(.*, 0\)$/.test(getComputedStyle(a).backgroundColor)) continue;
        if (lines.some(l => outside(l, a.getBoundingClientRect()))) why.push("a line off the background of " + a.className);
        break;
    }
    return why;
}"""

# Where the page's parts are, and each line of its title and first paragraph: the same list
# before and after means nothing moved, and no line of the title was wrapped again.
POSITIONS = """() => {
    const parts = [...document.querySelectorAll(".md-content__inner, .md-content__inner > *, .md-header, .md-sidebar")]
        .filter(e => !e.matches("[data-book-share-status]"));
    const lines = [document.querySelector("h1"), document.querySelector(".md-content__inner > p")].flatMap(e => {
        const range = document.createRange();
        range.selectNodeContents(e);
        return [...range.getClientRects()];
    });
    return [...parts.map(e => e.getBoundingClientRect()), ...lines].map(r => [r.x, r.y, r.width, r.height]);
}"""


# What a live region shows: the box around it and everything in it, the colour of its text and
# the background behind the text (the nearest opaque one).
MESSAGE = r"""e => {
    let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    for (const x of [e, ...e.querySelectorAll("*")]) {
        const r = x.getBoundingClientRect();
        if (r.width * r.height === 0) continue;
        left = Math.min(left, r.left); top = Math.min(top, r.top);
        right = Math.max(right, r.right); bottom = Math.max(bottom, r.bottom);
    }
    const box = left === Infinity ? {x: 0, y: 0, width: 0, height: 0} : {x: left, y: top, width: right - left, height: bottom - top};
    const words = [...e.querySelectorAll("*")].reverse().find(x => x.textContent.trim()) || e;
    let background = "rgba(0, 0, 0, 0)";
    for (let a = words; a; a = a.parentElement) {
        const colour = getComputedStyle(a).backgroundColor;
        if (!/rgba\(.*, 0\)$/.test(colour)) { background = colour; break; }
    }
    if (/rgba/.test(background)) background = "see-through: " + background;
    return {box, color: getComputedStyle(words).color, background};
}"""


@contextmanager
def reader(browser: Browser, width: int, scheme: str, **options: Any) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": width, "height": 720}, color_scheme=SCHEME[scheme], **options)
    context.add_init_script(RECORDERS)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    try:
        yield page
        assert page.evaluate("window.bookCsp") == [], "the page's policy refused something"
        assert not [m for m in console if "Content Security Policy" in m], console
    finally:
        context.close()


def box_of(locator: Locator) -> FloatRect:
    box = locator.bounding_box()
    assert box is not None, "not on screen"
    return box


def shifts_so_far(page: Page) -> int:
    """How many layout shifts the page has had (counted, not timed: a test may fake the clock)."""
    page.wait_for_timeout(300)  # the observer reports a frame or two late
    return int(page.evaluate("window.bookShifts.length"))


def shifts_since(page: Page, mark: int) -> float:
    page.wait_for_timeout(300)
    return float(page.evaluate("n => window.bookShifts.slice(n).reduce((a, s) => a + s.value, 0)", mark))


def luminance(colour: str) -> float:
    assert colour.startswith("rgb("), f"not an opaque colour: {colour}"
    red, green, blue = (int(c) / 255 for c in re.findall(r"[\d.]+", colour)[:3])
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def assert_applied_text_spacing(page: Page) -> None:
    apply_text_spacing(page, probe=".md-header__topic")


# --- The book's title ------------------------------------------------------------------------


@pytest.mark.parametrize("path, width, scheme", PAGE_VARIANTS)
def test_the_header_and_the_menu_show_the_books_whole_title(
        browser: Browser, site_address: str, path: str, width: int, scheme: str) -> None:
    with reader(browser, width, scheme) as page:
        goto(page, site_address, path)
        title = page.locator(".md-header__topic").first
        menu_title = page.locator('.md-nav--primary > .md-nav__title[for="__drawer"]')
        # As the page opens, then with the reader's own text spacing (applied with the menu
        # open: the page lays out again at once, the header and the menu with it).
        for spacing in ("", " with text spacing"):
            if spacing:
                assert_applied_text_spacing(page)
            assert " ".join(title.inner_text().split()) == SITE_NAME, f"the header's title at {width}px{spacing}"
            assert title.evaluate(CUT) == [], f"the header cuts the book's title at {width}px{spacing}"
            if width < MENU_IS_A_DRAWER_BELOW and not spacing:  # opened at its first level, whose title it is
                page.locator(".md-header button[aria-label=Navigation]").focus()
                page.keyboard.press("Enter")
            expect(menu_title).to_be_in_viewport(ratio=1)
            page.wait_for_timeout(300)  # the drawer slides in
            assert " ".join(menu_title.inner_text().split()) == SITE_NAME, f"the menu's title at {width}px{spacing}"
            assert menu_title.evaluate(CUT) == [], f"the menu cuts the book's title at {width}px{spacing}"


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_header_keeps_its_height_when_the_pages_title_takes_its_place(
        browser: Browser, site_address: str, width: int, scheme: str) -> None:
    with reader(browser, width, scheme) as page:
        goto(page, site_address, CHAPTER)
        header = page.locator(".md-header")
        book_title, page_title = page.locator(".md-header__topic").first, page.locator(".md-header__topic").nth(1)
        height = box_of(header)["height"]
        start = shifts_so_far(page)
        page.mouse.wheel(0, 800)  # Material swaps in the page's title once its heading is gone
        expect(page_title).to_have_css("opacity", "1")
        expect(book_title).to_have_css("opacity", "0")
        heading = page.evaluate("(() => { const h = document.querySelector('h1').cloneNode(true);"
                                " h.querySelectorAll('.headerlink').forEach(a => a.remove()); return h.textContent; })()")
        assert " ".join(page_title.inner_text().split()) == " ".join(heading.split())
        box, bar = box_of(page_title), box_of(header)
        assert bar["height"] == height, "the header changed height when the page's title came in"
        assert bar["y"] <= box["y"] and box["y"] + box["height"] <= bar["y"] + bar["height"]
        page.mouse.wheel(0, -2000)
        expect(book_title).to_have_css("opacity", "1")
        assert box_of(header)["height"] == height
        assert shifts_since(page, start) == 0, "the page moved while the header changed title"


# --- Share -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path, width, scheme", PAGE_VARIANTS)
def test_share_without_a_share_sheet_says_link_copied_and_moves_nothing(
        browser: Browser, site_address: str, path: str, width: int, scheme: str) -> None:
    with reader(browser, width, scheme, permissions=["clipboard-read", "clipboard-write"]) as page:
        # Desktop Firefox and Chrome on Linux have no share sheet: the button copies the address.
        page.add_init_script("delete Navigator.prototype.share; delete navigator.share;")
        page.clock.install()  # to see the message leave without waiting for it
        goto(page, site_address, path)
        assert page.evaluate("'share' in navigator") is False
        button = page.get_by_role("button", name="Share this page")
        status = page.locator("[data-book-share-status]")
        expect(status).to_have_attribute("role", "status")  # a polite live region, in the page from the start
        expect(button).to_be_visible()
        before = page.evaluate(POSITIONS)
        start = shifts_so_far(page)

        button.click()
        expect(status).to_have_text("Link copied")
        canonical = page.evaluate("document.querySelector('link[rel=canonical]').href")
        assert page.evaluate("navigator.clipboard.readText()") == canonical
        assert page.evaluate(POSITIONS) == before, "the message moved the page"
        assert shifts_since(page, start) == 0, "the message shifted the layout"

        # Shown, and so announced: in the accessibility tree, on screen, readable in this scheme.
        assert status.evaluate(CUT) == []
        message = status.evaluate(MESSAGE)
        assert contrast(message["color"], message["background"]) >= 4.5, message
        # Small, at the bottom of the window, clear of the title, the button and the header.
        box = message["box"]
        assert 0 < box["height"] <= 0.15 * 720 and box["y"] > 720 / 2, box
        for other in (page.locator("h1"), button, page.locator(".md-header")):
            near = box_of(other)
            assert near["y"] + near["height"] <= box["y"] or box["y"] + box["height"] <= near["y"]
        expect(page.get_by_role("button", name="Share this page")).to_be_visible()

        page.clock.fast_forward(8000)  # a few seconds later, gone
        expect(status).to_have_text("")
        gone = status.evaluate(MESSAGE)["box"]
        assert gone["width"] * gone["height"] == 0, gone
        assert page.evaluate(POSITIONS) == before


# Every text the live region holds, in order, however briefly.
SAID = """status => {
    window.bookSaid = [];
    new MutationObserver(() => window.bookSaid.push(status.textContent.trim()))
        .observe(status, {childList: true, subtree: true, characterData: true});
}"""


def said(page: Page) -> list[str]:
    return list(page.evaluate("window.bookSaid"))


@pytest.mark.parametrize("scheme", SCHEMES)
def test_share_by_keyboard_says_it_again_each_time(browser: Browser, site_address: str, scheme: str) -> None:
    with reader(browser, 390, scheme, permissions=["clipboard-read", "clipboard-write"]) as page:
        page.add_init_script("delete Navigator.prototype.share; delete navigator.share;")
        page.clock.install()
        goto(page, site_address, CHAPTER)
        status = page.get_by_role("status")
        status.evaluate(SAID)
        page.get_by_role("button", name="Share this page").focus()
        for key in ("Enter", "Space"):
            page.keyboard.press(key)
            expect(status).to_have_text("Link copied")
            before = len(said(page))
            # Emptied before it speaks again, so that a screen reader reads the same words twice
            # (empty for a tenth of a second: read from the region's every change, not polled).
            page.keyboard.press(key)
            for _ in range(100):
                if said(page)[before:][-1:] == ["Link copied"]:
                    break
                page.wait_for_timeout(50)
            assert said(page)[before:] == ["", "Link copied"], f"{key} again: the region said {said(page)[before:]}"
            page.clock.fast_forward(8000)
            expect(status).to_have_text("")
        assert page.evaluate("document.activeElement.getAttribute('title')") == "Share this page"


# --- The page's buttons ------------------------------------------------------------------------

# A control's colour as painted: its (maybe see-through) colour over the nearest opaque background.
PAINTED = r"""e => {
    let background = "";
    for (let a = e; a && !background; a = a.parentElement) {
        const colour = getComputedStyle(a).backgroundColor;
        if (!/rgba\(.*, 0\)$/.test(colour)) background = colour;
    }
    return {color: getComputedStyle(e).color, background: background || "rgb(255, 255, 255)"};
}"""


def over(colour: str, background: str) -> str:
    """The opaque colour a see-through one makes over an opaque background."""
    values = [float(c) for c in re.findall(r"[\d.]+", colour)]
    rgb, alpha = values[:3], values[3] if len(values) > 3 else 1.0
    behind = [float(c) for c in re.findall(r"[\d.]+", background)[:3]]
    return "rgb({}, {}, {})".format(*(round(c * alpha + b * (1 - alpha)) for c, b in zip(rgb, behind)))


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", ["Reading settings", "Share this page"])
def test_the_pages_buttons_stand_out_from_the_page_at_rest_and_focused(
        browser: Browser, site_address: str, name: str, scheme: str) -> None:
    """At least 3:1 against what surrounds them (WCAG 1.4.11), in both schemes."""
    with reader(browser, 390, scheme) as page:
        goto(page, site_address, CHAPTER)
        button = page.get_by_role("button", name=name)
        expect(button).to_be_visible()
        for state in ("at rest", "focused"):
            if state == "focused":
                button.focus()
                page.keyboard.press("Shift+Tab")
                page.keyboard.press("Tab")  # by keyboard, so that :focus-visible applies
                page.wait_for_timeout(300)  # the colour's transition
                assert button.evaluate("e => e === document.activeElement")
            seen = button.evaluate(PAINTED)
            ratio = contrast(over(seen["color"], seen["background"]), seen["background"])
            assert ratio >= 3, f"{name} {state}, {scheme}: {ratio:.2f}:1 ({seen})"
