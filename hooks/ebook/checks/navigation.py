"""The checks of `nav:` in the configuration file: a page listed twice, a title with markup, a
link to an address that can run script. Each is placed on its line of the file, which the
messages name (`config_name`).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from ebook.checks import html_allowlist
from ebook.checks.lines import Lines
from ebook.checks.problems import Problem

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


def nav_problems(config: MkDocsConfig, config_name: str) -> list[Problem]:
    """A page listed twice in `nav:`: the site would link it twice and the EPUB hold it twice."""
    if not isinstance(config.nav, list):
        return []
    lines = Lines.of_file(config.config_file_path)
    problems, seen = [], set()
    for page in _nav_pages(config.nav):
        line = lines.find_text(page, kind=f"nav:{page}")
        if page in seen:
            problems.append(Problem(
                config_name, line,
                f"nav: lists '{page}' a second time: keep one of its lines, where it belongs in "
                "reading order",
            ))
        seen.add(page)
    return problems


def nav_unsafe_problems(config: MkDocsConfig, config_name: str) -> list[Problem]:
    """Titles in `nav:` with markup (the theme writes them into every page as HTML), and links
    with an address of a kind a page may not link to (`javascript:`)."""
    if not isinstance(config.nav, list):
        return []
    lines = Lines.of_file(config.config_file_path)
    problems = []
    for title in _nav_titles(config.nav):
        if "<" in title or ">" in title or html.unescape(title) != title:
            problems.append(Problem(
                config_name, lines.find_text(title, kind="nav-title"),
                f"the navigation title '{title}' contains '<', '>' or a character reference: "
                "titles in nav: are shown as plain text on every page, where markup is not "
                "allowed: write the title in plain words",
            ))
    for address in _nav_links(config.nav):
        scheme = html_allowlist.address_scheme(address)
        if scheme is not None and scheme not in html_allowlist.LINK_SCHEMES:
            problems.append(Problem(
                config_name, lines.find_text(address, kind="nav-link"),
                f"the navigation link '{address}' is a {scheme}: address, which every page would "
                "link to (it can run script or open another program): link to a page of the book "
                "or to an https:// address",
            ))
    return problems


def _nav_links(nav: Any) -> list[str]:
    """The addresses `nav:` gives, pages and links alike, in order."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return _nav_links(list(nav.values()))
    if isinstance(nav, list):
        return [address for item in nav for address in _nav_links(item)]
    return []


def _nav_titles(nav: Any) -> list[str]:
    """The titles `nav:` gives its pages, sections and links, in order."""
    if isinstance(nav, dict):
        return [str(title) for title in nav] + _nav_titles(list(nav.values()))
    if isinstance(nav, list):
        return [title for item in nav for title in _nav_titles(item)]
    return []


def _nav_pages(nav: Any) -> list[str]:
    """The files `nav:` lists, in order (its links to other sites aside)."""
    if isinstance(nav, str):
        return [] if "://" in nav else [nav]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in _nav_pages(value)]
    if isinstance(nav, list):
        return [page for item in nav for page in _nav_pages(item)]
    return []
