"""The accessibility report of `make audit` (scripts/audit.py), written into the built site.

The build makes the report's page from docs/accessibility-report.md, like any page of the site
(its header, navigation, footer, credit and Content-Security-Policy), with a results section
between two lines, `<!-- audit results -->` and `<!-- end of audit results -->`, that says the
audit did not run. The report replaces what is between them with the results, rendered from
overrides/audit/results.html (no inline script or style: the page's policy refuses both), and
writes the same results beside the page as report.json, for programs. The search index's entry
for the section gets the new summary, so search finds no stale text.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from conformance import Result
from ebook.model.writing import write_atomically
from lxml import html

ROOT = Path(__file__).resolve().parent.parent
REPORT_PAGE = Path("accessibility-report") / "index.html"
REPORT_JSON = Path("accessibility-report") / "report.json"
SEARCH_INDEX = Path("search") / "search_index.json"
SECTION = "accessibility-report/#results"  # the results section's entry in the search index
START, END = "<!-- audit results -->", "<!-- end of audit results -->"
TEMPLATES = ROOT / "overrides" / "audit"


@dataclass(frozen=True)
class Check:
    subject: str  # what kind of output: "website", "epub" or "pdf"
    title: str  # what was checked, for a reader
    about: str  # which rules, in a sentence
    result: Result

    @property
    def checker(self) -> str:
        """The checker's name and version: "EPUBCheck 5.3.0", "page 0.11.0 and pdfua 0.1.3"."""
        several = self.result.details.get("validators")
        if several:
            return " and ".join(f"{name} {number}" for name, number in several.items())
        return f"{self.result.tool} {self.result.version}"


def summary(checks: list[Check]) -> str:
    total = sum(len(c.result.violations) for c in checks)
    found = "no violation" if total == 0 else f"{total} violation{'s' if total != 1 else ''}"
    return f"{len(checks)} automated checks of this build found {found}."


def report_data(checks: list[Check], when: datetime, page: html.HtmlElement) -> dict[str, Any]:
    """The report for programs: each check's tool, version, date, what it checked and found."""
    date = when.isoformat().replace("+00:00", "Z")
    # The credit of the original work, which a page written for this edition has second.
    credit = page.xpath("string(//*[contains(@class, 'book-attribution')]"
                        "/p[contains(@class, 'book-original-work')])")
    return {
        "book": page.xpath("string(//meta[@property='og:site_name']/@content)"),
        "original_work": " ".join(credit.split()),
        "date": date,
        "summary": summary(checks),
        "violations": sum(len(c.result.violations) for c in checks),
        "checks": [{
            "subject": c.subject, "title": c.title, "about": c.about,
            "tool": c.result.tool, "version": c.result.version, "date": date,
            "checked": list(c.result.checked),
            "violations_count": len(c.result.violations),
            "violations": [asdict(v) for v in c.result.violations],
            "details": c.result.details,
        } for c in checks],
    }


def render_results(checks: list[Check], when: datetime) -> str:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return environment.get_template("results.html").render(
        checks=checks, summary=summary(checks), date=f"{when:%B} {when.day}, {when.year}",
        datetime=when.isoformat().replace("+00:00", "Z"), json_name=REPORT_JSON.name)


def write_report(site: Path, checks: list[Check], when: datetime) -> None:
    """The results in the report's page (between its two lines) and in report.json beside it."""
    page_file = site / REPORT_PAGE
    text = page_file.read_text(encoding="utf-8")
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{page_file}: the results section is missing: docs/accessibility-report.md must "
                         f"keep its lines {START} and {END}, with the results' place between them.")
    page = html.document_fromstring(text)
    text = text[:start + len(START)] + "\n" + render_results(checks, when) + text[end:]
    write_atomically(page_file, text.encode("utf-8"))
    data = report_data(checks, when, page)
    write_atomically(site / REPORT_JSON, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    index_file = site / SEARCH_INDEX
    if index_file.is_file():
        index = json.loads(index_file.read_text(encoding="utf-8"))
        for entry in index["docs"]:
            if entry["location"] == SECTION:
                entry["text"] = f"<p>{data['summary']}</p>"
        write_atomically(index_file, json.dumps(index, separators=(",", ":")).encode("utf-8"))
