"""The policy alone holds: pages carrying script and requests to another host, built without the
chapter checks, run nothing and ask no other host, in Chromium, on the site, its 404 and print
pages, and in the offline edition opened from file://.

The fixture book (tests/fixtures/csp-attacks/) leaves out hooks/checks.py, and the PDFs and
EPUB, which refuse such pages themselves. Its own payloads call alert() or ask other.example.
The build adds every case of the attack corpus (tests/fixtures/attacks/) whose payload is in a
chapter and would run script or ask another host, each as a chapter of its own, and the cases
whose payload is a title in nav:. The same pages with their policy taken out show that this
harness sees each payload act.

Two things the policy alone does not stop, so these tests leave them out; the chapter checks
stop the build on each, and the attack corpus holds a case of each (tests/test_attack_corpus.py):
- `<meta http-equiv="refresh" content="0;url=https://…">` sends the reader to another host: no
  directive of a Content-Security-Policy governs where a page navigates. The checks refuse
  `<meta>` in a page (case meta-refresh-remote).
- In the offline edition, read from file://, an image address with two slashes and no scheme
  (`//host/x.png`, or `/\\host/x.png`) is `file://host/x.png`, a file of another computer (on
  Windows, a network share), and 'self' on a file:// page allows every file: address. The checks
  refuse an image anywhere but among the book's own files (cases markdown-image-protocol-relative
  and img-src-backslashes).
"""

from __future__ import annotations

import re
import shutil
import time
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import Browser, BrowserContext, Page, Request

from ebook.site import csp
from tests.helpers import BOOK_BUILD_ENV, FIXTURES, build_fixture
from site_server import serve
from tests.test_build_outputs import BOOK_SLUG

CASE = "csp-attacks"
CORPUS = FIXTURES / "attacks"
PAYLOAD_PAGES = ("chapters/script-payloads/", "chapters/handler-payloads/", "chapters/request-payloads/")
STOPPED_BEFORE_LEAVING = ("csp", "origin")
_POLICY_META = re.compile(re.escape(csp.META_OPEN) + r'[^"]*">')

# The corpus cases this test loads: every payload in a chapter that would run script or ask
# another host, and every navigation title.
CORPUS_CASES: list[dict[str, Any]] = [
    case for case in yaml.safe_load((CORPUS / "cases.yml").read_text(encoding="utf-8"))
    if "nav_title" in case or (case["category"] in ("script", "request") and case["file"].endswith(".md")
                               and "symlink_to" not in case)
]
NAV_CASES = [case for case in CORPUS_CASES if "nav_title" in case]
# Beyond any policy (see the module's docstring): these pages stay out of nav: (and so out of the
# print page), and are not loaded with the policy.
BEYOND_POLICY = {
    "chapters/refresh-payload/": "<meta http-equiv=refresh> to another host",
    "chapters/meta-refresh-remote/": "<meta http-equiv=refresh> to another host (corpus: meta-refresh-remote)",
}
# Beyond the policy in the offline edition alone (see the module's docstring): what these cases ask.
OFFLINE_BEYOND_POLICY = {
    "markdown-image-protocol-relative": "file://tracker.example.org/chart.png",
    "img-src-backslashes": "file://tracker.example.org/b.png",
}
# Cases Chromium does not let act even without the policy, so this harness cannot show them
# run; they are loaded with the others all the same.
INERT_IN_CHROMIUM = {
    "srcset-remote-second-candidate": "its other host is the 1x candidate, and this harness reads at 2x",
    "svg-use-href": "Chromium never fetches an SVG <use> of another site's file",
}


def case_page(case: dict[str, Any]) -> str:
    return f"chapters/{case['name']}/"


def corpus_fixture(fixtures: Path) -> None:
    """tests/fixtures/csp-attacks/ with the corpus cases' chapters added to it and to nav:."""
    book = fixtures / CASE
    shutil.copytree(FIXTURES / CASE, book)
    override = yaml.safe_load((book / "mkdocs.override.yml").read_text(encoding="utf-8"))
    chapters = next(item["Chapters"] for item in override["nav"] if "Chapters" in item)
    for case in CORPUS_CASES:
        source = f"chapters/{case['name']}.md"
        shutil.copyfile(CORPUS / "docs" / source, book / "docs" / source)
        if case_page(case) not in BEYOND_POLICY:
            chapters.append({case["nav_title"]: source} if "nav_title" in case else source)
    # Their images: one that exists, one missing on purpose (its onerror is the payload).
    shutil.copyfile(book / "docs" / "images" / "circle.png", book / "docs" / "images" / "chart.png")
    override["validation"]["links"] = {"not_found": "info"}
    (book / "mkdocs.override.yml").write_text(yaml.safe_dump(override, allow_unicode=True, width=1000),
                                              encoding="utf-8")


@dataclass
class Attacked:
    site: Path
    offline: Path


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> Attacked:
    fixtures = tmp_path_factory.mktemp("fixtures")
    corpus_fixture(fixtures)
    result, site = build_fixture(CASE, tmp_path_factory.mktemp(CASE), fixtures=fixtures, env=BOOK_BUILD_ENV)
    assert result.returncode == 0, result.stderr
    offline = tmp_path_factory.mktemp("usb-stick")
    with zipfile.ZipFile(site / "downloads" / f"{BOOK_SLUG}-offline.zip") as archive:
        archive.extractall(offline)
    # The same pages without their policy, beside them (their links still work); the home page's
    # holds only the navigation's payloads, which every page holds.
    for path in ("", *PAYLOAD_PAGES, *(case_page(case) for case in CORPUS_CASES)):
        page = site / path / "index.html"
        bare, count = _POLICY_META.subn("", page.read_text(encoding="utf-8"))
        assert count == 1, path
        (page.parent / "no-policy.html").write_text(bare, encoding="utf-8")
    return Attacked(site, offline)


@pytest.fixture(scope="module")
def address(attacked: Attacked) -> Iterator[str]:
    with serve(attacked.site) as url:
        yield url


# --- The harness: a reader's browser, and what it lets through ---------------------------------


@dataclass
class Seen:
    """What a page did that a reader's browser would let through: dialogs, other hosts asked."""

    dialogs: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)


class Tab:
    """A browser tab that reads pages one after another, and records what the current one did."""

    # Playwright's own wait for a quiet network ("networkidle") once ran out its 30 s on one of
    # the offline edition's pages in a full test run, naming neither the page nor a request: the
    # tab counts its requests itself, and names both if a page never goes quiet.
    QUIET_SECONDS = 0.5
    # What a page does this long after the reader's last action is seen too, if its network is
    # quiet by then (a payload set off by a hover, a focus or a timer, a moment later); what
    # it would do later still is not.
    AFTER_READER_SECONDS = 1.0
    TIMEOUT_SECONDS = 30.0

    def __init__(self, context: BrowserContext, *, own: str) -> None:
        self.page = context.new_page()
        self.url, self.seen, self.asked = "", Seen(), list[Request]()
        self.open_requests: set[Request] = set()
        self.last_activity = self.acted = time.monotonic()
        self.page.on("dialog", lambda dialog: (self.seen.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.on("request", lambda request: self._started(request, own))
        self.page.on("requestfinished", self._ended)
        self.page.on("requestfailed", self._ended)

    def _started(self, request: Request, own: str) -> None:
        self.open_requests.add(request)
        self.last_activity = time.monotonic()
        if not request.url.startswith((own, "data:", "about:")):
            self.asked.append(request)

    def _ended(self, request: Request) -> None:
        self.open_requests.discard(request)
        self.last_activity = time.monotonic()

    def open(self, url: str) -> None:
        self.url, self.seen, self.asked = url, Seen(), []
        self.open_requests.clear()  # the last page's, which its unloading ends
        self.page.goto(url, wait_until="commit")

    def act_as_reader(self) -> None:
        self.page.wait_for_load_state("load")
        act_as_reader(self.page)
        self.acted = time.monotonic()

    @property
    def quiet(self) -> bool:
        """No request open or started or ended for QUIET_SECONDS, and AFTER_READER_SECONDS gone
        since the reader's last action."""
        now = time.monotonic()
        return (not self.open_requests and now - self.last_activity >= self.QUIET_SECONDS
                and now - self.acted >= self.AFTER_READER_SECONDS)

    def finish(self) -> Seen:
        # A request stopped before it left is reported as failed, with why: "csp" (the policy),
        # or "origin" (an SVG <use> of another site's file, which Chromium never fetches).
        self.seen.elsewhere = [r.url for r in self.asked if r.failure not in STOPPED_BEFORE_LEAVING]
        return self.seen


def wait_until_quiet(tabs: Sequence[Tab]) -> None:
    """Until every tab is quiet (`Tab.quiet`): the tabs wait together, so a batch waits once,
    not once per tab, and each page is given the same time after the reader's last action."""
    deadline = time.monotonic() + Tab.TIMEOUT_SECONDS
    while not all(tab.quiet for tab in tabs):
        if time.monotonic() > deadline:
            tab = next(tab for tab in tabs if not tab.quiet)
            still_open = sorted(request.url for request in tab.open_requests) or "none"
            pytest.fail(f"{tab.url}: the network was not quiet for {Tab.QUIET_SECONDS} s within "
                        f"{Tab.TIMEOUT_SECONDS:.0f} s; requests still open: {still_open}")
        tabs[0].page.wait_for_timeout(50)  # Playwright delivers every tab's events meanwhile


def visit_all(browser: Browser, urls: Sequence[str], *, own: str, tabs: int = 12) -> dict[str, Seen]:
    """Each page loaded as a reader would, a few tabs at a time, and what each did until its
    network was quiet, at least `Tab.AFTER_READER_SECONDS` after the reader's last action: every
    dialog and every request to an address that does not start with `own`."""
    # A phone's pixel density: srcset's second candidate is the one the browser would fetch.
    context = browser.new_context(device_scale_factor=2)
    seen: dict[str, Seen] = {}
    try:
        open_tabs = [Tab(context, own=own) for _ in range(min(tabs, len(urls)))]
        for start in range(0, len(urls), len(open_tabs)):
            batch = list(zip(open_tabs, urls[start:start + len(open_tabs)]))
            for tab, url in batch:
                tab.open(url)
            for tab, _ in batch:
                tab.act_as_reader()
            wait_until_quiet([tab for tab, _ in batch])
            for tab, url in batch:
                seen[url] = tab.finish()
    finally:
        context.close()
    return seen


# What a reader does with the content: hover every link, button and field, focus it, and click it,
# unless it is a link to another document (a reader may follow it, but no policy governs where a
# page navigates). The payloads that wait for a hover, a focus or a click then act.
_ACT_AS_READER = """article => {
    const leadsAway = element => {
        const href = typeof element.href === "string" ? element.href : element.href && element.href.animVal;
        if (!href) return false;
        const target = new URL(href, document.baseURI);
        return ["http:", "https:", "file:"].includes(target.protocol)
            && target.origin + target.pathname !== location.origin + location.pathname;
    };
    for (const element of article.querySelectorAll("a, button, input, select, textarea, summary, [tabindex]")) {
        element.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
        element.focus();
        if (!leadsAway(element)) element.dispatchEvent(new MouseEvent("click", {bubbles: true, cancelable: true}));
    }
}"""


def act_as_reader(page: Page) -> None:
    for article in page.locator("article").all():
        article.evaluate(_ACT_AS_READER)


# --- The harness sees what runs without the policy ---------------------------------------------


def test_the_harness_sees_payloads_run_on_the_same_pages_without_their_policy(
        browser: Browser, address: str) -> None:
    ran = visit_all(browser, [f"{address}{path}no-policy.html" for path in PAYLOAD_PAGES], own=address)
    script, handlers, requests = ran.values()
    assert {"textarea", "comment", "script", "svg-script", "href"} <= set(script.dialogs), script.dialogs
    assert {"body-onload", "svg-onload", "img-onload", "ontoggle"} <= set(handlers.dialogs), handlers.dialogs
    assert "nav" in handlers.dialogs  # the navigation title's handler, on every page
    asked = {urlsplit(url).path for url in requests.elsewhere}
    assert {"/attr-heading.png", "/import.css", "/srcset.png", "/no-slashes.png", "/frame"} <= asked, asked
    assert "/later.png" in asked, "a request a moment after the reader's last action was missed"


def test_the_harness_sees_every_corpus_case_act_without_the_policy(browser: Browser, address: str) -> None:
    pages = [case_page(case) for case in CORPUS_CASES if "nav_title" not in case]
    ran = visit_all(browser, [f"{address}{path}no-policy.html" for path in ["", *pages]], own=address)
    # Every page holds the navigation: what the home page does, every page does.
    everywhere = ran.pop(f"{address}no-policy.html")
    assert everywhere.dialogs.count("1") == len(NAV_CASES), everywhere  # one for each title
    inert = set()
    for url, seen in ran.items():
        if not (Counter(seen.dialogs) - Counter(everywhere.dialogs) or seen.elsewhere):
            inert.add(url.removeprefix(address).removesuffix("no-policy.html"))
    assert inert == {f"chapters/{name}/" for name in INERT_IN_CHROMIUM}, sorted(inert)


# --- The policy alone holds ---------------------------------------------------------------------


def test_no_page_of_the_site_runs_a_payload_or_asks_another_host(browser: Browser, attacked: Attacked,
                                                                 address: str) -> None:
    pages = sorted(p.relative_to(attacked.site).as_posix().removesuffix("index.html")
                   for p in attacked.site.rglob("index.html"))
    assert {*PAYLOAD_PAGES, "print_page/", *(case_page(case) for case in CORPUS_CASES)} <= set(pages)
    urls = [address + path for path in [*pages, "no-such-page/"] if path not in BEYOND_POLICY]  # and the 404 page
    for url, seen in visit_all(browser, urls, own=address).items():
        assert seen == Seen(), f"{url.removeprefix(address)}: {seen}"


def test_no_page_of_the_offline_edition_runs_a_payload_or_asks_another_host(
        browser: Browser, attacked: Attacked) -> None:
    pages = sorted(attacked.offline.rglob("*.html"))
    names = {page.name for page in pages}
    corpus = {f"{case['name']}.html" for case in CORPUS_CASES}
    assert {"script-payloads.html", "print_page.html", *corpus} <= names
    # The corpus's chapters are read all at once, on the print page; every page holds the
    # navigation's titles.
    left_out = corpus | {f"{path.split('/')[-2]}.html" for path in BEYOND_POLICY}
    urls = [page.as_uri() for page in pages if page.name not in left_out]
    # file:/// is this computer; file://host/ would ask another one.
    gaps = set(OFFLINE_BEYOND_POLICY.values())
    for url, seen in visit_all(browser, urls, own="file:///").items():
        seen.elsewhere = [asked for asked in seen.elsewhere if asked not in gaps]
        assert seen == Seen(), f"{url.removeprefix(attacked.offline.as_uri())}: {seen}"
