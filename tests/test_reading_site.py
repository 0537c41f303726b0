"""The reading site's metadata, repository links and dates, checked in the built HTML.

`site` is the book as built here; `published_site` is built with SITE_URL and REPO_URL set, as a
deployment builds it (tests/conftest.py); the fixture and git-history tests build their own.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.conftest import PUBLISHED_ENV
from tests.helpers import ROOT, build_fixture, docs_pages, front_matter, git, mkdocs_build, normalise, page_html_path, soup

CHAPTER = "chapters/connection-disconnection-reconnection.md"
# A build's time late on a UTC day: a build that took the day from the local time zone instead of
# UTC (TZ=Pacific/Kiritimati is 14 hours ahead) would show the next day.
BUILD_EPOCH = 1700000000  # 2023-11-14 22:13:20 UTC
BUILD_DAY = "2023-11-14"
SITE_URL = PUBLISHED_ENV["SITE_URL"]
REPO_URL = PUBLISHED_ENV["REPO_URL"]


def meta_content(page, **attrs: str) -> str | None:
    tag = page.head.find("meta", attrs=attrs)
    return tag["content"] if tag else None


def page_url(src_uri: str) -> str:
    stem = src_uri.removesuffix(".md")
    stem = stem.removesuffix("index") if stem == "index" or stem.endswith("/index") else stem + "/"
    return SITE_URL + stem


# --- Descriptions and Open Graph -------------------------------------------------------------


@pytest.mark.parametrize("src_uri", docs_pages())
def test_page_description_is_the_meta_description_and_open_graph(site: Path, src_uri: str) -> None:
    page = soup(page_html_path(site, src_uri))
    description = normalise(front_matter(src_uri)["description"])
    assert normalise(meta_content(page, name="description")) == description
    assert normalise(meta_content(page, property="og:description")) == description
    assert meta_content(page, property="og:site_name") == "Post-Secondary Peer Support Training Curriculum"
    expected_type = "article" if src_uri.startswith("chapters/") and src_uri != "chapters/index.md" else "website"
    assert meta_content(page, property="og:type") == expected_type
    title = front_matter(src_uri)["title"]
    if src_uri != "index.md":
        assert meta_content(page, property="og:title") == title


@pytest.mark.book
def test_every_page_has_a_front_matter_title_and_description() -> None:
    for src_uri in docs_pages():
        meta = front_matter(src_uri)
        assert meta.get("title") and meta.get("description"), src_uri


def test_accessibility_statement_is_in_the_navigation(site: Path) -> None:
    page = soup(page_html_path(site, "index.md"))
    links = {normalise(a.get_text()): a["href"] for a in page.select("nav.md-nav--primary a[href]")}
    assert links.get("Accessibility") == "accessibility/"
    statement = normalise(soup(page_html_path(site, "accessibility.md")).find("article").get_text(" "))
    for part in ("(WCAG) 2.2 at level AA", "How we test", "Known limitations", "Report a barrier"):
        assert part in statement


# --- Published: canonical addresses, sitemap, repository links --------------------------------


@pytest.mark.parametrize("src_uri", docs_pages())
def test_published_pages_have_canonical_addresses_and_edit_links(published_site: Path, src_uri: str) -> None:
    page = soup(page_html_path(published_site, src_uri))
    assert page.head.find("link", rel="canonical")["href"] == page_url(src_uri)
    assert meta_content(page, property="og:url") == page_url(src_uri)
    assert page.find("a", rel="edit")["href"] == f"{REPO_URL}/edit/main/docs/{src_uri}"
    view = page.find("a", title="View source of this page")
    assert view["href"] == f"{REPO_URL}/blob/main/docs/{src_uri}"
    for link in (page.find("a", rel="edit"), view):
        assert normalise(link.get_text()) in ("Edit this page", "View source of this page")


def test_published_sitemap_lists_every_page(published_site: Path) -> None:
    sitemap = (published_site / "sitemap.xml").read_text(encoding="utf-8")
    locations = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    assert locations == {page_url(src_uri) for src_uri in docs_pages()}


def test_repository_link_never_asks_the_github_api(published_site: Path) -> None:
    page = soup(page_html_path(published_site, CHAPTER))
    header_link = page.select_one(".md-header a.md-source")
    assert header_link["href"] == REPO_URL
    # Material's JavaScript fetches stars and forks for this component from api.github.com.
    assert page.find(attrs={"data-md-component": "source"}) is None


def test_book_without_site_or_repository_address_builds_cleanly_without_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SITE_URL", "REPO_URL", "EDIT_URI"):
        monkeypatch.delenv(name, raising=False)
    # Outside any git repository the date falls back to the build's: the epoch the build reads
    # (`make test` exports one from the last commit; here a fixed one, whatever the clock says).
    result, site = build_fixture("page-meta", tmp_path, env={"SOURCE_DATE_EPOCH": str(BUILD_EPOCH)})
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    for src_uri in ("index.md", "meta.md"):
        page = soup(page_html_path(site, src_uri))
        assert page.head.find("link", rel="canonical") is None
        assert meta_content(page, property="og:url") is None
        assert page.find("a", rel="edit") is None and page.select_one("a.md-source") is None
        assert page.select_one(".md-footer time")["datetime"] == BUILD_DAY
    assert "<url>" not in (site / "sitemap.xml").read_text(encoding="utf-8")


def test_front_matter_characters_are_escaped_in_the_metadata(tmp_path: Path) -> None:
    result, site = build_fixture("page-meta", tmp_path)
    assert result.returncode == 0, result.stderr
    head = page_html_path(site, "meta.md").read_text(encoding="utf-8").split("</head>")[0]
    assert 'content="An ampersand &amp; an apostrophe&#39;s place' in head
    page = soup(page_html_path(site, "meta.md"))
    assert meta_content(page, name="description") == "An ampersand & an apostrophe's place in the page's metadata."
    assert meta_content(page, property="og:title") == "Tom's & Jerry's notes"


def test_page_metadata_template_escapes_markup_the_chapter_checks_would_reject() -> None:
    """Defence in depth: hooks/checks.py refuses markup and straight quotes in front matter; were
    one to slip through, the metadata template still writes it as text."""
    from types import SimpleNamespace

    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    hostile = '"><script>alert(1)</script>'
    page = SimpleNamespace(
        meta={"title": hostile, "description": hostile}, title=hostile, is_homepage=False,
        file=SimpleNamespace(src_uri="chapters/x.md", name="x"), canonical_url=None, url="chapters/x/",
        previous_page=None, next_page=None,
    )
    env = config.theme.get_env()
    html = env.get_template("partials/page-meta.html").render(page=page, config=config, base_url=".", mkdocs_version="1")
    assert "<script>" not in html
    tags = soup_of(html)
    assert tags.find("meta", attrs={"name": "description"})["content"] == hostile
    assert tags.find("meta", attrs={"property": "og:title"})["content"] == hostile


# --- Links: files and new tabs ----------------------------------------------------------------

FILE_TYPES = {".pdf": "PDF", ".epub": "EPUB", ".zip": "ZIP", ".docx": "Word", ".odt": "ODT", ".csv": "CSV"}
SIZE = re.compile(r"\b\d+(?:[.,]\d+)?\s?(?:bytes|[kKMG]B)\b")


def file_link_problems(html: str, where: str) -> list[str]:
    """Links to files whose text does not say the file's type and size; links that open a new
    tab or window without saying so."""
    problems = []
    for link in soup_of(html).find_all("a"):
        text = normalise(" ".join([link.get_text(" "), link.get("aria-label", ""), link.get("title", "")]))
        href = (link.get("data-download") or link.get("href") or "").split("#")[0].split("?")[0]
        suffix = Path(href).suffix.lower()
        if link.has_attr("data-download") or "downloads/" in href or suffix in FILE_TYPES:
            kind = FILE_TYPES.get(suffix, suffix.lstrip(".").upper())
            if kind not in text or not SIZE.search(text):
                problems.append(f"{where}: {href!r} does not say its type ({kind}) and size: {text!r}")
        if link.get("target") not in (None, "_self", "_top", "_parent") and not re.search(r"new (tab|window)", text, re.I):
            problems.append(f"{where}: {href!r} opens a new tab without saying so: {text!r}")
    return problems


def soup_of(html: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def test_file_link_check_finds_unlabelled_files_and_silent_new_tabs() -> None:
    bad = '<a href="downloads/book.pdf">Book</a><a href="x.epub">EPUB</a><a href="https://e.org" target="_blank">E</a>'
    good = ('<a data-download="downloads/h.pdf" href="downloads/h.pdf">Handout (PDF, 210 KB)</a>'
            '<a href="https://e.org" target="_blank">E (opens in a new tab)</a>')
    assert len(file_link_problems(bad, "x")) == 3
    assert file_link_problems(good, "x") == []


def test_every_link_to_a_file_says_type_and_size_and_none_opens_a_silent_new_tab(published_site: Path) -> None:
    pages = sorted(published_site.rglob("*.html"))
    assert len(pages) >= len(docs_pages()) + 2  # the print page and the 404 page too
    problems = [p for path in pages for p in file_link_problems(path.read_text(encoding="utf-8"), str(path.relative_to(published_site)))]
    assert problems == []


# --- Last updated, from git, in full and shallow clones ----------------------------------------


def project_files() -> list[str]:
    """The project's files as a commit would hold them (tracked and new, not ignored)."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    return [f for f in listed if (ROOT / f).is_file()]


def footer_date(site: Path, src_uri: str) -> str:
    return soup(page_html_path(site, src_uri)).select_one(".md-footer .book-updated time")["datetime"]


def footer_text(site: Path, src_uri: str) -> str:
    return normalise(soup(page_html_path(site, src_uri)).select_one(".md-footer .book-updated").get_text(" "))


def copy_project(dest: Path) -> Path:
    for name in project_files():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)
    return dest


def test_last_updated_comes_from_git_history_even_in_a_shallow_clone(tmp_path: Path) -> None:
    full = copy_project(tmp_path / "full")
    git(full, "init", "-q")
    git(full, "add", "-A")
    git(full, "commit", "-qm", "First", date="2024-03-01T12:00:00+00:00")
    about = full / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    git(full, "commit", "-qam", "Second", date="2025-01-15T23:30:00-05:00")  # 16 January in UTC
    # Edits not committed yet do not change a page's date.
    (full / "docs" / "index.md").write_text((full / "docs" / "index.md").read_text(encoding="utf-8") + "\nDraft.\n",
                                            encoding="utf-8")

    built = mkdocs_build(full / "mkdocs.yml", tmp_path / "full-site", env={"BOOK_EXPORTS": "0"})
    assert built.returncode == 0, built.stderr
    assert footer_date(tmp_path / "full-site", CHAPTER) == "2024-03-01"
    assert footer_text(tmp_path / "full-site", CHAPTER) == "Last updated: March 1, 2024"
    assert footer_date(tmp_path / "full-site", "about.md") == "2025-01-16"
    assert footer_text(tmp_path / "full-site", "about.md") == "Last updated: January 16, 2025"
    assert footer_date(tmp_path / "full-site", "index.md") == "2024-03-01"

    # A CI checkout of one commit: every page has that commit's date, and the build still passes
    # in strict mode although the plugin advises fetching the full history.
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", full.as_uri(), str(shallow))
    built = mkdocs_build(shallow / "mkdocs.yml", tmp_path / "shallow-site",
                         env={"GITHUB_ACTIONS": "true", "BOOK_EXPORTS": "0"})
    assert built.returncode == 0, built.stderr
    assert "shallow clone" in built.stderr and "fetch-depth: 0" in built.stderr  # said, as information
    for src_uri in (CHAPTER, "about.md"):
        assert footer_date(tmp_path / "shallow-site", src_uri) == "2025-01-16"


def test_outside_git_every_page_shows_the_build_date(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "no-git")
    epoch = int(datetime(2026, 2, 3, 4, 5, tzinfo=timezone.utc).timestamp())
    built = mkdocs_build(project / "mkdocs.yml", tmp_path / "site",
                         env={"BOOK_EXPORTS": "0", "SOURCE_DATE_EPOCH": str(epoch)})
    assert built.returncode == 0, built.stderr
    assert "every page shows the build date" in built.stderr
    for src_uri in docs_pages():
        assert footer_text(tmp_path / "site", src_uri) == "Last updated: February 3, 2026", src_uri


def test_every_page_shows_when_it_was_last_updated(site: Path) -> None:
    for src_uri in docs_pages():
        updated = soup(page_html_path(site, src_uri)).select_one(".md-footer .book-updated")
        assert updated is not None, src_uri
        assert normalise(updated.get_text(" ")).startswith("Last updated:")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", updated.time["datetime"])
