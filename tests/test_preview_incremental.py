"""The preview's builder (ebook/preview/): after every edit of a random sequence (a sentence, a
reflection prompt, a title, a new chapter, a deleted chapter, mkdocs.yml), every file it serves
equals a clean build of the same sources; an edit of a page's body rebuilds that page alone."""

from __future__ import annotations

import difflib
import logging
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Callable, Iterator

import mkdocs
import pytest
from bs4 import BeautifulSoup

from ebook.checks.run import PREVIEW_CLEAN, CheckRun
from ebook.model import state
from ebook.preview.builder import PreviewBuilder
from tests.helpers import make_fixture_project

SERVE_URL = "http://127.0.0.1:8000/"
SEED = 20261204
STEPS = 14
# A chapter's heading alone is its body: the navigation shows the title of its front matter.
BODY_EDITS = ("sentence", "prompt", "heading", "two pages")
WHOLE_BOOK_EDITS = ("title", "new chapter", "deleted chapter", "mkdocs.yml")

# `mkdocs serve`'s first build (mkdocs/commands/serve.py), in a process of its own.
CLEAN_BUILD = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(config_file=sys.argv[1], site_dir=sys.argv[2], strict=False)
config.plugins.on_startup(command="serve", dirty=False)
config.site_url = sys.argv[3]
build(config, serve_url=sys.argv[3])
"""


def test_the_private_steps_of_mkdocs_it_calls_are_those_of_the_version_read() -> None:
    # builder.py repeats MkDocs 1.6's `build` and calls its private `_populate_page` and
    # `_build_page`: another version may change them. Read them again before moving this pin.
    assert mkdocs.__version__.startswith("1.6."), mkdocs.__version__


def in_preview_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture book, in a folder of its own, as this process's working folder and
    environment for a preview of it (until the test ends)."""
    project = make_fixture_project("preview", tmp_path).parent
    for name, value in {"BOOK_EXPORTS": "0", "SOURCE_DATE_EPOCH": "1700000000", "NO_MKDOCS_2_WARNING": "1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(project)
    return project


@pytest.fixture(autouse=True)
def serving_as_before() -> Iterator[None]:
    """The builder's `on_startup` tells the state this process serves: told back after the test."""
    command = "serve" if state.serving() else "build"
    yield
    state.start_process(command)


def clean_build(project: Path, site: Path, env: dict[str, str]) -> None:
    result = subprocess.run([sys.executable, "-c", CLEAN_BUILD, str(project / "mkdocs.yml"), str(site), SERVE_URL],
                            cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]


def differences(preview: Path, clean: Path) -> list[str]:
    """Every file that is not the same in both sites, with the start of the first one's diff."""
    def files(site: Path) -> set[str]:
        return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    found = [f"only in the preview: {p}" for p in sorted(files(preview) - files(clean))]
    found += [f"only in the clean build: {p}" for p in sorted(files(clean) - files(preview))]
    differing = [p for p in sorted(files(preview) & files(clean))
                 if (preview / p).read_bytes() != (clean / p).read_bytes()]
    found += [f"differs: {p}" for p in differing]
    if differing:
        a, b = ((site / differing[0]).read_text(encoding="utf-8", errors="replace").splitlines() for site in (preview, clean))
        found += list(difflib.unified_diff(a, b, "preview", "clean", lineterm="", n=1))[:40]
    return found


def edit(kind: str, project: Path, rng: random.Random, number: int) -> None:
    """Make one edit of `kind`, as a contributor would save it."""
    docs = project / "docs"
    chapters = sorted(p for p in (docs / "chapters").glob("*.md") if p.name != "index.md")
    if kind in ("sentence", "two pages"):  # two pages saved at once, as an editor's "save all" does
        for page in rng.sample(sorted(docs.rglob("*.md")), 2 if kind == "two pages" else 1):
            text = page.read_text(encoding="utf-8")
            heading = text.index("\n# ")
            end = text.index("\n", heading + 1)
            page.write_text(f"{text[:end]}\n\nA sentence of edit {number}, in the body.\n{text[end:]}", encoding="utf-8")
    elif kind == "heading":
        chapter = rng.choice(chapters)
        text = chapter.read_text(encoding="utf-8")
        heading = text.index("\n# ")
        end = text.index("\n", heading + 1)
        chapter.write_text(f"{text[:end]} (heading of edit {number}){text[end:]}", encoding="utf-8")
    elif kind == "prompt":  # the last lines of a chapter are its reflection box's list
        chapter = rng.choice(chapters)
        text = chapter.read_text(encoding="utf-8").rstrip("\n")
        chapter.write_text(f"{text}\n    - What would you ask in edit {number}?\n", encoding="utf-8")
    elif kind == "title":
        chapter = rng.choice(chapters)
        text = chapter.read_text(encoding="utf-8")
        title = next(line for line in text.splitlines() if line.startswith("title: "))[len("title: "):]
        new = f"{title.split(' (')[0]} (edit {number})"
        chapter.write_text(text.replace(f"title: {title}\n", f"title: {new}\n").replace(f"\n# {title}\n", f"\n# {new}\n"),
                           encoding="utf-8")
    elif kind == "new chapter":
        text = (docs / "chapters" / "listening.md").read_text(encoding="utf-8")
        title = next(line for line in text.splitlines() if line.startswith("title: "))[len("title: "):]
        new = f"Chapter of edit {number}"
        (docs / "chapters" / f"edit-{number}.md").write_text(
            text.replace(f"title: {title}\n", f"title: {new}\n").replace(f"\n# {title}\n", f"\n# {new}\n"), encoding="utf-8")
    elif kind == "deleted chapter":
        added = [c for c in chapters if c.name.startswith("edit-")]
        rng.choice(added or chapters[1:]).unlink()
    elif kind == "mkdocs.yml":
        config = project / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        name = next(line for line in text.splitlines() if line.startswith("site_name: "))
        config.write_text(text.replace(f"{name}\n", f"site_name: A book previewed, edit {number}\n"), encoding="utf-8")


def test_every_served_file_equals_a_clean_build_after_each_edit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = in_preview_project(tmp_path, monkeypatch)
    clean_env = dict(os.environ)
    rng = random.Random(SEED)
    kinds = [*BODY_EDITS, *WHOLE_BOOK_EDITS]
    rng.shuffle(kinds)
    kinds += rng.choices([*BODY_EDITS, *WHOLE_BOOK_EDITS], weights=[4, 3, 1, 1, 1, 1, 1, 1], k=STEPS - len(kinds))
    preview = tmp_path / "served"
    builder = PreviewBuilder(str(project / "mkdocs.yml"), str(preview), SERVE_URL, strict=False)
    builder()
    for number, kind in enumerate(["first build", *kinds]):
        if number:
            edit(kind, project, rng, number)
            builder()
            change = builder.last_change
            if kind in BODY_EDITS:
                assert change.pages and not change.full_build, f"edit {number} ({kind}): {change}"
            else:
                assert change.full_build, f"edit {number} ({kind}) rebuilt only {change.pages}"
        clean = tmp_path / f"clean-{number}"
        clean_build(project, clean, clean_env)
        assert differences(preview, clean) == [], f"after edit {number} ({kind})"


def test_a_saved_script_is_never_served_and_its_removal_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    """HTML the checks refuse stops the rebuild of one page as it stops a whole build, saying
    where, and the page served stays the last one without it. The rebuild ends well, so that
    MkDocs' server goes on serving (it holds every request after a rebuild that fails). Once the
    HTML is removed, that page is rebuilt and the preview is a clean build again."""
    project = in_preview_project(tmp_path, monkeypatch)
    served = tmp_path / "served"
    builder = PreviewBuilder(str(project / "mkdocs.yml"), str(served), SERVE_URL, strict=False)
    builder()
    chapter = project / "docs" / "chapters" / "listening.md"
    original = chapter.read_text(encoding="utf-8")
    chapter.write_text(original.replace("\n## Connection\n", "\n<script>alert('saved')</script>\n\n## Connection\n"),
                       encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        builder()
    told = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    assert "docs/chapters/listening.md" in told and "<script>" in told, told  # the checks' list
    assert "Until that is removed, the preview shows no edit of any page" in told
    assert "alert('saved')" not in (served / "chapters" / "listening" / "index.html").read_text(encoding="utf-8")
    chapter.write_text(original.replace("\n## Connection\n", "\nA sentence instead.\n\n## Connection\n"),
                       encoding="utf-8")
    builder()
    assert builder.last_change.pages == ("chapters/listening.md",), builder.last_change
    clean_build(project, tmp_path / "clean", dict(os.environ))
    assert differences(served, tmp_path / "clean") == []


def test_a_script_saved_with_a_new_title_leaves_the_last_site_served_until_it_is_removed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """A new title needs the whole book built again; the checks refuse the script before the
    served site is emptied, and the build ends well (MkDocs' server would hold every request
    after a failed one): every file served stays the last build's. Once the script is removed,
    the book is built whole, as a clean build."""
    project = in_preview_project(tmp_path, monkeypatch)
    served = tmp_path / "served"
    builder = PreviewBuilder(str(project / "mkdocs.yml"), str(served), SERVE_URL, strict=False)
    builder()
    before = {path: path.read_bytes() for path in served.rglob("*") if path.is_file()}
    chapter = project / "docs" / "chapters" / "listening.md"
    text = chapter.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title: "))[len("title: "):]
    retitled = text.replace(f"title: {title}\n", "title: Listening, again\n")
    chapter.write_text(retitled.replace("\n## Connection\n", "\n<script>alert('saved')</script>\n\n## Connection\n"),
                       encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        builder()
    assert builder.last_change.full_build, builder.last_change
    told = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    assert "docs/chapters/listening.md" in told and "<script>" in told, told
    assert "Until that is removed, the preview shows no edit of any page" in told
    assert {path: path.read_bytes() for path in served.rglob("*") if path.is_file()} == before
    chapter.write_text(retitled, encoding="utf-8")
    builder()
    clean_build(project, tmp_path / "clean", dict(os.environ))
    assert differences(served, tmp_path / "clean") == []


@pytest.mark.build  # the build runs git for the pages' dates
def test_a_list_of_downloads_saved_in_a_page_is_served_complete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A chapter whose download links were completed as it was written, rebuilt alone once the
    list of downloads is saved in it, is served with the list and its links complete."""
    project = in_preview_project(tmp_path, monkeypatch)
    served = tmp_path / "served"
    builder = PreviewBuilder(str(project / "mkdocs.yml"), str(served), SERVE_URL, strict=False)
    builder()
    page = served / "chapters" / "listening" / "index.html"
    assert "book-download-missing" in page.read_text(encoding="utf-8")  # its links, completed
    chapter = project / "docs" / "chapters" / "listening.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "\n## Connection\n", "\n<div data-downloads-list></div>\n\n## Connection\n"), encoding="utf-8")
    builder()
    assert builder.last_change.pages == ("chapters/listening.md",), builder.last_change
    html = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    (listing,) = html.select(".book-downloads-list")
    assert listing.get_text().startswith("This preview has no downloads: make book makes ")
    assert html.select(".book-download-missing") and not html.select("[data-download], [data-downloads-list]")


def test_the_preview_server_shows_a_saved_edit(tmp_path: Path) -> None:
    """`python -m ebook.preview` (make serve): the page served changes once the chapter is saved."""
    project = make_fixture_project("preview", tmp_path).parent
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "BOOK_EXPORTS": "0", "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project / "hooks")}
    log = tmp_path / "preview.log"
    with log.open("wb") as output:  # a file, not a pipe: a long log never blocks the server
        process = subprocess.Popen([sys.executable, "-m", "ebook.preview", "--no-strict", "-a", f"127.0.0.1:{port}"],
                                   cwd=project, env=env, stdout=output, stderr=output)
    url = f"http://127.0.0.1:{port}/chapters/listening/"
    try:
        assert "<h1" in served(url, process, lambda page: "<h1" in page)
        chapter = project / "docs" / "chapters" / "listening.md"
        time.sleep(0.5)  # the server watches the files once the first build is served
        chapter.write_text(chapter.read_text(encoding="utf-8").replace(
            "\n## Connection\n", "\nA sentence saved during the preview.\n\n## Connection\n"), encoding="utf-8")
        page = served(url, process, lambda page: "A sentence saved during the preview." in page)
        assert "<p>A sentence saved during the preview.</p>" in page
    finally:
        process.terminate()
        process.wait(timeout=30)
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "Rebuilt chapters/listening.md" in text, text[-3000:]


def served(url: str, process: subprocess.Popen[bytes], ready: Callable[[str], bool], timeout: float = 60) -> str:
    """The page at `url` once `ready` says so (polled)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        assert process.poll() is None, f"the preview stopped (exit {process.returncode})"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                page = str(response.read().decode("utf-8"))
            if ready(page):
                return page
        except OSError:
            pass  # not serving yet
        time.sleep(0.05)
    raise AssertionError(f"{url} was not ready within {timeout} s")


@pytest.mark.build  # the build runs git for the pages' dates
def test_the_preview_says_when_the_problems_it_told_are_fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    """A contributor who fixed what the checks told sees that nothing is left, once: the last
    list of problems is not the last word of the preview's log."""
    monkeypatch.setattr(CheckRun, "told_in_preview", True)  # as an earlier preview in this process left it
    project = in_preview_project(tmp_path, monkeypatch)
    chapter = project / "docs" / "chapters" / "listening.md"
    original = chapter.read_text(encoding="utf-8")
    chapter.write_text(original.replace("\n## Connection\n", "\n1) Listen first.\n\n## Connection\n"), encoding="utf-8")
    builder = PreviewBuilder(str(project / "mkdocs.yml"), str(tmp_path / "served"), SERVE_URL, strict=False)

    def build_and_tell() -> tuple[str, list[str]]:
        caplog.clear()
        with caplog.at_level(logging.INFO):
            builder()
        warned = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
        return warned, [r.getMessage() for r in caplog.records if r.getMessage() == PREVIEW_CLEAN]

    warned, clean = build_and_tell()  # a whole build first
    assert "starts with '1)'" in warned and clean == []
    chapter.write_text(original.replace("\n## Connection\n", "\n1. Listen first.\n\n## Connection\n"), encoding="utf-8")
    assert build_and_tell() == ("", [PREVIEW_CLEAN])  # the page rebuilt alone
    chapter.write_text(original, encoding="utf-8")
    assert build_and_tell() == ("", [])  # said once
    chapter.write_text(original.replace("\n## Connection\n", "\n2) Reflect.\n\n## Connection\n"), encoding="utf-8")
    assert "starts with '2)'" in build_and_tell()[0]
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    chapter.write_text(original, encoding="utf-8")
    assert build_and_tell() == ("", [PREVIEW_CLEAN])  # after a whole build too

    # MkDocs' own warnings, told by it as it rebuilds the page: not "no problem".
    for added in ("See ![a picture](../images/not-there.png).", "See [it](#no-such-section)."):
        chapter.write_text(original.replace("\n## Connection\n", f"\n{added}\n\n## Connection\n"), encoding="utf-8")
        warned, clean = build_and_tell()
        assert ("not-there.png" in warned or "no-such-section" in warned) and clean == [], warned
    chapter.write_text(original, encoding="utf-8")
    assert build_and_tell() == ("", [PREVIEW_CLEAN])


@pytest.mark.build  # the build runs git for the pages' dates
def test_a_refused_script_saved_away_leaves_no_refusal_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    """The page put back as it was (an editor's undo) is read again with the next change, so its
    refusal does not stop every rebuild after it, and the preview says nothing is left."""
    project = in_preview_project(tmp_path, monkeypatch)
    builder = PreviewBuilder(str(project / "mkdocs.yml"), str(tmp_path / "served"), SERVE_URL, strict=False)
    builder()
    chapter = project / "docs" / "chapters" / "listening.md"
    original = chapter.read_text(encoding="utf-8")
    chapter.write_text(original.replace("\n## Connection\n", "\n<script>alert(1)</script>\n\n## Connection\n"),
                       encoding="utf-8")
    builder()
    assert builder.refused == ("chapters/listening.md",)
    chapter.write_text(original, encoding="utf-8")  # the same bytes as the last build read
    other = next(p for p in sorted((project / "docs").rglob("*.md")) if p != chapter and "\n# " in p.read_text(encoding="utf-8"))
    text = other.read_text(encoding="utf-8")
    other.write_text(text + "\nA sentence.\n", encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.INFO):
        builder()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert "chapters/listening.md" in builder.last_change.pages and builder.refused == ()
    assert PREVIEW_CLEAN in [r.getMessage() for r in caplog.records]
