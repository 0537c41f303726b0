"""The book model (ebook/model/book.py): what a chapter is, the one slug, the downloads' names."""

from __future__ import annotations

from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError

from ebook.model import book as m
from ebook.model.settings import Settings, parse_settings
from tests.helpers import ROOT

SETTINGS = parse_settings(load_config(str(ROOT / "mkdocs.yml")), {})
BOOK = m.Book(SETTINGS, title="A Book: Its Title", description="", site_url="")
CHAPTERS = SETTINGS.book.chapters_dir


@pytest.mark.parametrize("src_uri, chapter", [
    (f"{CHAPTERS}/one.md", True),
    (f"{CHAPTERS}/part/two.md", True),
    (f"{CHAPTERS}/index.md", False),
    (f"{CHAPTERS}/README.md", False),
    ("about.md", False),
    (f"{CHAPTERS}-extra/one.md", False),
])
def test_a_chapter_is_a_page_of_the_chapters_folder_other_than_its_index(src_uri: str, chapter: bool) -> None:
    assert BOOK.is_chapter(src_uri) is chapter


def test_the_chapters_are_the_navigations_chapters_in_its_order() -> None:
    pages = [("index.md", ""), (f"{CHAPTERS}/index.md", f"{CHAPTERS}/"), (f"{CHAPTERS}/b.md", f"{CHAPTERS}/b/"),
             ("about.md", "about/"), (f"{CHAPTERS}/a.md", f"{CHAPTERS}/a/")]
    book = BOOK.with_chapters(pages)
    assert [(c.src_uri, c.url, c.slug) for c in book.chapters] == [
        (f"{CHAPTERS}/b.md", f"{CHAPTERS}/b/", "b"), (f"{CHAPTERS}/a.md", f"{CHAPTERS}/a/", "a")]
    assert book.settings is BOOK.settings and BOOK.chapters == ()


@pytest.mark.parametrize("src_uri, slug", [
    ("chapters/connection.md", "connection"), ("chapters/Listening.md", "listening"),
    ("chapters/index.md", "chapters"), ("chapters/README.md", "chapters"), ("index.md", ""),
])
def test_a_pages_slug_is_its_file_name_or_its_folders_for_an_index(src_uri: str, slug: str) -> None:
    assert m.page_slug(src_uri) == slug


def test_the_downloads_are_named_after_the_books_and_the_chapters_slugs() -> None:
    assert BOOK.slug == "a-book-its-title"
    assert BOOK.download_path("book") == "downloads/a-book-its-title.pdf"
    assert BOOK.download_path("handout", "one") == "downloads/handouts/one.pdf"
    assert BOOK.download_path("worksheet", "one") == "downloads/worksheets/one-reflection.pdf"
    assert BOOK.download_path("epub") == "downloads/a-book-its-title.epub"
    assert BOOK.download_path("offline") == "downloads/a-book-its-title-offline.zip"


def settings_with(**book: Any) -> Settings:
    config = load_config(str(ROOT / "mkdocs.yml"))
    config.extra["book"] = {**config.extra["book"], **book}
    return parse_settings(config, {})


def test_the_books_slug_is_extra_book_slug_when_set() -> None:
    book = m.Book(settings_with(slug="peer-support"), title="Учебник поддержки", description="", site_url="")
    assert book.slug == "peer-support"
    assert book.download_path("book") == "downloads/peer-support.pdf"
    assert book.download_path("offline") == "downloads/peer-support-offline.zip"


@pytest.mark.parametrize("title, slug", [
    ("A Book: Its Title", "a-book-its-title"), ("Café 2", "cafe-2"), ("x" * 100, "x" * 100),
])
def test_a_site_name_that_names_the_downloads_is_kept(title: str, slug: str) -> None:
    assert m.Book(SETTINGS, title=title, description="", site_url="").slug == slug


@pytest.mark.parametrize("title, why", [
    ("Учебник поддержки", "'Учебник поддержки' has no Latin letter or digit to name the downloads after"),
    ("!!!", "'!!!' has no Latin letter or digit to name the downloads after"),
    ("", "'' has no Latin letter or digit to name the downloads after"),
    ("x" * 101, f"'{'x' * 40}…' makes a download name of 101 characters, more than 100"),
    (" ".join(f"word{n}" for n in range(50)),
     "'word0 word1 word2 word3 word4 word5 word…' makes a download name of 339 characters, more than 100"),
])
def test_a_site_name_that_cannot_name_the_downloads_stops_the_book(title: str, why: str) -> None:
    with pytest.raises(PluginError) as error:
        m.Book(SETTINGS, title=title, description="", site_url="")
    assert str(error.value) == (
        f"mkdocs.yml: site_name: {why}: set extra.book.slug to the downloads' name, e.g. peer-support-training "
        "(up to 60 letters a-z, digits and hyphens between them).")
    assert m.Book(settings_with(slug="my-book"), title=title, description="", site_url="").slug == "my-book"
