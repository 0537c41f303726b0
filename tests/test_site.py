"""The real book, built with the project's own mkdocs.yml: what a reader and a re-user get."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.helpers import (
    chapter_pages,
    docs_pages,
    normalise,
    page_html_path,
    soup,
    source_prompts,
    source_sentences,
)

CHAPTER = "chapters/connection-disconnection-reconnection.md"
BOOK_SOURCE = "https://opentextbc.ca/peersupport/"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


def chapter_article(site: Path):
    return soup(page_html_path(site, CHAPTER)).find("article")


@pytest.mark.parametrize("src_uri", docs_pages())
def test_every_page_credits_the_original_work(site: Path, src_uri: str) -> None:
    page = soup(page_html_path(site, src_uri))
    blocks = page.select("article .book-attribution")
    assert len(blocks) == 1, f"{src_uri}: expected one attribution block"
    block = blocks[0]
    text = normalise(block.get_text(" "))
    assert "Post-Secondary Peer Support Training Curriculum" in text
    assert "Jenn Cusick" in text
    hrefs = [a["href"] for a in block.find_all("a")]
    assert BOOK_SOURCE in hrefs
    assert block.find("a", rel="license") is not None
    assert CC_BY in hrefs
    # The block closes the page's content, the same place on every page.
    assert block is page.find("article").find_all(recursive=False)[-1] or block.find_next_sibling() is None
    # Machine-readable too.
    assert page.head.find("link", rel="license") is not None
    data = json.loads(page.head.find("script", type="application/ld+json").string)
    assert data["@context"] == "https://schema.org"


def test_chapter_is_described_as_a_chapter_of_the_book(site: Path) -> None:
    page = soup(page_html_path(site, CHAPTER))
    data = json.loads(page.head.find("script", type="application/ld+json").string)
    assert data["@type"] == "Chapter"
    heading = page.find("h1")
    for permalink in heading.select(".headerlink"):  # the heading's ¶, not its text
        permalink.decompose()
    assert data["name"] == heading.get_text(strip=True)
    # Part of this edition, which is based on the original book.
    assert data["isPartOf"]["@type"] == "Book" and data["isPartOf"]["isBasedOn"]["url"] == BOOK_SOURCE
    assert data["author"]["name"] == "Jenn Cusick"
    assert data["license"] == CC_BY
    assert data["isBasedOn"]["author"]["name"] == "Jenn Cusick"
    assert page.head.find("link", rel="license")["href"] == CC_BY


def test_print_page_carries_each_pages_attribution(site: Path) -> None:
    print_page = soup(site / "print_page" / "index.html")
    sections = print_page.select("#print-site-page section.print-page[id]:not(.md-section)")
    assert sections, "the print page has no pages"
    for section in sections:
        assert len(section.select(".book-attribution")) == 1, section.get("id")
    chapter = next(s for s in sections if s["id"] == "chapters-connection-disconnection-reconnection")
    assert "This page is adapted from" in chapter.select_one(".book-attribution").get_text()


def test_every_sentence_of_the_source_is_in_the_chapter_word_for_word(site: Path) -> None:
    text = normalise(chapter_article(site).get_text(" "))
    sentences = source_sentences()
    assert len(sentences) > 30
    missing = [s for s in sentences if s not in text]
    assert not missing


def test_source_footer_is_not_chapter_text(site: Path) -> None:
    text = chapter_article(site).get_text(" ")
    assert "Share This Book" not in text
    assert "Icon for the Creative Commons" not in text


def test_jesse_and_sam_example_is_a_scenario_admonition(site: Path) -> None:
    scenarios = chapter_article(site).select(".admonition.scenario")
    assert len(scenarios) == 1
    text = normalise(scenarios[0].get_text(" "))
    assert "Let’s look at an example. Jesse is a peer working a shift" in text
    assert "Jesse was so worried about his own situation" in text
    assert scenarios[0].select_one(".admonition-title") is not None


def test_consider_this_alternative_has_its_own_admonition(site: Path) -> None:
    boxes = chapter_article(site).select(".admonition.consider")
    assert len(boxes) == 1
    assert "Consider this…What if Jesse came back to the table" in normalise(boxes[0].get_text(" "))


def test_reflection_prompts_are_one_list_item_each(site: Path) -> None:
    boxes = chapter_article(site).select(".admonition.reflection")
    assert len(boxes) == 1
    assert normalise(boxes[0].select_one(".admonition-title").get_text()) == "For Reflection"
    items = [normalise(li.get_text(" ")) for li in boxes[0].select("li")]
    assert items == source_prompts()


def test_admonition_types_are_styled_once_in_the_stylesheet(site: Path) -> None:
    css = (site / "stylesheets" / "extra.css").read_text(encoding="utf-8")
    for kind in ("scenario", "consider", "reflection"):
        assert f"--md-admonition-icon--{kind}:" in css
        assert f".md-typeset .admonition.{kind}" in css


def test_search_index_has_the_chapter_text(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    chapter_docs = [d for d in index["docs"] if d["location"].startswith("chapters/connection-disconnection-reconnection/")]
    text = " ".join(d["text"] for d in chapter_docs)
    assert "Jesse is a peer working a shift" in text
    assert "This is reconnection." in text


def test_search_finds_pages_by_their_text_not_by_the_credit_every_page_carries(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not [d["location"] for d in index["docs"] if "Original work" in d["text"]]
    # The credit is still on the page, for every reader, and About this book is still found.
    chapter = soup(page_html_path(site, "chapters/connection-disconnection-reconnection.md"))
    assert "Original work:" in chapter.select_one(".book-attribution").get_text()
    assert any(d["location"].startswith("about/") and "CC BY 4.0" in d["text"] for d in index["docs"])


# Material's JavaScript names these hosts but only loads from them when a page needs it; each
# condition is checked below against the built HTML, so the test fails if one becomes true.
CONDITIONAL_JS_HOSTS = {
    "unpkg.com": "mermaid diagrams (a .mermaid element) or a browser without ResizeObserver",
    "api.github.com": "the repository widget (data-md-component=source)",
    "clipboardjs.com": "a licence comment, never fetched",
    "lunrjs.com": "a licence comment, never fetched",
    "tartarus.org": "a comment in the stemmer, never fetched",
    "bit.ly": "a comment in the search worker, never fetched",
}
RESOURCE_URL = re.compile(r"""(?:src|href|srcset|poster|data)\s*=\s*["']([^"']+)""", re.I)
CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])([^"')]+)""", re.I)
ABSOLUTE = re.compile(r"""(?:https?:)?//([a-z0-9.-]+\.[a-z]{2,})""", re.I)


def _resource_hosts(site: Path) -> dict[str, set[str]]:
    """Hosts each HTML or CSS file would load something from (links to read elsewhere aside)."""
    found: dict[str, set[str]] = {}
    for path in site.rglob("*"):
        if path.suffix == ".html":
            page = soup(path)
            urls = [tag.get(attr) for tag in page.find_all(["script", "img", "iframe", "source", "video", "audio", "embed", "object", "link"])
                    for attr in ("src", "data", "poster", "srcset") if tag.get(attr)]
            # <link> loads stylesheets, icons, preloads, manifests; rel=license/canonical are names, not loads.
            urls += [link["href"] for link in page.find_all("link", href=True)
                     if not set(link.get("rel", [])) & {"license", "canonical", "alternate", "prev", "next"}]
            urls += CSS_URL.findall(" ".join(style.get_text() for style in page.find_all("style")))
        elif path.suffix == ".css":
            urls = CSS_URL.findall(path.read_text(encoding="utf-8"))
        else:
            continue
        hosts = {m.group(1).lower() for u in urls if (m := ABSOLUTE.match(u.strip()))}
        hosts = {h for h in hosts if h != "www.w3.org"}  # SVG namespace inside data: URLs
        if hosts:
            found[str(path.relative_to(site))] = hosts
    return found


def test_no_page_or_stylesheet_loads_from_another_host(site: Path) -> None:
    assert _resource_hosts(site) == {}


def _scripts_that_run(site: Path) -> set[Path]:
    """Every script a page includes, and the search worker those scripts start."""
    scripts = set(site.glob("assets/javascripts/workers/*.js"))
    for path in site.rglob("*.html"):
        for tag in soup(path).find_all("script", src=True):
            src = tag["src"]
            if not ABSOLUTE.match(src):
                # 404.html links from the site's root, other pages relatively.
                scripts.add(((site / src.lstrip("/")) if src.startswith("/") else (path.parent / src)).resolve())
    return scripts


def test_javascript_names_no_host_it_would_load_from(site: Path) -> None:
    scripts = _scripts_that_run(site)
    assert any("bundle" in s.name for s in scripts)
    for path in scripts:
        for host in {h.lower() for h in re.findall(r"https?://([a-z0-9.-]+)", path.read_text(encoding="utf-8"), re.I)}:
            assert host in CONDITIONAL_JS_HOSTS or host == "www.w3.org", f"{path.name} names {host}"
    html = " ".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    assert 'class="mermaid' not in html
    assert 'data-md-component="source"' not in html


def test_no_google_fonts(site: Path) -> None:
    for path in list(site.rglob("*.html")) + list(site.rglob("*.css")):
        text = path.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, path


@pytest.mark.parametrize("src_uri", ["index.md", "chapters/index.md"])
def test_the_home_page_and_the_chapters_page_list_every_chapter_in_reading_order(site: Path, src_uri: str) -> None:
    page = page_html_path(site, src_uri)
    links = [(page.parent / a["href"]).resolve() for a in soup(page).select("article ol > li > a")]
    assert links == [page_html_path(site, chapter).parent.resolve() for chapter in chapter_pages()]
