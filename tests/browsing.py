"""What the browser tests share: a page's address, a reader's browser window, and the checks
every width and scheme runs (the page scrolling sideways, WCAG text spacing)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from playwright.sync_api import Browser, Page

from tests.helpers import page_html_path

Scheme = Literal["light", "dark"]


def address_of(src_uri: str) -> str:
    """A page's address relative to the site's root ("" for the home page)."""
    rel = page_html_path(Path("."), src_uri).parent.as_posix()
    return "" if rel == "." else rel + "/"


@contextmanager
def reader(browser: Browser, width: int, scheme: Any = "light", *, height: int = 800,
           **options: Any) -> Iterator[Page]:
    """A reader's window: a fresh browser context of that width, in that colour scheme."""
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme, **options)
    try:
        yield context.new_page()
    finally:
        context.close()


def settle(page: Page) -> None:
    """Wait until the page has loaded and the network has then been quiet for half a second.
    Playwright's "networkidle" alone can come before the document is parsed (a page without a
    body yet), so the load is waited for first."""
    page.wait_for_load_state("load")
    page.wait_for_load_state("networkidle")


def goto(page: Page, address: str, path: str, *, status: int = 200) -> None:
    response = page.goto(address + path, wait_until="load")
    settle(page)
    assert response is not None and response.status == status, (path, response and response.status)


def scrolls_sideways(page: Page) -> int:
    """How far the page scrolls sideways, in CSS pixels (0 or less: not at all)."""
    return int(page.evaluate("document.scrollingElement.scrollWidth - innerWidth"))


# WCAG 1.4.12: line height 1.5, paragraph spacing 2, letter spacing 0.12, word spacing 0.16 (em),
# applied as a reader's own stylesheet is: the pages' policy refuses a <style> they did not
# write (page.add_style_tag), not a stylesheet made through the CSSOM.
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""
_ADOPT = """css => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }"""


def apply_text_spacing(page: Page, *, probe: str = "h1") -> None:
    """Apply WCAG's text spacing to the page, and check it took effect (on `probe`)."""
    page.evaluate(_ADOPT, TEXT_SPACING)
    page.wait_for_timeout(50)
    assert page.evaluate(f"getComputedStyle(document.querySelector({probe!r})).wordSpacing") != "0px"
