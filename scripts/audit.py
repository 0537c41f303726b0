"""`make audit`: every automated accessibility and conformance check of the built book, and the
report of what they found, written into the site.

    make audit                      # builds the book first
    python scripts/audit.py site    # a site already built with its downloads

What is checked, and by what (each checker's version is read from the checker itself):
- every page of the website, but the report's own: axe-core's WCAG 2.0, 2.1 and 2.2 A and AA
  rules and its best practices, in the light and in the dark colour scheme (the rules the
  browser tests run); and the Nu HTML Checker;
- the EPUB: EPUBCheck and Ace by DAISY (scripts/conformance.py);
- every PDF: the PDF/UA-1 validators of scripts/pdf_ua.py;
- the home page and a chapter: Lighthouse, mobile settings (scripts/lighthouse.py).

The report (scripts/audit_report.py) goes into the page the build made for it,
site/accessibility-report/index.html, and beside it as report.json, dated with the build's date
(SOURCE_DATE_EPOCH, which the Makefile sets from the last commit). The audit reports; the tests
are what stop a change (`make test` runs the same checkers). So the exit status is 0 once the
report is written, whatever it found, and 1 when a checker could not run (nothing written then).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

import lighthouse  # noqa: E402
import pdf_ua  # noqa: E402
from audit_report import REPORT_PAGE, Check, write_report  # noqa: E402
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]  # noqa: E402
from conformance import CheckerError, Result, Violation, ace, epubcheck, nu_html_checker, system_browser  # noqa: E402
from ebook.model.settings import build_time  # noqa: E402
from lxml import html  # noqa: E402
from playwright.sync_api import Browser, sync_playwright  # noqa: E402
from site_server import serve  # noqa: E402

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# Chromium here must not try to reach the hosts it calls home.
BROWSER_ARGS = ["--disable-background-networking", "--disable-component-update", "--no-first-run"]
# The colour scheme asked for, and Material's name for it.
SCHEMES: dict[Literal["light", "dark"], str] = {"light": "default", "dark": "slate"}


def site_pages(site: Path) -> list[Path]:
    """Every page of the website (the 404 and print pages too), but the report's own."""
    return sorted(p for p in site.rglob("*.html")
                  if p.relative_to(site).parts[0] != "downloads" and p != site / REPORT_PAGE)


def site_path(site: Path) -> str:
    """The site's path on its server ("/" unless SITE_URL had one): the 404 page's links start with it."""
    canonical = html.parse(str(site / "index.html")).xpath("//link[@rel='canonical']/@href")
    return urlsplit(canonical[0]).path if canonical else "/"


def address(site: Path, page: Path) -> str:
    relative = page.relative_to(site).as_posix()
    return relative.removesuffix("index.html") if relative.endswith("/index.html") or relative == "index.html" else relative


def axe_results(site: Path, pages: list[Path], browser: Browser) -> list[Result]:
    """axe-core on every page, once in each colour scheme."""
    axe = Axe()
    results = []
    with serve(site, prefix=site_path(site)) as root:
        for scheme, material_name in SCHEMES.items():
            responses = {}
            context = browser.new_context(color_scheme=scheme)
            for page_file in pages:
                name = page_file.relative_to(site).as_posix()
                page = context.new_page()
                page.goto(root + address(site, page_file), wait_until="load")
                page.wait_for_load_state("networkidle")  # after the load: alone, it can come first
                shown = page.evaluate("document.body.dataset.mdColorScheme")
                if shown != material_name:
                    raise CheckerError(f"{name} shows the {shown} colour scheme, not the {scheme} one.")
                responses[name] = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                                         "resultTypes": ["violations"]}).response
                page.close()
            context.close()
            results.append(axe_result(responses, scheme))
    return results


def one_line(summary: str) -> str:
    """axe's summary of what to fix, one finding a line under each heading, as one line."""
    return re.sub(r"\n\s*", "; ", re.sub(r":\n\s*", ": ", summary.strip()))


def axe_result(responses: dict[str, dict[str, Any]], scheme: str) -> Result:
    """A Result from axe-core's results for each page: each element that breaks a rule."""
    violations = [Violation(f"{name} {', '.join(map(str, node['target']))}", rule["id"], rule["impact"] or "",
                            f"{rule['help']}. {one_line(node['failureSummary'])}")
                  for name, response in responses.items() for rule in response["violations"] for node in rule["nodes"]]
    versions = {response["testEngine"]["version"] for response in responses.values()}
    return Result("axe-core", ", ".join(sorted(versions)), tuple(responses), tuple(violations),
                  {"colour scheme": scheme, "rules": AXE_TAGS})


def pdf_ua_result(failures: dict[str, list[str]], validators: dict[str, str]) -> Result:
    """A Result from each PDF's failures, as scripts/pdf_ua.py words them ("validator RULE: message")."""
    violations = [Violation(name, failure.split(":", 1)[0], "failure", failure.split(":", 1)[-1].strip())
                  for name, found in failures.items() for failure in found]
    return Result(" and ".join(validators), " and ".join(validators.values()), tuple(failures), tuple(violations),
                  {"validators": validators})


def lighthouse_result(reports: dict[str, dict[str, Any]]) -> Result:
    """A Result from Lighthouse's report on each page: the accessibility audits it fails, and the
    page's score in every category."""
    violations, scores = [], {}
    for name, report in reports.items():
        for ref in report["categories"]["accessibility"]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if audit["score"] is not None and audit["score"] < 1 and audit["scoreDisplayMode"] != "informative":
                violations.append(Violation(name, ref["id"], f"score {audit['score']}", audit["title"]))
        scores[name] = {c: report["categories"][c]["score"] for c in lighthouse.CATEGORIES}
    versions = {report["lighthouseVersion"] for report in reports.values()}
    return Result("Lighthouse", ", ".join(sorted(versions)), tuple(reports), tuple(violations), {"scores": scores})


def lighthouse_reports(site: Path, chrome: str) -> dict[str, dict[str, Any]]:
    if not lighthouse.LIGHTHOUSE.exists():
        raise CheckerError("Lighthouse is missing: run `make setup` (it runs npm ci).")
    with serve(site, prefix=site_path(site)) as root:
        return {path or "index.html": lighthouse.run_lighthouse(root + path, chrome)
                for path in lighthouse.measured_pages(site).values()}


def checks(*, light: Result, dark: Result, valid_html: Result, epub: Result, epub_a11y: Result, pdf: Result,
           phone: Result) -> list[Check]:
    """The report's checks, in its order, each with what it checked and by which rules."""
    axe_rules = "WCAG 2.0, 2.1 and 2.2 rules of levels A and AA, and best practices, on every page but this one."
    return [
        Check("website", "The website's pages, light colour scheme", axe_rules, light),
        Check("website", "The website's pages, dark colour scheme", axe_rules, dark),
        Check("website", "The website's pages are valid HTML", "HTML errors (the HTML standard).", valid_html),
        Check("epub", "The EPUB conforms to EPUB 3", "EPUB 3.3 conformance: fatal errors, errors and warnings.",
              epub),
        Check("epub", "The EPUB's accessibility", "the accessibility rules of axe-core in every document, and "
              "the publication's accessibility metadata (EPUB Accessibility 1.1).", epub_a11y),
        Check("pdf", "The PDFs conform to PDF/UA-1", "the machine-checkable rules of PDF/UA-1 (ISO 14289-1), "
              "by two validators.", pdf),
        Check("website", "The home page and a chapter, on a phone", "Lighthouse's accessibility audits, with "
              "mobile settings; each page's scores in every category are listed too.", phone),
    ]


def run_checks(site: Path) -> list[Check]:
    downloads = site / "downloads"
    epub, pdfs = next(downloads.glob("*.epub"), None), sorted(downloads.rglob("*.pdf"))
    if epub is None or not pdfs:
        raise CheckerError(f"{downloads} holds no EPUB or no PDF: build the site with its downloads (make book).")
    pages = site_pages(site)
    chrome = system_browser()
    print(f"axe-core: {len(pages)} pages, in the light and the dark colour scheme", flush=True)
    with sync_playwright() as playwright:
        args = BROWSER_ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])
        browser = playwright.chromium.launch(executable_path=chrome, args=args)
        light, dark = axe_results(site, pages, browser)
        browser.close()
    print("Nu HTML Checker", flush=True)
    valid = nu_html_checker(pages, site)
    print("EPUBCheck, Ace by DAISY", flush=True)
    epub_result, ace_result = epubcheck(epub), ace(epub)
    print("PDF/UA-1", flush=True)
    pdf = pdf_ua_result({p.relative_to(site).as_posix(): pdf_ua.pdf_ua_failures(p) for p in pdfs},
                        pdf_ua.validators())
    print("Lighthouse", flush=True)
    phone = lighthouse_result(lighthouse_reports(site, chrome))
    return checks(light=light, dark=dark, valid_html=valid, epub=epub_result, epub_a11y=ace_result, pdf=pdf,
                  phone=phone)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site folder, with its downloads")
    args = parser.parse_args()
    if not (args.site / REPORT_PAGE).is_file():
        print(f"{args.site / REPORT_PAGE} is missing: build the site first (make book).", file=sys.stderr)
        return 1
    try:
        checks = run_checks(args.site)
    except CheckerError as error:
        print(f"The audit stopped, and wrote nothing: {error}", file=sys.stderr)
        return 1
    write_report(args.site, checks, build_time(os.environ))
    for check in checks:
        print(f"{len(check.result.violations):4} violations  {check.title} ({check.checker})")
        for violation in check.result.violations:
            print(f"      {violation}")
    print(f"Report: {args.site / REPORT_PAGE} and {args.site / REPORT_PAGE.parent / 'report.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
