"""The reading site's type, boxes, headings, credit and footer, as a reader sees them: in the system
Chromium at 320, 390 and 1280 CSS pixels wide, in the light and the dark scheme, on the book as
published (fixtures in tests/conftest.py). Pages and chapters are read from the book itself."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Browser, Page

from ebook.model.credits import LICENCES
from tests import browsing
from tests.browsing import address_of, reader
from tests.helpers import book_config, chapter_pages, docs_pages, nav_titles

WIDTHS = [320, 390, 1280]
SCHEMES = ["light", "dark"]
BOOK = book_config()["extra"]["book"]
SITE_NAME = book_config()["site_name"]
AA = 4.5  # WCAG 1.4.3, text of any size
FONT_BUDGET = 100 * 1024  # the text face's files, all of them


PAGES = [address_of(src_uri) for src_uri in docs_pages()]
CHAPTERS = [address_of(src_uri) for src_uri in chapter_pages()]


def goto(page: Page, address: str, path: str) -> None:
    browsing.goto(page, address, path)
    page.evaluate("document.fonts.ready")


# What the tests read in the page: colours as the browser computes them (rgb(), rgba() or
# color(srgb ...)), what is behind an element (its ancestors' backgrounds, blended), the WCAG
# contrast ratio of an element's text, and the page's body text.
PROBE = """
window.bookProbe = window.bookProbe || (() => {
  const parse = (value) => {
    let m = value.match(/^rgba?\\(([^)]*)\\)$/);
    if (m) {
      const [r, g, b, a = 1] = m[1].split(/[\\s,/]+/).filter(Boolean).map(Number);
      return [r, g, b, a];
    }
    m = value.match(/^color\\(srgb ([^)]*)\\)$/);
    if (m) {
      const [r, g, b, a = 1] = m[1].split(/[\\s/]+/).filter(Boolean).map(Number);
      return [r * 255, g * 255, b * 255, a];
    }
    throw new Error("unknown colour " + value);
  };
  const over = (top, below) => {
    const a = top[3] + below[3] * (1 - top[3]);
    return [0, 1, 2].map(i => (top[i] * top[3] + below[i] * below[3] * (1 - top[3])) / (a || 1)).concat([a]);
  };
  const behind = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    return layers.reverse().reduce((below, top) => over(top, below), [255, 255, 255, 1]);
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (element) => {
    const back = behind(element);
    const fore = over(parse(getComputedStyle(element).color), back);
    const [l1, l2] = [luminance(fore), luminance(back)].sort((x, y) => y - x);
    return (l1 + 0.05) / (l2 + 0.05);
  };
  // The body text: the style most of the article's plain paragraphs have (a page may set its
  // first paragraph larger, or other engineers' notes smaller).
  const body = () => {
    const paragraphs = [...document.querySelectorAll("article.md-content__inner > p:not([class])")];
    const count = new Map();
    for (const p of paragraphs) {
      const key = getComputedStyle(p).fontSize;
      count.set(key, (count.get(key) || 0) + p.textContent.length);
    }
    const size = [...count].sort((a, b) => b[1] - a[1])[0][0];
    return paragraphs.find(p => getComputedStyle(p).fontSize === size);
  };
  return {parse, behind, contrast, body};
})();
"""


def evaluate(page: Page, script: str, arg: Any = None) -> Any:
    page.evaluate(PROBE)
    return page.evaluate(script, arg)


Views = Callable[[int, str], dict[str, dict[str, Any]]]


@pytest.fixture(scope="module")
def views(browser: Browser, site_address: str) -> Views:
    """What each page shows at a width and in a scheme, read once for all the tests below: one
    visit per page (the scripts below only read, but HEADINGS, which turns the book's
    stylesheets off and on again, reads last)."""
    cache: dict[tuple[int, str], dict[str, dict[str, Any]]] = {}

    def view(width: int, scheme: str) -> dict[str, dict[str, Any]]:
        if (width, scheme) not in cache:
            found: dict[str, dict[str, Any]] = {}
            with reader(browser, width, scheme) as page:
                for path in PAGES:
                    goto(page, site_address, path)
                    found[path] = {
                        "boxes": evaluate(page, BOXES),
                        "frame": evaluate(page, FRAME_TEXT),
                        "credit": evaluate(page, CREDIT, [BOOK["source_url"], LICENCES[BOOK["license"]].url]),
                        "footer": evaluate(page, FOOTER),
                        "terms": evaluate(page, TERMS),
                        "sideways": page.evaluate(SIDEWAYS),
                        "outside": page.evaluate(OUTSIDE),
                        "headings": evaluate(page, HEADINGS),
                    }
            cache[width, scheme] = found
        return cache[width, scheme]
    return view


# --- Boxes: the text of the book, at the size of the text around them -------------------------

BOXES = """() => {
  const size = (e) => getComputedStyle(e).fontSize;
  const body = bookProbe.body();
  return {
    body: body && size(body),
    bodyLineHeight: body && getComputedStyle(body).lineHeight,
    boxes: [...document.querySelectorAll("article .admonition, article details")].map(box => {
      const title = box.querySelector(":scope > .admonition-title, :scope > summary");
      const s = getComputedStyle(box);
      return {
        kind: [...box.classList].filter(c => c !== "admonition").join(" "),
        text: [...box.querySelectorAll(":scope > p:not(.admonition-title), :scope li")].map(e => ({
          size: size(e), lineHeight: getComputedStyle(e).lineHeight, contrast: bookProbe.contrast(e),
        })),
        title: title && {size: size(title), weight: Number(getComputedStyle(title).fontWeight),
                         contrast: bookProbe.contrast(title)},
        border: [s.borderTopStyle, s.borderTopWidth].join(" "),
        borderWidth: parseFloat(s.borderTopWidth),
        paddingLeft: parseFloat(s.paddingLeft),
      };
    }),
  };
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_text_in_a_box_is_the_size_of_the_body_text_with_a_clear_title(views: Views, width: int, scheme: str) -> None:
    seen = 0
    for path in CHAPTERS:
        found = views(width, scheme)[path]["boxes"]
        for box in found["boxes"]:
            seen += 1
            assert box["text"], (path, box["kind"])
            for text in box["text"]:
                assert text["size"] == found["body"], (path, box["kind"], text, found["body"])
                assert text["lineHeight"] == found["bodyLineHeight"], (path, box["kind"])
                assert text["contrast"] >= AA, (path, box["kind"], text)
            # Room around the text, and a title at least as large as the text, in bold.
            assert box["paddingLeft"] >= 10, (path, box["kind"])
            title = box["title"]
            assert title is not None, (path, box["kind"])
            assert float(title["size"].removesuffix("px")) >= float(found["body"].removesuffix("px"))
            assert title["weight"] >= 600 and title["contrast"] >= AA, (path, box["kind"], title)
            assert box["borderWidth"] >= 1, (path, box["kind"])
        # In greyscale each kind of box is told apart by its border, not its colour alone.
        borders = {box["kind"]: box["border"] for box in found["boxes"]}
        assert len(set(borders.values())) == len(borders), (path, borders)
    assert seen, "no chapter has a box: the test would prove nothing"


# --- Headings: the book's, not Material's thin grey --------------------------------------------

# Each heading's weight and colour, with the book's stylesheets on and then off (Material's own).
HEADINGS = """() => {
  const read = () => [...document.querySelectorAll("article.md-content__inner :is(h1, h2, h3)")]
    .filter(h => !h.closest(".book-attribution"))
    .map(h => ({tag: h.tagName, weight: Number(getComputedStyle(h).fontWeight),
                colour: getComputedStyle(h).color, contrast: bookProbe.contrast(h),
                text: h.textContent.trim().slice(0, 40)}));
  const own = [...document.querySelectorAll('link[rel="stylesheet"]')]
    .filter(link => !link.href.includes("/assets/stylesheets/"));
  const book = read();
  own.forEach(link => { link.disabled = true; });
  const material = read();
  own.forEach(link => { link.disabled = false; });
  return {book, material};
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_headings_are_set_in_the_books_weight_and_ink(views: Views, width: int, scheme: str) -> None:
    for path in PAGES:
        found = views(width, scheme)[path]["headings"]
        assert found["book"] and len(found["book"]) == len(found["material"]), path
        assert [h["tag"] for h in found["book"]].count("H1") == 1, path
        for book, material in zip(found["book"], found["material"]):
            where = (path, book["tag"], book["text"])
            assert book["weight"] >= 600 and book["weight"] != material["weight"], (where, book, material)
            assert book["colour"] != material["colour"], (where, book, material)
            assert book["contrast"] >= AA, (where, book)


# --- The credit: once on each page, in a calm note ---------------------------------------------

# The page as its frame and the credit show it: the author's own text (the article's other
# children) hidden, what is left read as the reader sees it (innerText leaves out hidden text).
FRAME_TEXT = """() => {
  const article = document.querySelector("article.md-content__inner");
  const hidden = [...article.children].filter(e => !e.classList.contains("book-attribution"));
  hidden.forEach(e => { e.dataset.was = e.style.display; e.style.setProperty("display", "none", "important"); });
  const text = document.body.innerText;
  hidden.forEach(e => { e.style.display = e.dataset.was; delete e.dataset.was; });
  return text;
}"""

CREDIT = """([source, licence]) => {
  const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const notes = [...document.querySelectorAll(".book-attribution")].filter(shown);
  const body = getComputedStyle(bookProbe.body());
  return notes.map(note => ({
    text: note.innerText,
    sources: [...note.querySelectorAll("a")].filter(a => a.href === source && shown(a)).length,
    licences: [...note.querySelectorAll("a")].filter(a => a.href === licence && shown(a)).length,
    size: parseFloat(getComputedStyle(note).fontSize), bodySize: parseFloat(body.fontSize),
    colour: getComputedStyle(note).color, bodyColour: body.color,
    contrast: Math.min(...[note, ...note.querySelectorAll("p, a, strong, cite")].map(bookProbe.contrast)),
  }));
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_each_page_credits_the_original_once_in_a_calm_note(views: Views, width: int, scheme: str) -> None:
    # "Title by Author": the credit, as the note gives it and as the old footer repeated it.
    credit = re.compile(re.escape(BOOK["title"]) + r"\W*\s+by\s+" + re.escape(BOOK["author"]))
    for path in PAGES:
        found = views(width, scheme)[path]
        assert len(credit.findall(found["frame"])) == 1, path
        (note,) = found["credit"]
        assert credit.search(note["text"]), path
        assert note["sources"] >= 1 and note["licences"] >= 1, (path, note)
        # Calm: smaller and quieter than the text, still AA.
        assert note["size"] < note["bodySize"] and note["colour"] != note["bodyColour"], (path, note)
        assert note["contrast"] >= AA, (path, note)


# --- The footer: the book's, not the theme's ---------------------------------------------------

FOOTER = """() => {
  const meta = document.querySelector(".md-footer-meta");
  return {
    text: meta.innerText,
    links: [...meta.querySelectorAll("a")].map(a => ({text: a.innerText.trim(), href: a.href,
                                                       contrast: bookProbe.contrast(a)})),
    contrast: Math.min(...[...meta.querySelectorAll("p, li")].map(bookProbe.contrast)),
  };
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_footer_names_the_book_and_its_pages_not_the_theme(
        views: Views, site_address: str, width: int, scheme: str) -> None:
    titles = nav_titles()
    about = {titles[src]: address_of(src) for src in ("about.md", "accessibility.md") if src in titles}
    for path in PAGES:
        footer = views(width, scheme)[path]["footer"]
        assert "Made with" not in footer["text"] and "Material for MkDocs" not in footer["text"], path
        assert SITE_NAME in footer["text"], path
        assert "Last updated" in footer["text"], path
        assert all(urlsplit(link["href"]).netloc == urlsplit(site_address).netloc for link in footer["links"]), path
        for title, target in about.items():
            assert {"text": title, "href": site_address + target} in [
                {"text": link["text"], "href": link["href"]} for link in footer["links"]], (path, title)
        assert footer["contrast"] >= AA and all(link["contrast"] >= AA for link in footer["links"]), path


# --- Lists of terms (the home page's readers, facilitators, contributors) ---------------------

TERMS = """() => [...document.querySelectorAll("article dl")].map(dl => ({
  terms: [...dl.querySelectorAll(":scope > dt")].map(dt => Number(getComputedStyle(dt).fontWeight)),
  indents: [...dl.querySelectorAll(":scope > dd")].map(dd =>
    dd.getBoundingClientRect().left - dl.getBoundingClientRect().left),
  rules: [...dl.querySelectorAll(":scope > dd")].map(dd => parseFloat(getComputedStyle(dd).borderBottomWidth)),
}))"""


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_a_list_of_terms_reads_as_a_list_of_entries(views: Views, width: int, scheme: str) -> None:
    seen = 0
    for path in PAGES:
        for dl in views(width, scheme)[path]["terms"]:
            seen += 1
            assert all(weight >= 600 for weight in dl["terms"]), path
            # Each entry parted from the next by a rule; on a phone, the descriptions under
            # their terms without Material's indent, every word of the narrow width used.
            assert all(rule >= 1 for rule in dl["rules"]), path
            if width < 720:
                assert all(abs(indent) < 1 for indent in dl["indents"]), (path, dl)
    assert seen, "no page has a list of terms: the test would prove nothing"


# --- Reflow ------------------------------------------------------------------------------------

SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# Elements of the content and the footer that reach past the window's edges (code and tables
# scroll inside their own boxes, which are checked themselves).
OUTSIDE = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll(".md-content *, .md-footer *")].filter(e => {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || e.closest("pre, .md-typeset__scrollwrap, table")) return false;
    return r.right > width + 0.5 || r.left < -0.5;
  }).map(e => e.tagName + "." + e.className);
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_reaches_past_the_window(views: Views, width: int, scheme: str) -> None:
    for path in PAGES:
        found = views(width, scheme)[path]
        assert found["sideways"] <= 0, path
        assert found["outside"] == [], path


# --- The text face: the site's own, light, never blocking the text ---------------------------

FACES = """() => {
  const faces = [];
  const walk = (rules) => {
    for (const rule of rules) {
      if (rule instanceof CSSFontFaceRule) faces.push({family: rule.style.fontFamily,
        display: rule.style.getPropertyValue("font-display"), src: rule.style.getPropertyValue("src"),
        sheet: rule.parentStyleSheet.href});
      else if (rule.styleSheet) walk(rule.styleSheet.cssRules);
      else if (rule.cssRules) walk(rule.cssRules);
    }
  };
  for (const sheet of document.styleSheets) walk(sheet.cssRules);
  const text = getComputedStyle(bookProbe.body()).fontFamily;
  return {faces, text, used: [...document.fonts].filter(f => f.status === "loaded").map(f => f.family)};
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_the_text_face_comes_from_the_site_itself_and_stays_light(
        browser: Browser, published_site: Path, site_address: str, width: int) -> None:
    fonts: list[tuple[str, int]] = []
    with reader(browser, width, "light") as page:
        page.on("requestfinished", lambda request: fonts.append(
            (request.url, request.sizes()["responseBodySize"])) if request.resource_type == "font" else None)
        goto(page, site_address, (CHAPTERS or PAGES)[0])
        found = evaluate(page, FACES)
    assert found["faces"], "the book sets no font of its own"
    family = found["faces"][0]["family"]
    assert found["text"].startswith(family) and found["text"].endswith("serif"), found["text"]
    assert family in found["used"], found
    for face in found["faces"]:
        # optional: the text shows at once (after at most a tenth of a second) and never moves
        # when the face arrives late: then the fallback stays, and the next page has the face.
        assert face["display"] == "optional", face
        for url in re.findall(r'url\("?([^")]+)', face["src"]):
            assert "//" not in url or url.startswith(site_address), face
    assert fonts and all(url.startswith(site_address) for url, _ in fonts), fonts
    # Every file of the faces a page declares, not only those this page used (the typefaces a
    # reader may choose in the reading settings are declared, and fetched, only once chosen).
    declared = {urljoin(face["sheet"], url).removeprefix(site_address).split("#")[0]
                for face in found["faces"] for url in re.findall(r'url\("?([^")]+)', face["src"])}
    files = [published_site / url for url in declared]
    assert files and all(f.is_file() for f in files), declared
    assert sum(f.stat().st_size for f in files) < FONT_BUDGET, files
