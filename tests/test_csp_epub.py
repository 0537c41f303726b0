"""The EPUB has no script and loads nothing from outside itself: what would run or fetch stops
the build with the chapter named, and the built books hold neither."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree
from mkdocs.exceptions import PluginError

from ebook.epub.convert import ConvertedChapter, EpubChapter, convert_chapter
from tests.epubs import Epub
from tests.helpers import BOOK_BUILD_ENV, build_fixture
from tests.test_build_outputs import BOOK_SLUG

EPUB_FILES = {"chapters/one/": "text/chapters/one.xhtml"}


def convert(html: str) -> ConvertedChapter:
    chapter = EpubChapter(src_uri="chapters/one.md", url="chapters/one/", title="One", html=html)
    return convert_chapter(chapter, EPUB_FILES, site_url=None)


@pytest.mark.parametrize(("html", "said"), [
    ('<p><img src="../img/a.png" alt="a" onerror="alert(1)"></p>', "onerror='alert(1)'"),
    ('<details ontoggle="alert(1)" open><summary>S</summary>x</details>', "ontoggle"),
    ('<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text>Click</text></a></svg>', "<animate>"),
    ('<svg><set attributeName="href" to="javascript:alert(1)"/></svg>', "<set>"),
    ('<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>', "script or data address"),
    ('<p><a href="x" style="background:url(http://other.example/x)">x</a></p>', "loads a file from its style"),
    ("<style>@import url(http://other.example/x.css)</style><p>x</p>", "<style>"),
    ('<picture><source srcset="a.png 1x, http://other.example/x.png 2x"><img src="../img/a.png" alt="a"></picture>',
     "srcset"),
    ('<p><img src="https:other.example/x" alt="x"></p>', "not a file of the book"),
    ('<svg><image href="//other.example/x.png"/></svg>', "another site"),
    ('<link rel="stylesheet" href="http://other.example/x.css"><p>x</p>', "<link>"),
    ('<p><input type="image" src="http://other.example/x.png" alt="x"></p>', "another site"),
    ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', "<iframe>"),
    ("<svg><script>alert(1)</script></svg>", "<script>"),
])
def test_script_and_other_sites_stop_the_epub_naming_the_chapter(html: str, said: str) -> None:
    with pytest.raises(PluginError, match=r"docs/chapters/one\.md: ") as raised:
        convert(html)
    assert said in str(raised.value)


def test_what_the_book_uses_still_converts() -> None:
    converted = convert('<p><img src="../img/a.png" alt="a"> <a href="https://example.org/">out</a> '
                        '<a href="javascript:alert(1)">words</a></p>')
    assert "javascript" not in converted.body and 'href="https://example.org/"' in converted.body


# --- The built books -------------------------------------------------------------------------

XHTML_NS = "{http://www.w3.org/1999/xhtml}"


def script_or_remote(book: Epub) -> list[str]:
    """Everything in the EPUB that would run script or be fetched from outside it."""
    found = []
    for name, data in book.files.items():
        if name.endswith(".css") and re.search(rb"url\(\s*['\"]?[a-z]+:|@import", data, re.I):
            found.append(f"{name}: a stylesheet that fetches")
        if not name.endswith((".xhtml", ".svg")):
            continue
        for element in etree.fromstring(data).iter(etree.Element):
            tag = etree.QName(element).localname
            if tag == "script":
                found.append(f"{name}: <script>")
            for attribute, value in element.attrib.items():
                attribute = etree.QName(attribute).localname
                if attribute.startswith("on") or "javascript:" in value.lower() or "url(" in value.lower():
                    found.append(f"{name}: <{tag} {attribute}={value!r}>")
                elif attribute in ("src", "srcset", "poster", "data", "href") and not (tag == "a" and attribute == "href") \
                        and any(urlsplit(part.strip()).scheme for part in value.split(",")):
                    found.append(f"{name}: <{tag} {attribute}={value!r}>")
    return found


def test_the_real_book_s_epub_has_no_script_and_nothing_remote(site: Path) -> None:
    book = Epub(site / "downloads" / f"{BOOK_SLUG}.epub")
    assert any(name.endswith(".xhtml") for name in book.files)
    assert script_or_remote(book) == []


def test_a_fixture_book_s_epub_has_no_script_and_nothing_remote(tmp_path: Path) -> None:
    result, site = build_fixture("epub-book", tmp_path, env=BOOK_BUILD_ENV)
    assert result.returncode == 0, result.stderr
    assert script_or_remote(Epub(site / "downloads" / f"{BOOK_SLUG}.epub")) == []


def test_the_check_of_the_built_book_finds_what_it_looks_for() -> None:
    class Made(Epub):
        def __init__(self, files: dict[str, bytes]) -> None:
            self.files = files

    xhtml = (b'<html xmlns="http://www.w3.org/1999/xhtml"><body><script>x</script>'
             b'<img src="http://other.example/x" onerror="x"/></body></html>')
    assert len(script_or_remote(Made({"a.xhtml": xhtml, "b.css": b"@import 'x.css';"}))) == 4
