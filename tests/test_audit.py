"""`make audit`'s report (scripts/audit.py, scripts/audit_report.py): written into a copy of the
built site from what the checkers reported on small files that break their rules
(tests/fixtures/audit/, recorded), so no checker runs; and, in a build without the audit, the
report's page that the accessibility statement leads to says so.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from audit import AXE_TAGS, axe_result, checks, lighthouse_result, pdf_ua_result, site_pages
from axe_playwright_python.sync_playwright import Axe
from audit_report import END, REPORT_JSON, REPORT_PAGE, START, write_report
from conformance import nu_html_checker, read_ace, read_epubcheck, read_nu
from bs4 import BeautifulSoup
from playwright.sync_api import Browser
from site_server import serve

from tests.browsing import settle
from tests.helpers import FIXTURES, normalise, page_html_path, soup

RECORDED = FIXTURES / "audit"
WHEN = datetime(2026, 2, 3, 4, 5, tzinfo=timezone.utc)  # the build's date: SOURCE_DATE_EPOCH's
NOT_RUN = "built without its accessibility audit"


def recorded(name: str) -> Any:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


def recorded_checks() -> list[Any]:
    pdf = recorded("pdf-ua.json")
    return checks(
        light=axe_result({"bad/index.html": recorded("axe.json")}, "light"),
        dark=axe_result({"bad/index.html": recorded("axe.json")}, "dark"),
        valid_html=read_nu(recorded("vnu.json"), [Path("/site/bad page.html")], Path("/site")),
        epub=read_epubcheck(recorded("epubcheck.json")),
        epub_a11y=read_ace(recorded("ace-report.json"), "broken.epub"),
        pdf=pdf_ua_result(pdf["failures"], pdf["validators"]),
        phone=lighthouse_result({"bad/": recorded("lighthouse.json")}),
    )


@pytest.fixture(scope="module")
def audited(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the built site with the report written from the recorded results."""
    copy = tmp_path_factory.mktemp("audited") / "site"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("downloads"))
    write_report(copy, recorded_checks(), WHEN)
    return copy


def section(article: Any, title: str) -> str:
    """The text under the heading `title`, up to the next heading."""
    heading = article.find("h3", string=title)
    parts = []
    for sibling in heading.find_next_siblings():
        if sibling.name == "h3" or "book-attribution" in (sibling.get("class") or []):
            break
        parts.append(sibling.get_text())
    return normalise(" ".join(parts))


# --- The report ------------------------------------------------------------------------------


def test_the_report_lists_each_check_with_its_checker_version_and_violations(audited: Path) -> None:
    article = soup(audited / REPORT_PAGE).find("article")
    text = normalise(article.get_text(" "))
    assert NOT_RUN not in text
    # The date of the build, readable and machine-readable.
    assert article.find("time", datetime="2026-02-03T04:05:00Z").get_text() == "February 3, 2026"
    # Each checker and its version, as the checker itself reported it.
    axe, ace, epubcheck = recorded("axe.json"), recorded("ace-report.json"), recorded("epubcheck.json")
    rows = [normalise(row.get_text(" ")) for row in article.select("table tbody tr")]
    failed_in_ace = [a for d in ace["assertions"] for a in d["assertions"] if a["earl:result"]["earl:outcome"] == "fail"]
    expected = {
        "The website's pages, light colour scheme": (f"axe-core {axe['testEngine']['version']}", 2),
        "The website's pages, dark colour scheme": (f"axe-core {axe['testEngine']['version']}", 2),
        "The website's pages are valid HTML": ("Nu HTML Checker 26.9.27", 1),
        "The EPUB conforms to EPUB 3": (f"EPUBCheck {epubcheck['checker']['checkerVersion']}", 1),
        "The EPUB's accessibility": ("Ace by DAISY 1.4.6", len(failed_in_ace)),
        "The PDFs conform to PDF/UA-1": ("page 0.11.0 and pdfua 0.1.3", len(recorded("pdf-ua.json")["failures"]["downloads/untagged.pdf"])),
        "The home page and a chapter, on a phone": ("Lighthouse 12.2.3", 2),
    }
    assert len(rows) == len(expected)
    for row, (title, (checker, count)) in zip(rows, expected.items()):
        assert row == f"{title} {checker} {count}"
        heading = article.find("h3", string=title)
        assert heading is not None, title
    # Each violation named under its check: the rule, its impact, where, what is wrong.
    phone = section(article, "The home page and a chapter, on a phone")
    assert "image-alt (score 0) in bad/: Image elements do not have `[alt]` attributes" in phone
    assert "accessibility 0.78" in phone  # and the page's scores
    assert "html-has-lang (serious) in cover.xhtml html: The <html> element does not have a lang attribute" \
        in section(article, "The EPUB's accessibility")
    # What each checked.
    pdf = article.find("h3", string="The PDFs conform to PDF/UA-1").find_next("details")
    assert normalise(pdf.summary.get_text()) == "1 file checked"
    assert "downloads/untagged.pdf" in pdf.get_text()


def test_the_report_keeps_the_page_the_build_made(audited: Path, site: Path) -> None:
    """The site's page around the results: its title, introduction, credit of the original and
    policy, as built."""
    built, audited_page = soup(site / REPORT_PAGE), soup(audited / REPORT_PAGE)
    for selector in ("head", "header", "h1", ".book-attribution", ".md-footer"):
        assert str(audited_page.select_one(selector)) == str(built.select_one(selector)), selector
    credit = normalise(audited_page.select_one(".book-attribution").get_text(" "))
    assert "Post-Secondary Peer Support Training Curriculum" in credit and "Jenn Cusick" in credit


def test_the_json_report_holds_each_check_for_programs(audited: Path) -> None:
    data = json.loads((audited / REPORT_JSON).read_text(encoding="utf-8"))
    assert data["date"] == "2026-02-03T04:05:00Z"
    assert "Jenn Cusick" in data["original_work"]
    by_tool = {c["tool"]: c for c in data["checks"]}
    assert set(by_tool) == {"axe-core", "Nu HTML Checker", "EPUBCheck", "Ace by DAISY", "page and pdfua", "Lighthouse"}
    epubcheck = by_tool["EPUBCheck"]
    assert (epubcheck["version"], epubcheck["date"], epubcheck["checked"]) == ("5.3.0", data["date"], ["broken.epub"])
    ((message,),) = [recorded("epubcheck.json")["messages"]]
    assert epubcheck["violations"] == [{"where": f"{message['locations'][0]['path']}:{message['locations'][0]['line']}",
                                        "rule": "RSC-005", "severity": "error", "message": message["message"]}]
    assert by_tool["Lighthouse"]["details"]["scores"]["bad/"]["accessibility"] == 0.78
    for check in data["checks"]:
        assert check["violations_count"] == len(check["violations"]) > 0, check["title"]
    assert data["violations"] == sum(c["violations_count"] for c in data["checks"])


def test_search_finds_the_results_not_the_words_of_a_build_without_them(audited: Path) -> None:
    index = json.loads((audited / "search" / "search_index.json").read_text(encoding="utf-8"))
    (results,) = [d for d in index["docs"] if d["location"] == "accessibility-report/#results"]
    assert NOT_RUN not in results["text"] and "violations" in results["text"]


def test_a_second_audit_replaces_the_first_one_results(audited: Path, tmp_path: Path) -> None:
    again = tmp_path / "site"
    shutil.copytree(audited, again)
    first = recorded_checks()
    write_report(again, first[:1], WHEN)
    page = soup(again / REPORT_PAGE)
    assert len(page.select("article table tbody tr")) == 1
    assert [h.get_text() for h in page.select("article h3")] == [first[0].title]


def test_a_page_without_the_results_lines_is_refused_with_its_name(tmp_path: Path) -> None:
    page = tmp_path / REPORT_PAGE
    page.parent.mkdir(parents=True)
    page.write_text("<!doctype html><title>x</title><p>No results section.", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"{page}: the results section is missing.*{START}.*{END}"):
        write_report(tmp_path, recorded_checks(), WHEN)


def test_the_report_page_is_valid_html(audited: Path) -> None:
    assert nu_html_checker([audited / REPORT_PAGE], audited).violations == ()


@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 320)])
def test_the_report_page_passes_axe_and_its_policy_at_every_width(audited: Path, browser: Browser,
                                                                   scheme: str, width: int) -> None:
    refused: list[str] = []
    with serve(audited) as root:
        context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 800})  # type: ignore[arg-type]
        page = context.new_page()
        page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
        page.goto(root + "accessibility-report/", wait_until="load")
        settle(page)
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        sideways = page.evaluate("document.scrollingElement.scrollWidth - innerWidth")
        policy_refused = list(refused)  # before axe, whose own inline styles the policy refuses too
        response = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                            "resultTypes": ["violations"]}).response
        result = axe_result({"accessibility-report/index.html": response}, scheme)
        context.close()
    assert result.violations == (), "\n".join(map(str, result.violations))
    assert sideways <= 0 and policy_refused == []


# --- A build without the audit ----------------------------------------------------------------


def test_the_accessibility_statement_leads_to_the_report_page(site: Path) -> None:
    statement = page_html_path(site, "accessibility.md")
    (link,) = [a for a in soup(statement).select("article a[href]") if "accessibility-report" in a["href"]]
    target = (statement.parent / link["href"]).resolve() / "index.html"
    assert target == (site / REPORT_PAGE).resolve()
    report = soup(target)
    assert normalise(report.h1.get_text()).removesuffix("¶") == "Accessibility report"
    said = normalise(report.find("article").get_text(" "))
    assert NOT_RUN in said and "make audit" in said
    assert target not in [p.resolve() for p in site_pages(site)]  # the audit does not check the page it rewrites


def test_the_offline_edition_holds_the_report_page_the_statement_links_to(site: Path) -> None:
    (offline,) = (site / "downloads").glob("*-offline.zip")
    with zipfile.ZipFile(offline) as archive:
        names = set(archive.namelist())
        (statement,) = [n for n in names if n.endswith("/accessibility.html")]
        page = BeautifulSoup(archive.read(statement).decode("utf-8"), "html.parser")
    (link,) = [a["href"] for a in page.select("article a[href]") if "accessibility-report" in a["href"]]
    assert f"{statement.rsplit('/', 1)[0]}/{link}" in names
