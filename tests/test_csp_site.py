"""The real book under its Content-Security-Policy: every page carries it first, every inline
script of the page is allowed by a hash computed here from the page itself, and Material still
works in Chromium (search, the colour toggle) with no violation reported, online and offline."""

from __future__ import annotations

import base64
import hashlib
import re
import zipfile
from pathlib import Path

import pytest
from lxml import html as lxml_html
from playwright.sync_api import Browser, expect

from tests.browsing import settle
from tests.helpers import chapter_pages, nav_titles
from tests.test_build_outputs import BOOK_SLUG

FIRST_CHAPTER = chapter_pages()[0].removesuffix(".md")  # whatever the book's first chapter is
# A word a reader might search for: the longest of the first chapter's title.
SEARCH_WORD = max(re.findall(r"[^\W\d_]+", nav_titles()[chapter_pages()[0]]), key=len)
JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}


@pytest.fixture(scope="module")
def unzipped(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(site / "downloads" / f"{BOOK_SLUG}-offline.zip") as archive:
        archive.extractall(target)
    return target / f"{BOOK_SLUG}-offline"


def pages(site: Path, unzipped: Path) -> list[Path]:
    found = [p for p in site.rglob("*.html")] + sorted(unzipped.rglob("*.html"))
    names = {p.relative_to(site if site in p.parents else unzipped).as_posix() for p in found}
    assert {"404.html", "print_page/index.html", "print_page.html", "index.html"} <= names
    return found


def policy_and_scripts(path: Path) -> tuple[list[str], dict[str, list[str]], list[str]]:
    """The tags of <head> up to the policy, the policy's directives, and the text of every inline
    script the page would run."""
    root = lxml_html.fromstring(path.read_bytes())
    metas = root.xpath('//meta[translate(@http-equiv, "CONTENTSURIYPOLC", "contentsuriypolc")'
                       '="content-security-policy"]')
    assert len(metas) == 1, f"{path}: {len(metas)} policies"
    head = root.find("head")
    before = []
    for element in head:
        if element is metas[0]:
            break
        before.append(element.tag + "".join(sorted(element.attrib)))
    directives = {d.split()[0]: d.split()[1:] for d in metas[0].get("content").split(";") if d.strip()}
    scripts = [s.text or "" for s in root.iter("script")
               if s.get("src") is None and (s.get("type") or "").strip().lower() in JS_TYPES]
    return before, directives, scripts


def test_every_page_carries_one_policy_first_and_every_inline_script_has_its_hash(
        site: Path, unzipped: Path) -> None:
    for path in pages(site, unzipped):
        before, directives, scripts = policy_and_scripts(path)
        where = path.as_posix()
        # Only the encoding's own declaration comes first: nothing loads or runs before the policy.
        assert before == ["metacharset"], f"{where}: {before}"
        script_src = directives["script-src"]
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, where
        assert directives["default-src"] == ["'self'"] and directives["img-src"] == ["'self'", "data:"]
        assert directives["connect-src"] == ["'self'"], where
        assert scripts, where
        for text in scripts:
            digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
            assert f"'sha256-{digest}'" in script_src, f"{where}: no hash for {text[:80]!r}"


def violations(messages: list[str]) -> list[str]:
    return [m for m in messages if "Content Security Policy" in m]


@pytest.mark.parametrize("path", ["", f"{FIRST_CHAPTER}/", "print_page/", "no-such-page/"])
def test_material_works_under_the_policy_with_no_violation(browser: Browser, site_address: str, path: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(site_address + path)
    if path != "print_page/":  # the print page has no header: no search, no toggle
        # The toggle goes from the system's scheme to light, then to dark.
        for _ in range(2):
            page.locator("form[data-md-component=palette] label:visible").first.click()
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
        page.get_by_role("textbox", name="Search").click()
        page.keyboard.type(SEARCH_WORD)
        expect(page.locator(".md-search-result__item").first).to_contain_text(SEARCH_WORD)
    else:  # print-site's inline script filled in its table of contents
        expect(page.locator("#print-page-toc li").first).to_be_attached()
    settle(page)
    page.close()
    assert violations(messages) == []


def test_offline_search_works_under_the_policy_from_file_urls(browser: Browser, unzipped: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto((unzipped / f"{FIRST_CHAPTER}.html").as_uri())
    page.click("input.md-search__input")
    page.keyboard.type(SEARCH_WORD)
    expect(page.locator(".md-search-result__item").first).to_contain_text(SEARCH_WORD)
    page.close()
    assert violations(messages) == []


def test_the_offline_print_page_asks_for_nothing_outside_the_edition(browser: Browser, unzipped: Path) -> None:
    # print-site renders with the 404 page's context, whose site root is "/": the search index
    # was asked for at the root of the reader's disk.
    page = browser.new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto((unzipped / "print_page.html").as_uri())
    settle(page)
    page.close()
    assert any(url.endswith("/search/search_index.js") for url in asked), asked
    assert [url for url in asked if not url.startswith((unzipped.as_uri() + "/", "data:", "about:"))] == []
