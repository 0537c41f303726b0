"""The reflection journal and the reading settings as a student uses them, in Chromium, on the
real book (served by tests/conftest.py) and its offline edition opened from file://: typing,
saving, reload, navigation, the download's content, print, erase, a reworded prompt, the
keyboard alone, and that no answer ever leaves the page; the settings applied before the page
is drawn, their typefaces fetched only once chosen; axe and the Nu HTML Checker with all of it
open, in both colour schemes. Built markup and the worksheets: tests/test_journal.py."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, Request, expect

from tests.browsing import address_of, goto, scrolls_sideways, settle
from tests.helpers import book_config, chapter_pages, normalise, page_html_path, soup
from tests.test_browser import AXE_TAGS
from tests.test_build_outputs import BOOK_SLUG
from tests.test_html_valid import vnu_errors

MINE = "my-reflections/"
AUTHOR = book_config()["extra"]["book"]["author"]
# What a student writes: words no page of the book holds, to look for in every request.
ANSWER = "I felt unseen; what I would say next time is: zebra-lantern-4417."
EARLIER = {"prompt": "0000000000", "question": "An earlier wording of this prompt?", "answer": "My first thoughts."}
# A layout shift, from the first script on (the Layout Instability API), with when it came.
SHIFTS = """window.bookShifts = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) window.bookShifts.push([e.value, e.startTime]); })
  .observe({type: "layout-shift", buffered: true});"""
# The shifts once the page was parsed: the journal adds its fields then (journal.js waits for
# DOMContentLoaded). A browser short of processor time may paint a page half parsed, the
# footer before its last lines; that shift, over before any script of the book ran, is not one.
SHIFTS_ONCE_PARSED = """window.bookShifts
  .filter(([, time]) => time >= performance.getEntriesByType("navigation")[0].domInteractive)
  .map(([value]) => value)"""


@pytest.fixture(scope="module")
def chapter(published_site: Path) -> str:
    """The first chapter with reflection prompts, whatever the book's chapters are."""
    found = [src for src in chapter_pages() if soup(page_html_path(published_site, src)).select("[data-journal-note]")]
    assert found, "no chapter has a reflection box"
    PROMPTS.extend(normalise(li.get_text()) for li in
                   soup(page_html_path(published_site, found[0])).select("article li[data-journal-prompt]"))
    return address_of(found[0])


PROMPTS: list[str] = []  # the chapter's prompts, as its built page has them


@pytest.fixture(scope="module")
def student(browser: Browser) -> Iterator[BrowserContext]:
    """A student's phone, in the dark scheme: one browser for the module's tests."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark", accept_downloads=True)
    yield context
    context.close()


@pytest.fixture
def page(student: BrowserContext, site_address: str) -> Iterator[Page]:
    """A page of the student's browser; what a test leaves kept in it is erased after the test."""
    page = student.new_page()
    yield page
    if page.url.startswith(site_address):
        page.evaluate("localStorage.clear()")
    page.close()


def prompts_of(page: Page) -> list[str]:
    """The prompts of the chapter (`chapter`) the page shows."""
    assert PROMPTS
    return PROMPTS


def field(page: Page, prompt: str):  # noqa: ANN201 - a Locator
    """The text area of a prompt, found by its name: the prompt's words."""
    return page.get_by_role("textbox", name=prompt, exact=True)


def entry_key(page: Page, prompt: str) -> str:
    note = page.locator("[data-journal-note]").first
    return f"book-journal:{note.get_attribute('data-journal-book')}:{note.get_attribute('data-journal-chapter')}:{prompt}"


def local_day(page: Page) -> str:
    year, month, day = page.evaluate("(d => [d.getFullYear(), d.getMonth() + 1, d.getDate()])(new Date())")
    return f"{year:04d}-{month:02d}-{day:02d}"


def carries(request: Request, text: str) -> bool:
    forms = {text, quote(text), quote_plus(text), quote(text, safe="")}
    seen = [request.url, request.post_data or "", *request.headers.values()]
    return any(form in part for form in forms for part in seen)


# --- Writing, keeping, reading back ----------------------------------------------------------


def test_an_answer_is_saved_as_typed_kept_through_reload_and_pages_downloaded_printed_and_never_sent(
        page: Page, student: BrowserContext, site_address: str, chapter: str) -> None:
    requests: list[Request] = []

    def record(request: Request) -> None:
        requests.append(request)
    student.on("request", record)
    goto(page, site_address, chapter)
    first = prompts_of(page)[0]
    answer = field(page, first)
    answer.press_sequentially(ANSWER)
    saved = page.locator("#" + str(answer.get_attribute("aria-describedby")).split()[-1])
    expect(saved).to_have_text(re.compile(r"^Saved "))  # a moment after the typing stops
    page.reload(wait_until="load")
    settle(page)
    expect(field(page, first)).to_have_value(ANSWER)

    page.locator("[data-journal-note] a").first.click()  # the box's note leads there
    settle(page)
    item = page.locator(".book-journal__prompts > li").filter(has_text=first)
    expect(item.locator("[data-journal-answer]")).to_contain_text(ANSWER)
    page.go_back(wait_until="load")
    settle(page)
    expect(field(page, first)).to_have_value(ANSWER)

    goto(page, site_address, MINE)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my answers").click()
    assert re.fullmatch(r"my-reflections-\d{4}-\d\d-\d\d\.txt", download.value.suggested_filename)
    text = Path(download.value.path()).read_text(encoding="utf-8")
    title = str(page.locator("section[data-journal-chapter]").first.get_attribute("data-journal-title"))
    lines = text.splitlines()
    assert lines[0] == "# My reflections" and f"## {title}" in lines
    start = lines.index(f"### {first}")
    assert lines[start + 2] == ANSWER and lines[start + 4] == f"Written on {local_day(page)}."
    assert AUTHOR in lines[-1] and "CC BY 4.0" in lines[-1]  # the credit of the prompts' author
    expect(page.locator("[data-journal-status]")).to_contain_text("downloaded")

    page.emulate_media(media="print")  # what "Print my answers" prints
    assert not page.get_by_role("button", name="Print my answers").is_visible()
    expect(item).to_contain_text(ANSWER)
    expect(page.locator(".book-journal__credit")).to_be_visible()
    expect(page.locator(".book-attribution")).to_contain_text(AUTHOR)
    page.emulate_media(media="screen")

    assert not [r.url for r in requests if carries(r, ANSWER) or r.method != "GET"]
    assert len(requests) > 10 and page.evaluate("navigator.serviceWorker.getRegistrations()") == []
    student.remove_listener("request", record)


def test_erase_asks_first_then_erases_every_answer_of_the_book(page: Page, site_address: str, chapter: str) -> None:
    goto(page, site_address, chapter)
    for prompt in prompts_of(page)[:2]:
        field(page, prompt).fill(f"My answer to: {prompt}")
    page.keyboard.press("Tab")  # leaving a field saves it at once
    goto(page, site_address, MINE)
    erase = page.get_by_role("button", name="Erase all my answers")
    erase.click()
    question = page.get_by_role("group", name=re.compile("^Erase"))
    expect(question).to_contain_text("cannot be undone")
    expect(page.get_by_role("button", name="Keep them")).to_be_focused()
    page.keyboard.press("Enter")  # keeps them
    expect(question).to_be_hidden()
    expect(page.locator("[data-journal-answer]").first).not_to_have_text("Not answered yet.")
    erase.click()
    page.get_by_role("button", name="Erase them").click()
    expect(page.locator("[data-journal-status]")).to_have_text("Your answers are erased from this browser.")
    for answer in page.locator(".book-journal__prompts [data-journal-answer]").all():
        expect(answer).to_have_text("Not answered yet.")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('book-journal:'))") == []
    goto(page, site_address, chapter)
    expect(field(page, prompts_of(page)[0])).to_have_value("")


def test_erase_asks_of_one_answer_as_one_and_its_safe_button_never_looks_like_erase(
        page: Page, site_address: str, chapter: str) -> None:
    goto(page, site_address, chapter)
    field(page, prompts_of(page)[0]).fill("My only answer.")
    page.keyboard.press("Tab")
    goto(page, site_address, MINE)
    page.get_by_role("button", name="Erase all my answers").click()
    question = page.get_by_role("group", name=re.compile("^Erase"))
    expect(question.locator("p")).to_have_text(
        "Erase your answer from this browser? This cannot be undone: download it first if you want to keep it.")
    keep, erase = page.get_by_role("button", name="Keep it"), page.get_by_role("button", name="Erase it")
    expect(keep).to_be_focused()
    look = "e => { const s = getComputedStyle(e); return [s.backgroundColor, s.color, s.outlineStyle, s.outlineWidth]; }"
    for _ in range(100):  # Material's buttons ease into their colours: once they are there
        if keep.evaluate("e => e.getAnimations().length") == erase.evaluate("e => e.getAnimations().length") == 0:
            break
        page.wait_for_timeout(50)
    kept, erasing = keep.evaluate(look), erase.evaluate(look)
    assert kept[0] != erasing[0] and kept[1] != erasing[1], f"Keep it focused looks like Erase it: {kept} {erasing}"
    assert kept[2] != "none" and float(kept[3].removesuffix("px")) >= 2, f"Keep it shows no focus ring: {kept}"
    page.keyboard.press("Enter")  # keeps it
    expect(question).to_be_hidden()

    goto(page, site_address, chapter)
    field(page, prompts_of(page)[1]).fill("A second answer.")
    page.keyboard.press("Tab")
    goto(page, site_address, MINE)
    page.get_by_role("button", name="Erase all my answers").click()
    expect(question.locator("p")).to_have_text(
        "Erase all 2 of your answers from this browser? This cannot be undone: download them first if you want to keep them.")
    expect(page.get_by_role("button", name="Keep them")).to_be_focused()
    expect(page.get_by_role("button", name="Erase them")).to_be_visible()


def test_an_answer_to_a_reworded_prompt_shows_as_written_for_the_earlier_wording(
        page: Page, site_address: str, chapter: str) -> None:
    goto(page, site_address, chapter)
    first = prompts_of(page)[0]
    book = page.locator("[data-journal-note]").first.get_attribute("data-journal-book")
    old = {**EARLIER, "chapter": page.locator("[data-journal-note]").first.get_attribute("data-journal-chapter"),
           "position": 1, "saved": "2025-01-02T10:00:00Z", "title": "Its title"}
    gone = {**EARLIER, "chapter": "a-chapter-since-removed", "position": 1, "title": "A chapter since removed"}
    page.evaluate("([key, old, gone, goneKey]) => { localStorage.setItem(key, JSON.stringify(old)); "
                  "localStorage.setItem(goneKey, JSON.stringify(gone)); }",
                  [entry_key(page, EARLIER["prompt"]), old, gone,
                   f"book-journal:{book}:a-chapter-since-removed:{EARLIER['prompt']}"])
    page.reload(wait_until="load")
    settle(page)
    item = page.locator("article li[data-journal-prompt]").first
    expect(field(page, first)).to_have_value("")  # never attached by itself
    earlier = item.locator(".book-journal__earlier")
    expect(earlier).to_contain_text("earlier wording of this prompt")
    expect(earlier).to_contain_text(EARLIER["question"])
    expect(earlier).to_contain_text(EARLIER["answer"])

    goto(page, site_address, MINE)
    section = page.locator("section[data-journal-chapter]").first
    expect(section.locator(".book-journal__earlier")).to_contain_text(EARLIER["question"])
    expect(page.get_by_role("heading", name="Answers for chapters no longer in this book")).to_be_visible()
    expect(page.get_by_role("heading", name="A chapter since removed")).to_be_visible()

    goto(page, site_address, chapter)
    page.get_by_role("button", name="Add it to my answer above").click()  # the student says so
    expect(field(page, first)).to_have_value(EARLIER["answer"])
    expect(field(page, first)).to_be_focused()
    expect(earlier).to_have_count(0)
    kept = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('book-journal:'))")
    assert entry_key(page, EARLIER["prompt"]) not in kept and len(kept) == 2


def test_the_keyboard_alone_writes_each_answer_and_changes_the_settings(browser: Browser, site_address: str,
                                                                        chapter: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme="light")
    page = context.new_page()
    goto(page, site_address, chapter)
    prompts = prompts_of(page)
    page.locator("[data-journal-note] a").first.focus()
    for prompt in prompts:
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id")
        expect(field(page, prompt)).to_be_focused()
        page.keyboard.type(f"Typed for {focused}")
    page.keyboard.press("Shift+Tab")
    expect(field(page, prompts[-2] if len(prompts) > 1 else prompts[0])).to_have_value(re.compile("^Typed for "))
    page.reload(wait_until="load")
    settle(page)
    for prompt in prompts:
        expect(field(page, prompt)).to_have_value(re.compile("^Typed for journal-answer-"))

    toggle = page.get_by_role("button", name="Reading settings")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")  # into the panel: the checked text size
    expect(page.get_by_role("radio", name="100 %")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.locator("html")).to_have_attribute("data-book-text-size", "125")
    page.keyboard.press("Escape")
    expect(toggle).to_be_focused()
    expect(page.get_by_role("radio", name="125 %")).to_be_hidden()
    context.close()


# --- Reading settings ----------------------------------------------------------------------------


def test_settings_apply_before_the_page_is_drawn_fetch_a_typeface_only_once_chosen_and_reset(
        page: Page, site_address: str, chapter: str) -> None:
    fonts: list[str] = []
    page.on("request", lambda r: fonts.append(r.url) if "/fonts/" in r.url else None)
    goto(page, site_address, chapter)
    text = page.locator(".md-content__inner > p").first
    size = float(text.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert not [url for url in fonts if "literata" not in url]  # the optional faces: not yet

    page.get_by_role("button", name="Reading settings").click()
    page.get_by_label("200 %").check()
    page.get_by_label("Wider").check()
    page.get_by_label("OpenDyslexic, for dyslexia").check()
    expect(text).to_have_css("font-size", f"{size * 2:g}px")
    # The face's file is asked for once its stylesheet has arrived and the text is laid out in it.
    for _ in range(50):
        if any(url.endswith(".woff2") and "opendyslexic" in url for url in fonts):
            break
        page.wait_for_timeout(100)
    assert any(url.endswith("opendyslexic.css") for url in fonts) and any(url.endswith(".woff2") and "opendyslexic" in url for url in fonts)
    assert not [url for url in fonts if "atkinson" in url]

    # Applied by the page's head alone: with the settings' own script refused, the page is drawn
    # with them all the same.
    page.route("**/javascripts/reading-settings.js", lambda route: route.abort())
    page.reload(wait_until="load")
    settle(page)
    expect(text).to_have_css("font-size", f"{size * 2:g}px")
    assert "OpenDyslexic" in text.evaluate("e => getComputedStyle(e).fontFamily")
    assert page.evaluate("document.fonts.check('16px OpenDyslexic')")
    for width in (320, 390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert scrolls_sideways(page) <= 0, width
    page.set_viewport_size({"width": 390, "height": 844})
    page.emulate_media(media="print")  # on paper: the typeface and the spacing, not the screen's size
    assert "OpenDyslexic" in text.evaluate("e => getComputedStyle(e).fontFamily")
    assert float(text.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) < size * 1.5
    page.emulate_media(media="screen")
    page.unroute("**/javascripts/reading-settings.js")

    page.reload(wait_until="load")
    settle(page)
    page.get_by_role("button", name="Reading settings").click()
    page.get_by_role("button", name="Back to the book's settings").click()
    expect(text).to_have_css("font-size", f"{size:g}px")
    assert page.evaluate("[...document.documentElement.attributes].map(a => a.name).filter(n => n.startsWith('data-book-') && n !== 'data-book-js')") == []
    assert page.evaluate("localStorage.getItem('book-reading-settings')") is None


# Each heading's words that the page's lines break in the middle (a break after a hyphen is the
# word's own), and whether a heading is wider than its box: none of either where a word fits.
BROKEN_HEADINGS = r"""() => {
    const found = [];
    for (const h of document.querySelectorAll(".md-content .md-typeset :is(h1, h2, h3)")) {
        if (h.scrollWidth > h.clientWidth + 1) found.push(`${h.tagName} wider than its box: ${h.textContent.trim()}`);
        const texts = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
        for (let text; (text = texts.nextNode());) {
            if (text.parentElement.closest(".headerlink")) continue;
            for (const word of text.data.matchAll(/[^\s-]+/g)) {
                const range = document.createRange();
                range.setStart(text, word.index);
                range.setEnd(text, word.index + word[0].length);
                const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
                if (lines.size > 1) found.push(`${h.tagName} breaks "${word[0]}"`);
            }
        }
    }
    return found;
}"""


@pytest.mark.parametrize("typeface", ["Literata, the book's", "Atkinson Hyperlegible, for low vision", "OpenDyslexic, for dyslexia"])
def test_at_twice_the_size_on_a_phone_each_heading_word_fits_its_line_whole(
        page: Page, site_address: str, chapter: str, typeface: str) -> None:
    goto(page, site_address, chapter)
    text = page.locator(".md-content__inner > p").first
    size = float(text.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    page.get_by_role("button", name="Reading settings").click()
    page.get_by_label("200 %").check()
    page.get_by_label(typeface).check()
    page.keyboard.press("Escape")
    family = typeface.split(",")[0]
    for path in ["", chapter, MINE, "facilitators/", "accessibility/"]:
        goto(page, site_address, path)
        for _ in range(50):  # the chosen face's bold, loaded and laid out
            if page.evaluate(f"document.fonts.check('600 16px \"{family}\"') && document.fonts.status === 'loaded'"):
                break
            page.wait_for_timeout(100)
        assert page.evaluate(BROKEN_HEADINGS) == [], f"{family} at 200 %, 390 px, page {path or 'home'}"
    goto(page, site_address, chapter)
    expect(text).to_have_css("font-size", f"{size * 2:g}px")  # the text grows all the same


# --- Where nothing may move, and nothing may fail ------------------------------------------------


def test_the_fields_arrive_without_moving_anything_and_axe_and_the_nu_checker_find_nothing_with_all_open(
        browser: Browser, site_address: str, chapter: str, tmp_path: Path) -> None:
    axe, found, documents = Axe(), [], []
    for scheme in ("light", "dark"):
        # The whole page in view, so that any shift counts; without motion, so that axe reads
        # colours, not a transition half run.
        context = browser.new_context(viewport={"width": 390, "height": 12000}, color_scheme=scheme,
                                      reduced_motion="reduce")
        context.add_init_script(SHIFTS)
        page = context.new_page()
        goto(page, site_address, chapter)
        field(page, prompts_of(page)[0]).fill(ANSWER)
        page.keyboard.press("Tab")
        page.reload(wait_until="load")  # the fields arrive, one with an answer
        settle(page)
        expect(field(page, prompts_of(page)[0])).to_have_value(ANSWER)
        found += [f"{scheme}: a layout shift of {shift}" for shift in page.evaluate(SHIFTS_ONCE_PARSED)]
        earlier = {**EARLIER, "position": 1,
                   "chapter": page.locator("[data-journal-note]").first.get_attribute("data-journal-chapter")}
        page.evaluate("([key, entry]) => localStorage.setItem(key, JSON.stringify(entry))",
                      [entry_key(page, EARLIER["prompt"]), earlier])
        page.reload(wait_until="load")
        settle(page)
        expect(page.locator(".book-journal__earlier")).to_have_count(1)
        page.get_by_role("button", name="Reading settings").click()
        page.get_by_label("Atkinson Hyperlegible, for low vision").check()
        found += [f"{scheme} {chapter}: {v}" for v in violations(axe, page)]
        documents.append(fragment(page, "article .book-settings, article :is(.admonition, details).reflection"))
        goto(page, site_address, MINE)
        page.get_by_role("button", name="Erase all my answers").click()
        found += [f"{scheme} {MINE}: {v}" for v in violations(axe, page)]
        documents.append(fragment(page, "article .book-settings, article .book-journal"))
        context.close()
    files = []
    for number, document in enumerate(documents):
        files.append(tmp_path / f"view-{number}.html")
        files[-1].write_text(document, encoding="utf-8")
    assert found == [] and vnu_errors(files) == []


def violations(axe: Axe, page: Page) -> list[str]:
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    return [f"{v['id']}: {v['help']} -- {node['target']}" for v in results.response["violations"] for node in v["nodes"]]


def fragment(page: Page, selector: str) -> str:
    """The journal's and the settings' markup as the scripts left it, in a document of its own
    for the Nu HTML Checker."""
    parts = page.eval_on_selector_all(selector, "elements => elements.map(e => e.outerHTML)")
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>The journal</title></head>'
            f'<body><main>{"".join(parts)}</main></body></html>')


# --- The offline edition ---------------------------------------------------------------------------

LOADED = 60_000  # ms: a bound on loading a page from files, not a measure


def test_the_offline_edition_keeps_answers_and_settings_opened_from_files(
        browser: Browser, published_site: Path, chapter: str, tmp_path: Path) -> None:
    with zipfile.ZipFile(published_site / "downloads" / f"{BOOK_SLUG}-offline.zip") as archive:
        archive.extractall(tmp_path)
    edition = tmp_path / f"{BOOK_SLUG}-offline"
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="light")
    page = context.new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    # Pages opened from files: what the test reads is waited for, not "network idle", which a
    # busy machine delayed past its time on a long book's edition (its search index loads in a
    # frame of its own).
    page.goto((edition / (chapter.rstrip("/") + ".html")).as_uri(), wait_until="load")
    first = prompts_of(page)[0]
    expect(field(page, first)).to_be_editable(timeout=LOADED)
    field(page, first).fill(ANSWER)
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Reading settings").click()
    page.get_by_label("Atkinson Hyperlegible, for low vision").check()
    page.reload(wait_until="load")
    expect(field(page, first)).to_have_value(ANSWER, timeout=LOADED)
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px \"Atkinson Hyperlegible\"')")
    page.locator("[data-journal-note] a").first.click()
    page.wait_for_url("**/my-reflections.html", wait_until="load", timeout=LOADED)
    expect(page.locator(".book-journal__prompts > li").filter(has_text=first)).to_contain_text(ANSWER)
    assert [url for url in asked if not url.startswith((edition.as_uri() + "/", "data:", "blob:"))] == []
    context.close()
