"""Faults, nothing lost: two builds at once, a kill at any step of the site swap, a damaged
cache or one that cannot be written, a browser that does not start.

Real processes, signals and files. The lock and the swap are tried on a tiny MkDocs project
(`scripts/build_site.py` builds any MkDocs project), so that a kill can be tried at every step in
a few seconds; the cache and the browser on a copy of the book, downloads included.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from ebook.model import build_cache
from tests.helpers import ROOT
from tests.test_build_outputs import copy_of_the_book, snapshot
from tests.test_pdf_browser import arguments

BUILD_SITE = ROOT / "scripts" / "build_site.py"  # what `make book` runs
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1700000000"}
WAITING = "Another build of the book is running in this folder; waiting for it to finish…"
CACHE_UNUSABLE = ".cache/book: the cache of unchanged downloads cannot be used ("
CACHE_FIX = "Delete the folder (`make clean`) and build again, or build without it with BOOK_CACHE=0."


# --- A tiny project: a page, a bare theme, no plugins -----------------------------------------

TINY_CONFIG = """site_name: Faults
theme:
  name: null
  custom_dir: theme
plugins: []
hooks: [gate.py]
"""
# Holds a build once its pages are written, before its site is swapped in, until the file GATE
# names exists; creates GATE.reached to say it got there.
GATE_HOOK = """import os, time
def on_post_build(config):
    gate = os.environ.get("GATE")
    if gate:
        open(gate + ".reached", "w").close()
        while not os.path.exists(gate):
            time.sleep(0.01)
"""
TINY_FILES = ["index.html", "sitemap.xml", "sitemap.xml.gz"]


def tiny_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "theme").mkdir(parents=True)
    (project / "docs").mkdir()
    (project / "mkdocs.yml").write_text(TINY_CONFIG, encoding="utf-8")
    (project / "gate.py").write_text(GATE_HOOK, encoding="utf-8")
    (project / "theme" / "main.html").write_text("<!doctype html><title>{{ page.title }}</title>{{ page.content }}\n",
                                                 encoding="utf-8")
    return project


def write_version(project: Path, number: int, *, broken: bool = False) -> None:
    """The page's text names its version; a broken version links to a missing page, which stops
    a strict build."""
    text = f"# Version {number}\n" + ("\n[Missing](missing.md)\n" if broken else "")
    (project / "docs" / "index.md").write_text(text, encoding="utf-8")


def run_script(project: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BUILD_SITE), "site"], cwd=project, capture_output=True,
                          text=True, env={**ENV, **env})


def start_script(project: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(BUILD_SITE), "site"], cwd=project, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**ENV, **env})


def wait_until_held(gate: Path, process: subprocess.Popen[str]) -> None:
    reached = gate.with_name(gate.name + ".reached")
    deadline = time.monotonic() + 120  # not a measure: a bound, should the build hang
    while not reached.exists():
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline
        time.sleep(0.01)


def leftovers(project: Path) -> list[str]:
    """What the build leaves beside site/ besides its lock file."""
    return sorted(p.name for p in project.iterdir() if p.name.startswith(".site") and p.name != ".site.lock")


def complete_site(project: Path, number: int) -> bool:
    site = project / "site"
    return (sorted(p.name for p in site.iterdir()) == TINY_FILES
            and f"Version {number}" in (site / "index.html").read_text(encoding="utf-8"))


# --- One build at a time ----------------------------------------------------------------------


def two_builds_at_once(project: Path, gate: Path, meanwhile: Callable[[], None],
                       **second_env: str) -> tuple[subprocess.Popen[str], str, subprocess.Popen[str], str]:
    """A first build held once its pages are written into .site-building/ (not yet swapped in),
    `meanwhile` done, a second build started, which waits saying so; each build and its stderr."""
    first = start_script(project, GATE=str(gate))
    try:
        wait_until_held(gate, first)
        meanwhile()
        second = start_script(project, **second_env)
        assert second.stderr is not None
        assert second.stderr.readline().rstrip("\n") == WAITING  # before it writes anything
    finally:
        gate.touch()
    return first, first.communicate()[1], second, second.communicate()[1]


def test_two_builds_at_once_run_one_after_the_other(tmp_path: Path) -> None:
    project = tiny_project(tmp_path)
    write_version(project, 1)
    # Version 2 is what the second build was started for.
    first, first_err, second, second_err = two_builds_at_once(project, tmp_path / "gate",
                                                              lambda: write_version(project, 2))
    assert first.returncode == 0, first_err
    assert second.returncode == 0, second_err
    assert "Traceback" not in first_err + second_err
    assert complete_site(project, 2)
    assert leftovers(project) == []


def test_a_build_killed_midway_changes_nothing_and_holds_the_folder_until_its_mkdocs_ends(tmp_path: Path) -> None:
    project = tiny_project(tmp_path)
    write_version(project, 1)
    assert run_script(project).returncode == 0
    before = snapshot(project / "site")
    write_version(project, 2)
    gate = tmp_path / "gate"
    killed = start_script(project, GATE=str(gate))
    try:
        wait_until_held(gate, killed)
        killed.kill()  # the script alone: its mkdocs is still writing into .site-building/
        killed.wait()  # (its stderr stays open: the orphaned mkdocs holds it too)
        assert killed.stderr is not None
        killed.stderr.close()
        assert snapshot(project / "site") == before
        after = start_script(project)
        assert after.stderr is not None
        assert after.stderr.readline().rstrip("\n") == WAITING
    finally:
        gate.touch()  # the orphaned mkdocs ends, and with it the lock it shared
    err = after.communicate()[1]
    assert after.returncode == 0, err
    assert complete_site(project, 2)
    assert leftovers(project) == []


# --- A kill at every step of the swap ----------------------------------------------------------

# Runs the script's own build() with each step that changes the folders counted (a rename, an
# exchange, a file or folder deleted, in the script or in the shutil.rmtree it calls), and kills
# itself with SIGKILL just before step KILL_AT: run with KILL_AT = 1, 2, 3…, the kills leave every
# state the folders pass through. Prints the number of steps if it gets to the end. With
# "rename", the exchange is refused, as on a system without it.
DRIVER = """
import os, signal, sys
sys.path.insert(0, sys.argv[1])
import build_site
kill_at, how = int(sys.argv[2]), sys.argv[3]
steps = 0
def counted(real):
    def step(*args, **kwargs):
        global steps
        steps += 1
        if steps == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return step
os.rename, os.replace, os.unlink, os.rmdir = map(counted, (os.rename, os.replace, os.unlink, os.rmdir))
build_site.exchange = counted(build_site.exchange) if how == "exchange" else (lambda a, b: False)
code = build_site.build(build_site.Path("site").absolute())
print(steps)
sys.exit(code)
"""


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny project's site at versions 1 and 2, in version-1/ and version-2/."""
    folder = tmp_path_factory.mktemp("versions")
    project = tiny_project(folder)
    for number in (1, 2):
        write_version(project, number)
        assert run_script(project).returncode == 0
        shutil.copytree(project / "site", folder / f"version-{number}")
    return folder


def reset(project: Path, versions: Path, *, stale: bool) -> None:
    """Where each kill starts from: site/ is version 1, the sources are version 2; if `stale`, a
    build killed after its swap left the site before it in .site-previous/ (to be deleted)."""
    for folder in (project / "site", *(project / name for name in leftovers(project))):
        shutil.rmtree(folder, ignore_errors=True)  # (no site/ yet at the first kill)
    shutil.copytree(versions / "version-1", project / "site")
    if stale:
        shutil.copytree(versions / "version-1", project / ".site-previous")
    write_version(project, 2)


@pytest.mark.parametrize("how", ["exchange", "rename"])
def test_a_kill_at_any_step_of_the_swap_leaves_a_complete_site(tmp_path: Path, versions: Path, how: str) -> None:
    project = tiny_project(tmp_path)
    sites = {number: snapshot(versions / f"version-{number}") for number in (1, 2)}
    site_missing_after = []
    rebuilt_from = []
    for kill_at in itertools.count(1):
        reset(project, versions, stale=how == "rename")  # the deletion's steps, tried once
        driven = subprocess.run([sys.executable, "-c", DRIVER, str(BUILD_SITE.parent), str(kill_at), how],
                                cwd=project, capture_output=True, text=True, env=ENV)
        if driven.returncode == 0:  # no step left to kill at
            assert int(driven.stdout.split()[-1]) == kill_at - 1
            break
        assert driven.returncode == -signal.SIGKILL, driven.stderr
        missing = not (project / "site").exists()
        if missing:
            site_missing_after.append(kill_at)

        # The next build fails: the last complete site stays, whichever it was.
        write_version(project, 3, broken=True)
        failed = run_script(project)
        assert failed.returncode == 1 and "Traceback" not in failed.stderr, failed.stderr
        assert (project / "site").is_dir(), f"killed before step {kill_at}, then a failed build: no site/"
        kept = snapshot(project / "site")
        assert kept in (sites[1], sites[2]), f"killed before step {kill_at}"
        assert ("the site built before it is back in place" in failed.stderr) == missing
        assert leftovers(project) == []

        # The next build succeeds: its site, and nothing else left. After the failed build the
        # folder holds one of the two sites and nothing beside it, so once from each is enough.
        if kept not in rebuilt_from:
            rebuilt_from.append(kept)
            write_version(project, 2)
            rebuilt = run_script(project)
            assert rebuilt.returncode == 0, rebuilt.stderr
            assert snapshot(project / "site") == sites[2]
            assert leftovers(project) == []
    assert kill_at > 5  # there were steps to kill at: renames, deletions
    # Only between the two renames is there an instant without site/; the exchange has none.
    assert bool(site_missing_after) == (how == "rename"), site_missing_after


# --- A build stopped by a signal ----------------------------------------------------------------


def live_processes(group: int) -> list[int]:
    """The processes of a process group that have not ended (Linux's /proc; zombies aside)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()  # after the program's name
        except OSError:  # ended meanwhile
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def stopped_make_book(project: Path, number: int, when: Callable[[int], bool], *,
                      temporary: Path | None = None) -> tuple[int, str]:
    """`make book`'s build of `project` (with its PDFs, none reused), sent the signal `number`
    once `when(group)` holds: to its whole process group, as Ctrl-C in a terminal or `kill
    -<group>` does. Its exit status and what it wrote to stderr, once every process of its group
    has ended (the book's build cleans up after the script has ended). `temporary` is the
    build's TMPDIR."""
    process = subprocess.Popen(
        [sys.executable, str(BUILD_SITE), "site"], cwd=project, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**ENV, "BOOK_EXPORTS": "1", "BOOK_CACHE": "0", **({"TMPDIR": str(temporary)} if temporary else {})},
        # The signal's default action (for SIGINT, Python's own Ctrl-C), whatever the test run inherited.
        preexec_fn=lambda: signal.signal(number, signal.SIG_DFL))
    deadline = time.monotonic() + 120  # not a measure: a bound, should the build hang
    while not when(process.pid):
        assert process.poll() is None, "the build ended before it could be stopped"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.killpg(process.pid, number)
    _, stderr = process.communicate(timeout=60)  # the browser's own wait for a stuck close is 120 s
    while live_processes(process.pid):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return process.returncode, stderr


def stopped_cleanly(returncode: int, stderr: str) -> bool:
    """Ended as Ctrl-C ends a program, with nothing told but that."""
    return returncode == 130 and not [said for said in ("Traceback", "ERROR", "Warning") if said in stderr]


@pytest.mark.build
def test_a_build_stopped_by_sigterm_leaves_no_offline_edition_behind(tmp_path: Path) -> None:
    """SIGTERM (a service manager, `timeout`, a CI job cancelled) ends Python without its atexit
    clean-up, unless the build turns it into an exit: the offline edition's temporary folder,
    with a partial site in it, must not stay behind."""
    project = copy_of_the_book(tmp_path, 0)
    temporary = tmp_path / "tmp"  # where the build makes its temporary folders
    temporary.mkdir()
    # Stopped while the edition's build is writing.
    stopped_make_book(project, signal.SIGTERM, lambda _: any(temporary.glob("offline-edition-*/site/*")),
                      temporary=temporary)
    assert list(temporary.glob("offline-edition-*")) == []
    assert not (project / "site").exists()


@pytest.mark.build
def test_ctrl_c_while_the_site_is_built_leaves_no_browser_folder_behind(tmp_path: Path) -> None:
    """The browser starts beside the site's build; stopped then, the build has no build error to
    close it by, and its folder (profile, log) stayed in the temporary directory."""
    project = copy_of_the_book(tmp_path, 0)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    # Stopped as the browser starts.
    ended = stopped_make_book(project, signal.SIGINT, lambda _: any(temporary.glob("book-chromium-*")),
                              temporary=temporary)
    assert stopped_cleanly(*ended), ended
    assert list(temporary.glob("book-chromium-*")) == []


@pytest.mark.build
def test_ctrl_c_while_the_pdfs_are_finished_stops_the_build_at_once_and_cleanly(tmp_path: Path) -> None:
    """Ctrl-C reaches every process of the build, the one finishing the PDFs too: the build
    stops without a traceback or a wait, and leaves no process and no site behind."""
    project = copy_of_the_book(tmp_path, 2)
    # Stopped once the finishing process runs.
    ended = stopped_make_book(project, signal.SIGINT, lambda group: any(
        "--multiprocessing-fork" in arguments(pid) for pid in live_processes(group)))
    assert stopped_cleanly(*ended), ended
    assert not (project / "site").exists()


# --- The cache and the browser -----------------------------------------------------------------


def test_a_damaged_cache_entry_is_made_again_and_a_folder_in_its_place_stops_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = build_cache.Cache(tmp_path / ".cache" / "book")
    cache.put("pdf", "abcd", {}, b"%PDF-1.7")
    (tmp_path / ".cache" / "book" / "pdf" / "abcd").write_bytes(b"\x00garbage")
    assert cache.get("pdf", "abcd") is None  # a miss: printed again and rewritten
    cache.put("pdf", "abcd", {}, b"%PDF-1.7")
    assert cache.get("pdf", "abcd") is not None
    (tmp_path / ".cache" / "book" / "pdf" / "abcd").unlink()
    (tmp_path / ".cache" / "book" / "pdf" / "abcd").mkdir()
    monkeypatch.chdir(tmp_path)  # the message names the folder as the build, run beside it, sees it
    for use in (lambda: cache.get("pdf", "abcd"), lambda: cache.put("pdf", "abcd", {}, b"x"),
                lambda: build_cache.Cache(cache.folder).prune("pdf")):
        with pytest.raises(PluginError) as raised:
            use()
        assert str(raised.value) == f"{CACHE_UNUSABLE}Is a directory: .cache/book/pdf/abcd). {CACHE_FIX}"


@pytest.fixture(scope="module")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A book of one chapter built as `make book` builds it: its site and a full cache."""
    project = copy_of_the_book(tmp_path_factory.mktemp("faults"), 0)
    result = run_script(project, BOOK_EXPORTS="1")
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture
def book(built_book: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "book"
    shutil.copytree(built_book, copy, symlinks=True)
    return copy


def assert_stops_in_one_line(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1, result.stderr
    for text in expected:
        assert text in errors[0], errors[0]


def edit_chapter(project: Path) -> None:
    """A change that makes the build print PDFs again, and write them into the cache."""
    chapter = project / "docs" / "chapters" / "connection-disconnection-reconnection.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("Like electricity", "Like eletcricity", 1), encoding="utf-8")


def test_a_folder_in_place_of_a_cache_entry_stops_the_build_in_one_line(book: Path) -> None:
    before = snapshot(book / "site")
    entry = sorted((book / ".cache" / "book" / "pdf").iterdir())[0]
    entry.unlink()
    entry.mkdir()
    result = run_script(book, BOOK_EXPORTS="1")
    assert_stops_in_one_line(result, CACHE_UNUSABLE, f"Is a directory: .cache/book/pdf/{entry.name}", CACHE_FIX)
    assert snapshot(book / "site") == before


def test_a_cache_that_cannot_be_written_stops_the_build_in_one_line(book: Path) -> None:
    """A file where the cache's folder of PDFs belongs: the build can neither read nor write an
    entry there, whoever runs it (permissions would not stop root)."""
    before = snapshot(book / "site")
    edit_chapter(book)
    pdfs = book / ".cache" / "book" / "pdf"
    shutil.rmtree(pdfs)
    pdfs.write_bytes(b"")
    result = run_script(book, BOOK_EXPORTS="1")
    assert_stops_in_one_line(result, CACHE_UNUSABLE, "Not a directory: .cache/book/pdf/", CACHE_FIX)
    assert snapshot(book / "site") == before


# With the cache, the browser's version is asked first (it is part of every PDF's key); without
# it, the browser is launched straight away.
@pytest.mark.parametrize("cache", ["1", "0"])
def test_a_browser_that_does_not_start_stops_the_build_in_one_line(book: Path, cache: str) -> None:
    before = snapshot(book / "site")
    broken = shutil.which("false")
    assert broken
    result = run_script(book, BOOK_EXPORTS="1", BOOK_BROWSER=broken, BOOK_CACHE=cache)
    assert_stops_in_one_line(result, f"The browser {broken} does not start (",
                             "Install Chromium", "or set BOOK_BROWSER to a working Chromium or Chrome.")
    assert snapshot(book / "site") == before
