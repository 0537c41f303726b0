"""The rules of a rendered page: one level-1 heading and no skipped level, admonitions of a
known type with a body (and prompts in a reflection, which is inside no other reflection),
images with alt text, link text that says where it goes, and what the allowlist refuses; each
problem placed on its source line.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Sequence

from ebook.checks import html_allowlist
from ebook.checks.front_matter import split_front_matter
from ebook.checks.limits import decode, too_deep_or_slow
from ebook.checks.lines import UNPLACED, Lines
from ebook.checks.problems import DOCS, PageReport, Problem, Source
from ebook.checks.scanner import Scan, scan_html

if TYPE_CHECKING:
    from ebook.checks.scanner import Renderer


# Material for MkDocs' admonition types, and the book's own (styled in docs/stylesheets/extra.css).
ADMONITION_TYPES = (
    "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important",
    "success", "check", "done", "question", "help", "faq", "warning", "caution", "attention",
    "failure", "fail", "missing", "danger", "error", "bug", "example", "quote", "cite",
    "scenario", "consider", "reflection",
)  # fmt: skip

VAGUE_LINK_TEXTS = {"here", "click here", "click"}


def check_page_rendered(source: Source, renderer: Renderer) -> PageReport:
    """A page's rendered content: its problems, its anchors, and the links in its raw HTML."""
    path = f"{DOCS}/{source.src_uri}"
    report = PageReport(src_uri=source.src_uri, url=source.url)
    text, problem = decode(source.raw, path)
    if problem:
        return report  # check_page_source reports it; there is nothing to render
    _, body_start = split_front_matter(text)
    page_lines = text.split("\n")
    if too_deep_or_slow(page_lines, body_start):
        return report  # check_page_source reports it; rendering it would never end
    body = "\n".join(page_lines[body_start - 1:])
    html_text, raw_blocks = renderer.render(body)
    lines = Lines(text, body_start)
    report.problems += refused_problems(html_text, lines, path)
    return check_rendering(report, html_text, raw_blocks, lines)


def refused_problems(html_text: str, lines: Lines, path: str) -> list[Problem]:
    """What the allowlist refuses in a page's HTML (html_allowlist.py), placed on its lines."""
    return [Problem(path, lines.find_text(*refusal.needles, kind=f"refused:{refusal.needles}"), refusal.message)
            for refusal in html_allowlist.refusals(html_text)]


def check_rendering(report: PageReport, rendered: Scan | str, raw_blocks: Sequence[str],
                    lines: Lines) -> PageReport:
    """A page's problems in its rendered HTML (or its scan), its anchors, and the links in its
    raw HTML."""
    scan = rendered if isinstance(rendered, Scan) else scan_html(rendered)
    report.problems += check_rendered(scan, lines, f"{DOCS}/{report.src_uri}")
    report.ids = scan.ids
    report.prompts = scan.prompts
    for block in raw_blocks:
        for address in scan_html(block).addresses:
            line = lines.find_text(f'"{address}"', f"'{address}'", f"={address}", address, kind="raw-link")
            report.raw_links.append((address, line))
    return report


def check_rendered(scan: Scan, lines: Lines, path: str) -> list[Problem]:
    """Problems of a page's rendered content, each placed on its source line."""
    # Placing a finding searches the source, and most pages have nothing to place: they are
    # checked first without placing anything, and again, placing, only if they have a problem.
    if not _rendered_problems(scan, UNPLACED, path):
        return []
    return _rendered_problems(scan, lines, path)


def _rendered_problems(scan: Scan, lines: Lines, path: str) -> list[Problem]:
    problems: list[Problem] = []

    def problem(line: int, message: str) -> None:
        problems.append(Problem(path, line, message))

    first_h1: int | None = None
    previous = 1  # Material shows the page's title as its level-1 heading when the page has none
    for level, text in scan.headings:
        line = lines.find_heading(level)
        if level == 1:
            if first_h1 is not None:
                problem(line, (
                    f"a second level-1 heading '{text}' (the first is on line {first_h1}): a page "
                    f"has one level-1 heading, its title: make this one '## {text}'"
                ))
            first_h1 = first_h1 or line
        elif level > previous + 1:
            problem(line, (
                f"heading '{text}' is level {level} but the heading before it is level "
                f"{previous}, so level {previous + 1} is skipped: write it with "
                f"{'#' * (previous + 1)} (or add the missing level above it)"
            ))
        previous = level

    admonition_lines: list[int] = []
    for admonition in scan.admonitions:
        line = lines.find_admonition()
        admonition_lines.append(line)
        if admonition.kind not in ADMONITION_TYPES:
            close = difflib.get_close_matches(admonition.kind, ADMONITION_TYPES, n=1, cutoff=0.6)
            fix = (f"did you mean '{close[0]}'?" if close
                   else f"use one of: {', '.join(ADMONITION_TYPES)}")
            problem(line, (
                f"unknown admonition type '{admonition.kind}', which would show as a plain note: "
                f"{fix}"
            ))
        if not admonition.body_text.strip() and not admonition.body_elements:
            problem(line, (
                f"the '{admonition.kind}' admonition has no body: write its text on the lines "
                "below it, each indented by four spaces"
            ))
        elif admonition.kind == "reflection" and not admonition.list_items:
            problem(line, (
                "the reflection admonition has no prompts: write each prompt as a list item "
                "('- Can you recall…?') indented by four spaces"
            ))
        if admonition.inside_reflection is not None:
            # The worksheet and the journal read the list of the outermost reflection box only: an
            # inner box's prompts end up in the text of the outer prompt they sit in, or (a box
            # directly in the outer box's body) are left out, and are never asked on their own.
            problem(line, (
                f"this reflection box is inside the reflection box on line "
                f"{admonition_lines[admonition.inside_reflection]}, so the worksheet and the answer "
                "boxes would not ask its prompts on their own: move it out, below the end of that box "
                "and not indented under it, or write its prompts as items of that box's list"
            ))

    for src, alt in scan.images:
        if not (alt or "").strip():
            line = lines.find_text(src, kind=f"image:{src}") if src else lines.find_text("![")
            problem(line, (
                f"image '{src}' has no alt text: describe what the image shows for readers who "
                f"cannot see it, e.g. ![A peer supporter listening to a student]({src})"
            ))

    for href, text in scan.links:
        plain = re.sub(r"[^\w\s]", "", text).strip().lower()
        if not text.strip():
            line = lines.find_text(f"]({href}", f'href="{href}"', href, kind=f"link::{href}")
            problem(line, (
                f"the link to '{href}' has no text, so a screen reader can only read out its "
                f"address: write words that name what it opens, e.g. [The original book]({href})"
            ))
        elif plain in VAGUE_LINK_TEXTS:
            line = lines.find_text(f"[{text}]({href}", f"[{text}]", f">{text}<", href, kind=f"link:{text}:{href}")
            problem(line, (
                f"link text '{text}' does not say where the link goes: use words that name the "
                f"page or document it opens, e.g. [Connection, Disconnection & Reconnection]({href})"
            ))
        elif _is_bare_address(text, href):
            line = lines.find_text(f"<{href}>", f"[{text}]", href, kind=f"link:{text}:{href}")
            problem(line, (
                f"link text '{text}' is a bare web address, hard to read aloud and to follow in "
                f"print: name what it links to, e.g. [BCcampus's page for the book]({href})"
            ))
    return problems


def _is_bare_address(text: str, href: str) -> bool:
    text = text.strip()
    return bool(re.fullmatch(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S*", text, re.I)) or (
        bool(text) and text.rstrip("/") == href.strip().rstrip("/") and ":" in href
    )
