"""The offline edition: unzipped anywhere, opened from file://, it works like the site, search
included, and asks nothing of the network."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import psutil
import pytest
from playwright.sync_api import expect

from ebook import offline
from ebook.model import writing
from tests.helpers import ROOT, soup

SLUG = "post-secondary-peer-support-training-curriculum"
CHAPTER_TITLE = "Connection, Disconnection & Reconnection"


@pytest.fixture(scope="module")
def unzipped(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline edition as a reader gets it: unzipped into a folder of their own."""
    target = tmp_path_factory.mktemp("usb-stick")
    with zipfile.ZipFile(site / "downloads" / f"{SLUG}-offline.zip") as archive:
        assert {name.split("/")[0] for name in archive.namelist()} == {f"{SLUG}-offline"}
        archive.extractall(target)
    return target / f"{SLUG}-offline"


def test_search_finds_jesse_and_opens_the_chapter_from_file_urls(unzipped: Path, browser) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((unzipped / "index.html").as_uri())
    page.click("input.md-search__input")
    page.keyboard.type("Jesse")  # typed, as a reader would: search listens for key presses
    result = page.locator(".md-search-result__item").first
    # The results follow each key pressed: the first is the whole word's once they have caught up.
    expect(result).to_contain_text("Jesse", timeout=15_000)
    result.locator("a").first.click()
    page.wait_for_load_state()
    assert page.url.startswith((unzipped / "chapters" / "connection-disconnection-reconnection.html").as_uri())
    assert page.locator("article h1").inner_text().removesuffix("¶") == CHAPTER_TITLE
    assert page.locator("article .admonition.scenario").count() == 1
    page.close()
    # Everything came from the unzipped folder: no request left the reader's computer.
    assert requests and all(url.startswith("file://") for url in requests), [
        url for url in requests if not url.startswith("file://")]


def test_pages_link_to_each_other_as_files(unzipped: Path) -> None:
    home = soup(unzipped / "index.html")
    chapter_link = home.select_one('article a[href$="connection-disconnection-reconnection.html"]')
    assert chapter_link is not None and (unzipped / chapter_link["href"]).is_file()
    assert (unzipped / "search" / "search_index.js").is_file()


def test_downloads_travel_with_it_but_not_itself(site: Path, unzipped: Path) -> None:
    home = soup(unzipped / "index.html")
    epub = home.select_one(f'article a[data-download="downloads/{SLUG}.epub"]')
    assert (unzipped / epub["href"]).read_bytes() == (site / "downloads" / f"{SLUG}.epub").read_bytes()
    assert home.select(f'a[data-download="downloads/{SLUG}-offline.zip"]') == []
    assert "Offline edition (this copy)" in home.select_one("article").get_text()
    assert not (unzipped / "downloads" / f"{SLUG}-offline.zip").exists()


@pytest.mark.build  # the code it calls starts a program
def test_the_second_build_gives_way_to_the_printing(tmp_path: Path) -> None:
    # It runs beside the PDFs' printing, which it is long done before: it is the one to wait.
    build = offline.start_offline_build(ROOT / "mkdocs.yml")
    try:
        assert build.work.name.startswith(f"offline-edition-{os.getpid()}-")
        # Both builds hold the folder's lock: a next build leaves it while either runs.
        lock = str(build.work / writing.LOCK_NAME)
        assert not writing.remove_if_left(build.work)
        assert lock in [opened.path for opened in psutil.Process(build.process.pid).open_files()]
        own = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, build.process.pid) == min(19, own + 10)
    finally:
        offline.stop_offline_build(build)
    assert build.process.poll() is not None and not build.work.exists()


@pytest.mark.build
def test_the_second_build_finds_the_configuration_named_relative_to_where_the_build_started(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `mkdocs build -f book/mkdocs.yml`, run from the folder above the book's
    monkeypatch.chdir(ROOT.parent)
    build = offline.start_offline_build(Path(ROOT.name) / "mkdocs.yml")
    try:
        # It ends by itself, with its pages and what its index is made from, for the book's
        # build to complete; it waits for nothing (raises with its messages if it failed).
        offline.finish_offline_build(build)
        assert (build.site_dir / "index.html").is_file() and build.index_inputs.is_file()
        assert not (build.site_dir / "downloads" / "index.json").exists()
    finally:
        offline.stop_offline_build(build)


@pytest.mark.parametrize(("own", "second"), [(0, 10), (5, 15), (9, 19), (15, 19), (19, 19)])
def test_the_second_build_is_ten_steps_nicer_than_the_build_that_starts_it(own: int, second: int) -> None:
    # A build itself run with `nice` (as CI may) keeps the printing first; 19 is the nicest.
    assert offline.offline_niceness(own) == second


def test_the_404_page_loads_and_links_from_the_folders_root(unzipped: Path) -> None:
    # Opened as a file there is no server to send it for a missing address: a reader opens it
    # at the root of the folder, so its addresses are relative to that root, not to a server's.
    page = soup(unzipped / "404.html")
    addresses = [tag.get("href") or tag.get("src") for tag in page.select("link[href], script[src], a[href]")]
    local = [a.split("#")[0].split("?")[0] for a in addresses if a and not a.startswith(("https:", "http:", "#"))]
    assert local and not [a for a in local if a.startswith("/")]
    assert [a for a in local if not (unzipped / a).is_file()] == []
    assert '"base": "."' in str(page.select_one("#__config"))
