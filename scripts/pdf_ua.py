"""PDF/UA-1 (ISO 14289-1) checks of PDFs: what two validators find, one line per failure.

    python scripts/pdf_ua.py site/downloads/*.pdf ...   # prints each file's failures; exit 1 if any

- page (PyPI `page-validation`): the PDF/UA-1 profile, its machine-checkable rules in full
  (tested by its authors against the veraPDF corpus). The one that decides.
- pdfua: a subset of PDF/UA-1 and of WCAG, in Python on pikepdf; a second opinion.

`pdf_ua_failures(path)` gives both validators' failures, each as "validator RULE: message"
(empty when the file conforms); `validators()` their names and versions. The audit report and
tests/test_pdf_ua.py use them; the build's PDFs are made to conform by hooks/ebook/pdf/tagging.py.

Where the two disagree, and why (the first four seen on the PDFs Chromium prints, before tagging.py):
- Untagged content. page (PDFUA1-CONTENT-TAGGING-001) wants everything painted inside a tagged
  sequence (one with an MCID) or an /Artifact one, paths included: its first complaint was the
  rules and backgrounds. pdfua (UA-01-003) counts only text and XObjects (not paths, not
  inline images) outside any marked content at all, so it counted the running heads and page
  numbers, and would pass text inside a /Span that neither tags nor marks it as an artifact.
- Links. page (PDFUA1-LINK-CONTENTS-001, an error) wants /Contents on each link annotation;
  pdfua (UA-18-005) only warns, and one tagged Link element with /Alt anywhere in the document
  excuses every annotation.
- Identification. page checks that the XMP's `pdfuaid:part` is exactly 1 (PDFUA1-ID-PART-001) in
  the PDF/UA schema (PDFUA1-ID-SCHEMA-001); pdfua (UA-28-004, a warning) only looks for the text
  "pdfuaid" or "pdf/ua" in the XMP.
- Structure. Only page checks the children of list items (PDFUA1-LI-KIDS-001: Lbl and LBody)
  and that every non-standard structure type (Chromium's Strong, Em) is role-mapped
  (PDFUA1-STRUCT-TREE-ROLE-MAP-001); pdfua checks none of these, so it found nothing there.
- Headings. pdfua warns of a heading with no text in it (UA-14-001); page has no such rule.
Every pdfua finding counts, whatever its severity, and so does a rule it could not run: a page
it could not read, or a rule skipped, is not a page shown to conform.
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

# (validator's name, PyPI distribution) for the report's "which validators" line.
VALIDATORS = (("page", "page-validation"), ("pdfua", "pdfua"))


def validators() -> dict[str, str]:
    """Each validator's name and installed version: {"page": "0.11.0", "pdfua": "0.1.3"}."""
    return {name: version(distribution) for name, distribution in VALIDATORS}


def page_failures(path: Path) -> list[str]:
    """page's failed rules of the PDF/UA-1 profile."""
    from page import ValidationProfile, validate_pdf

    report = validate_pdf(path, profile=ValidationProfile.PDF_UA_1)
    return [f"page {failure.rule_id}: {failure.message}" for failure in report.failures]


def pdfua_failures(path: Path) -> list[str]:
    """pdfua's findings (errors, warnings and notes alike) and the rules it could not run."""
    import pdfua

    report = pdfua.validate(str(path))
    found = [f"pdfua {finding.rule_id}: {finding.message} ({finding.location.describe()})"
             for finding in report.findings]
    return found + [f"pdfua {outcome.rule_id}: not checked: {outcome.skipped_reason}"
                    for outcome in report.skipped]


def pdf_ua_failures(path: Path) -> list[str]:
    """Both validators' failures for one PDF, each "validator RULE: message"; [] when it conforms."""
    return page_failures(path) + pdfua_failures(path)


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    print(", ".join(f"{name} {number}" for name, number in validators().items()))
    failed = 0
    for name in paths:
        failures = pdf_ua_failures(Path(name))
        failed += bool(failures)
        print(f"{name}: {'PDF/UA-1' if not failures else f'{len(failures)} failures'}")
        for failure in failures:
            print(f"  {failure}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
