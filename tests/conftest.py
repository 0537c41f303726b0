from __future__ import annotations

import fcntl
import inspect
import json
import os
import shutil
import subprocess
import sys
import types
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.helpers import BOOK_BUILD_ENV, ROOT, mkdocs_build
from site_server import serve

# Chromium here must not try to reach the hosts it calls home (the network is closed).
BROWSER_ARGS = ["--disable-background-networking", "--disable-component-update", "--no-first-run"]


# A test that uses one of these reads the real book as built: it is a test of the real book.
REAL_BOOK_FIXTURES = {"site", "published_site", "site_address"}


# What a test does, read from the code it runs (its own, its fixtures', and the test helpers'
# it calls): a test that starts another program (MkDocs, make, git, a validator) is a `build`
# test, one that drives Chromium a `browser` test; the rest are unit tests, which run in seconds
# (`pytest -m "not build and not browser"`).
STARTS_A_PROGRAM = {"mkdocs_build", "build_fixture", "build_pages", "run", "Popen", "check_output",
                    "check_call", "serve_preview", "git"}
DRIVES_A_BROWSER = {"sync_playwright", "browser", "new_page", "new_context", "render_documents", "system_browser"}


# The longest file of tests (minutes: every test of the real book again, on a grown copy) starts
# first: with the two workers of pytest.ini's `-n 2`, the other one runs the rest meanwhile,
# instead of this one running alone at the end.
STARTS_FIRST = ("test_grow_book.py",)


# The grown book's rerun (tests/test_grow_book.py) leaves out the dark-scheme variants: adding
# chapters adds no colour (the chapters use the boxes and elements the real book has), and the
# dark variants run on the real book.
LIGHT_ONLY = "--light-scheme-only"
# And the variants at the middle of the three reading widths (a phone's 390 px): a longer title or
# list shows first at the narrowest (320 px), which the rerun keeps, with the desktop's.
NO_MIDDLE_WIDTH = "--no-middle-width"
MIDDLE_WIDTH = 390


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(LIGHT_ONLY, action="store_true",
                     help="leave out the tests' dark-scheme variants (the grown book's rerun)")
    parser.addoption(NO_MIDDLE_WIDTH, action="store_true",
                     help=f"leave out the tests' variants at {MIDDLE_WIDTH} px wide (the grown book's rerun)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for option, name, value in ((LIGHT_ONLY, "scheme", "dark"), (NO_MIDDLE_WIDTH, "width", MIDDLE_WIDTH)):
        if config.getoption(option):
            left = {item for item in items
                    if getattr(getattr(item, "callspec", None), "params", {}).get(name) == value}
            config.hook.pytest_deselected(items=list(left))
            items[:] = [item for item in items if item not in left]
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if REAL_BOOK_FIXTURES & fixtures:
            item.add_marker(pytest.mark.book)
        names = names_used(item, fixtures)
        if DRIVES_A_BROWSER & (names | fixtures):
            item.add_marker(pytest.mark.browser)
        if STARTS_A_PROGRAM & names or REAL_BOOK_FIXTURES & fixtures:
            item.add_marker(pytest.mark.build)
    items.sort(key=lambda item: item.path.name not in STARTS_FIRST)  # stable: the rest keep their order


@pytest.fixture(autouse=True)
def unit_tests_start_no_program(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A unit test that starts a program anyway (through the code it calls) fails, saying so:
    the markers stay true, and `-m "not build and not browser"` stays quick."""
    if {marker.name for marker in request.node.iter_markers()} & {"build", "browser"}:
        return

    def refuse(self: subprocess.Popen[Any], args: Any, *rest: Any, **options: Any) -> None:
        raise AssertionError(f"this test starts a program ({args!r}): mark it @pytest.mark.build")
    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)


def names_used(item: pytest.Item, fixtures: set[str]) -> set[str]:
    """Every global name the test's code reaches: its function, its fixtures' functions, and the
    functions of the tests package they call, followed to the end."""
    manager = getattr(item.session, "_fixturemanager", None)
    start = [getattr(item, "function", None)]
    for name in fixtures - {"unit_tests_start_no_program"}:  # the guard names what it refuses
        definitions = manager.getfixturedefs(name, item) if manager else None
        start += [definition.func for definition in definitions or ()]
    seen: set[int] = set()
    names: set[str] = set()
    todo = [f for f in start if f is not None]
    while todo:
        function = inspect.unwrap(todo.pop())
        # A property test's own code is Hypothesis' inner test, under the wrapper it runs.
        inner = getattr(getattr(function, "hypothesis", None), "inner_test", None)
        if inner is not None:
            todo.append(inner)
        code = getattr(function, "__code__", None)
        if code is None or id(code) in seen:
            continue
        seen.add(id(code))
        for used in _code_names(code):
            names.add(used)
            found = getattr(function, "__globals__", {}).get(used)
            if callable(found) and getattr(found, "__module__", "").startswith("tests"):
                todo.append(found)
    return names


def _code_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _code_names(constant)
    return names


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real book, built once per test run with the project's own mkdocs.yml."""
    return built_once(tmp_path_factory, "built", BOOK_BUILD_ENV)


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, env: dict[str, str]) -> Path:
    """The real book built into the run's folder `name`, once for the whole run: the first of
    pytest-xdist's workers to need it builds it, the others wait for it and read the same files
    (no test writes into the built site)."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own
    folder = shared / name
    with exclusive(shared / f"{name}.lock"):
        report = folder / "build-report.json"
        if not report.exists():
            folder.mkdir(parents=True, exist_ok=True)
            result = mkdocs_build(ROOT / "mkdocs.yml", folder / "site", env)
            report.write_text(json.dumps({"returncode": result.returncode, "stderr": result.stderr}),
                              encoding="utf-8")
        built = json.loads(report.read_text(encoding="utf-8"))
    stop_unless_built(subprocess.CompletedProcess([], built["returncode"], "", built["stderr"]))
    return folder / "site"


@contextmanager
def exclusive(lock_file: Path) -> Iterator[None]:
    """Held by one process at a time: the others wait here until it is let go."""
    with open(lock_file, "w", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def browser_path() -> str:
    """The system's Chromium or Chrome: BOOK_BROWSER first, then the usual names."""
    for name in (os.environ.get("BOOK_BROWSER", ""), "chromium", "chromium-browser", "google-chrome",
                 "google-chrome-stable"):
        if name and (found := shutil.which(name)):
            return found
    raise RuntimeError("No Chromium or Chrome found: run `bash scripts/system-deps.sh`.")


# --- The published site, served, and one browser for the whole session ----------------------

# The addresses a deployment sets: a GitHub repository (so the page would ask GitHub's API for
# its stars, were that widget not removed) and a site address (canonical links, sitemap).
PUBLISHED_ENV = {
    "SITE_URL": "https://peer-support.example.org/book/",
    "REPO_URL": "https://github.com/example/peer-support-book",
}


@pytest.fixture(scope="session")
def published_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real book built as a deployment builds it, downloads included, with SITE_URL and REPO_URL set."""
    return built_once(tmp_path_factory, "published", {**BOOK_BUILD_ENV, **PUBLISHED_ENV})


def stop_unless_built(result: subprocess.CompletedProcess[str]) -> None:
    """A book that does not build fails each test of the real book in one line; its report is
    printed once, with the first of them, instead of once for each."""
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        pytest.fail("the book does not build: its report is under 'Captured stderr' of the first "
                    "test that failed this way, and `make book` prints it too", pytrace=False)


@pytest.fixture(scope="session")
def site_address(published_site: Path) -> Iterator[str]:
    """The published site served on 127.0.0.1 at its path: http://127.0.0.1:PORT/book/."""
    with serve(published_site, prefix=urlsplit(PUBLISHED_ENV["SITE_URL"]).path) as address:
        yield address


# What a page is expected to show, it is given 15 s to show (Playwright's default is 5 s): a
# browser sharing two cores with the other tests' builds can be seconds late. A page that never
# shows it still fails.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """The system Chromium, started once per session (Playwright never downloads a browser here)."""
    args = BROWSER_ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser_path(), args=args)
        yield chromium
        chromium.close()
