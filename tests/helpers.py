"""Shared test helpers: building real sites, reading their pages, reading the source text."""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Sequence

import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SOURCE_TEXT = ROOT / "source" / "connection-disconnection-reconnection.txt"
CHAPTER_MD = ROOT / "docs" / "chapters" / "connection-disconnection-reconnection.md"
# The published page's footer, not chapter text (see source/README.md).
SOURCE_FOOTER_START = "Icon for the Creative Commons"


def mkdocs_build(config_file: Path, site_dir: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `mkdocs build --strict` (never -v: it skips anchor checks)."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_file), "-d", str(site_dir)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
        cwd=config_file.parent,
    )


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def make_fixture_project(case: str, workdir: Path, fixtures: Path = FIXTURES) -> Path:
    """A copy of the real project with the fixture's docs/ and its changes to mkdocs.yml.

    A fixture is `tests/fixtures/<case>/docs/` plus an optional `mkdocs.override.yml`, merged
    over the project's own configuration (a key set to null there removes the key).
    """
    fixture = fixtures / case
    project = workdir / case
    shutil.copytree(fixture / "docs", project / "docs")
    for folder in ("hooks", "overrides", "templates"):
        shutil.copytree(ROOT / folder, project / folder)
    for assets in ("stylesheets", "javascripts"):
        shutil.copytree(ROOT / "docs" / assets, project / "docs" / assets, dirs_exist_ok=True)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_KeepEnvTags)
    config.pop("nav", None)
    override_file = fixture / "mkdocs.override.yml"
    if override_file.exists():
        config = _deep_merge(config, yaml.safe_load(override_file.read_text(encoding="utf-8")) or {})
    config = _drop_nulls(config)
    (project / "mkdocs.yml").write_text(yaml.dump(config, Dumper=_WriteEnvTags, sort_keys=False), encoding="utf-8")
    return project / "mkdocs.yml"


# The project's `!ENV` settings (the site's address, the offline edition's switch) stay tags in a
# fixture's mkdocs.yml, read when the fixture is built, as in the project's own builds.
class EnvTag(list):  # type: ignore[type-arg]
    """`!ENV [NAME, default]`, kept as written."""


class _KeepEnvTags(yaml.SafeLoader):
    pass


class _WriteEnvTags(yaml.SafeDumper):
    pass


_KeepEnvTags.add_constructor("!ENV", lambda loader, node: EnvTag(loader.construct_sequence(node)))  # type: ignore[arg-type]
_WriteEnvTags.add_representer(EnvTag, lambda dumper, tag: dumper.represent_sequence("!ENV", tag, flow_style=True))


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    return value


# The real book is built with its downloads and fixed dates, so two builds compare byte for byte
# (`make test` sets SOURCE_DATE_EPOCH from git; a direct pytest run gets this one).
BOOK_BUILD_ENV = {"BOOK_EXPORTS": "1", "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH") or "1764288000"}


def build_fixture(case: str, workdir: Path, fixtures: Path = FIXTURES,
                  env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Build a fixture book; without PDFs and other downloads unless `env` turns them on."""
    config = make_fixture_project(case, workdir, fixtures)
    site = config.parent / "site"
    return mkdocs_build(config, site, {"BOOK_EXPORTS": "0", **(env or {})}), site


def build_pages(pages: dict[str, str | bytes], workdir: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Build a fixture book made on the spot: {path under docs/: content}."""
    for name, content in pages.items():
        path = workdir / "fixtures" / "made" / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return build_fixture("made", workdir / "project", fixtures=workdir / "fixtures")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def page_html_path(site: Path, src_uri: str) -> Path:
    """Where MkDocs (with directory URLs) writes the page built from docs/<src_uri>."""
    stem = src_uri.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return site / stem.removesuffix("index") / "index.html"
    return site / stem / "index.html"


# --- The real book's reading order, from mkdocs.yml: tests of the real book hold for whatever ----
# --- chapters it has, so they read its chapters from here instead of naming them. ------------


def nav_entries(nav: list[Any]) -> list[tuple[str | None, str]]:
    """The pages of a `nav:` list, in reading order: (the title the list gives it, or None; page)."""
    entries: list[tuple[str | None, str]] = []
    for item in nav:
        label, value = next(iter(item.items())) if isinstance(item, dict) else (None, item)
        entries += nav_entries(value) if isinstance(value, list) else [(label, value)]
    return entries


def nav_pages(nav: list[Any]) -> list[str]:
    """The pages of a `nav:` list, in reading order."""
    return [page for _, page in nav_entries(nav)]


def nav_titles() -> dict[str, str]:
    """Each page of the navigation with the title the site gives it: the navigation's, or the
    page's own."""
    return {page: label or front_matter(page)["title"] for label, page in nav_entries(book_config()["nav"])}


def top_level_titles() -> list[str]:
    """The titles of the navigation's first level, as the drawer shows them: a page's (the
    navigation's, or its own) or a section's."""
    titles = []
    for item in book_config()["nav"]:
        label, value = next(iter(item.items())) if isinstance(item, dict) else (None, item)
        titles.append(label or front_matter(value)["title"])
    return titles


def section_of(page: str) -> str:
    """The title of the navigation's first-level section that lists the page."""
    for item in book_config()["nav"]:
        if isinstance(item, dict):
            label, value = next(iter(item.items()))
            if isinstance(value, list) and page in nav_pages(value):
                return str(label)
    raise AssertionError(f"{page} is in no section of nav:")


def book_config() -> dict[str, Any]:
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_KeepEnvTags)


def reading_order() -> list[str]:
    """Every page of the site's navigation, in reading order."""
    return nav_pages(book_config()["nav"])


def book_pages() -> list[str]:
    """The pages the book holds, in reading order: the navigation less the pages print-site
    leaves out (those about the website itself)."""
    (print_site,) = [p["print-site"] for p in book_config()["plugins"] if isinstance(p, dict) and "print-site" in p]
    excluded = set(print_site.get("exclude", []))
    return [page for page in reading_order() if page not in excluded]


def chapter_pages() -> list[str]:
    """The chapters, in reading order (a section's index page is not a chapter)."""
    chapters_dir = book_config()["extra"]["book"]["chapters_dir"]
    return [p for p in book_pages() if p.startswith(chapters_dir + "/") and not p.endswith("index.md")]


def front_matter(src_uri: str, docs: Path = ROOT / "docs") -> dict[str, Any]:
    text = (docs / src_uri).read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n", 2)[1])


def docs_pages(docs: Path = ROOT / "docs") -> list[str]:
    return sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def source_chapter_text() -> str:
    """The chapter's own text: the source file without the published page's footer."""
    text = SOURCE_TEXT.read_text(encoding="utf-8")
    return text[: text.index(SOURCE_FOOTER_START)]


def source_sentences() -> list[str]:
    """Every sentence of the source chapter, word for word (bullets and line breaks aside)."""
    text = source_chapter_text().replace("•", " ")
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        for line in paragraph.splitlines():
            line = normalise(line)
            sentences += [s for s in re.split(r"(?<=[.?!…])\s+", line) if s]
    return sentences


def source_prompts() -> list[str]:
    """The reflection prompts: the bulleted lines of the source chapter."""
    return [normalise(line.strip().lstrip("•")) for line in source_chapter_text().splitlines() if line.strip().startswith("•")]


# --- Nothing lost: a chapter page's text against any other output's text ------------------------


def chapter_text_from_page(path: Path) -> str:
    """The text a reader gets from a built page: its article, without permalink signs, buttons,
    download links, the reading settings' panel or the journal's note on where answers are kept
    (the page's tools, which no download has)."""
    article = soup(path).find("article")
    for tag in article.select(".headerlink, .md-content__button, .md-source-file, .book-downloads, "
                              "[data-book-settings], [data-journal-note]"):
        tag.decompose()
    return article.get_text(" ")


def comparable_words(text: str) -> list[str]:
    """Words, whatever the output did to lines and spacing: ligatures, soft hyphens and
    hyphenation undone, punctuation aside."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = re.sub(r"(?<=\w)-\s+(?=\w)", "", text)  # a word hyphenated at a line end
    text = re.sub(r"(?<=\w)-(?=\w)", "", text)  # so "well-being" compares with "wellbeing"
    # Words only: where an output puts a space beside punctuation ("4.0 ." from HTML's inline
    # tags, "4.0." in a PDF) is layout, not a loss.
    return re.findall(r"\w+", text)


def missing_chapter_text(chapters: Sequence[tuple[str, str]], extracted: str) -> dict[str, str]:
    """What of each chapter is not in `extracted`, whole and in the given order.

    `chapters` is [(name, text of the chapter page)] in reading order; `extracted` is the text of
    an output (the print page, a PDF's text layer, an EPUB's XHTML). Words the output adds (running
    heads, page numbers, a table of contents) are ignored; each chapter's words must appear in
    order, after the previous chapter's. Returns {name: the missing words} for chapters that lost
    text (empty when nothing is lost).
    """
    actual = comparable_words(extracted)
    start = 0
    missing: dict[str, str] = {}
    for name, text in chapters:
        expected = comparable_words(text)
        matcher = difflib.SequenceMatcher(None, expected, actual[start:], autojunk=False)
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        found = {i for b in blocks for i in range(b.a, b.a + b.size)}
        lost = [word for i, word in enumerate(expected) if i not in found]
        if lost:
            missing[name] = " ".join(lost)
        if blocks:
            start += blocks[-1].b + blocks[-1].size
    return missing


def git(cwd: Path, *args: str, date: str | None = None) -> str:
    """Run git with no user or system settings; `date` (any form git reads) dates a commit."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    result = subprocess.run(
        ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.org", "-c", "init.defaultBranch=main", *args],
        cwd=cwd, env=env, capture_output=True, text=True, check=True,
    )
    return result.stdout


def ended_pid() -> int:
    """The process id of a process that has ended, as a killed build has."""
    ended = subprocess.Popen(["true"])
    ended.wait()
    return ended.pid


def left_unheld(folder: Path) -> Path:
    """A build folder whose lock no one holds: its build ended without removing it."""
    from ebook.model.writing import LOCK_NAME

    (folder / "inside").mkdir(parents=True)
    (folder / LOCK_NAME).touch()
    return folder
