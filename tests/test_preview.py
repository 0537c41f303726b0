"""The preview (`make serve`): a chapter still being written is shown, with what is left to fix;
a page with anything unsafe in it is not."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pytest
from playwright.sync_api import Browser

from tests.helpers import ROOT, make_fixture_project

TEMPLATE = ROOT / "templates" / "chapter.md"


def serve_command() -> tuple[list[str], dict[str, str]]:
    """`make serve`'s command and the environment it sets, as the Makefile writes them."""
    recipe = re.search(r"^serve:.*\n\t(.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M).group(1)
    settings, _, command = recipe.partition("$(BIN)/python ")
    assert command.startswith("-m ebook.preview") and "BOOK_EXPORTS=0" in settings.split(), recipe
    return [sys.executable, *command.split()], dict(setting.split("=", 1) for setting in settings.split())


def preview_environment(settings: dict[str, str], temporary: Path) -> dict[str, str]:
    """The environment `make serve` gives the preview (`settings`), with TMPDIR `temporary`."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", **settings, "TMPDIR": str(temporary)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def preview(config: Path, page: str, seconds: float = 60) -> tuple[int | None, str, str]:
    """Start the preview; (HTTP status of `page` once it serves, or None if it stopped; its
    body; what the preview printed)."""
    with previewing(config, seconds) as (address, output):
        if address is None:
            return None, "", "".join(output)
        with urllib.request.urlopen(f"{address}{page}", timeout=10) as response:
            return response.status, response.read().decode("utf-8"), "".join(output)


@contextmanager
def previewing(config: Path, seconds: float = 60) -> Iterator[tuple[str | None, list[str]]]:
    """The preview running: (its address once it serves, or None if it stopped; what it printed)."""
    port = free_port()
    command, settings = serve_command()
    process = subprocess.Popen(
        [*command, "-f", str(config), "-a", f"127.0.0.1:{port}"], cwd=config.parent,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **settings},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:  # the preview stopped
                yield None, output
                return
            output.append(line)
            if "Serving on" in line:
                # What it prints while it serves goes on into `output`.
                threading.Thread(target=lambda: output.extend(process.stdout), daemon=True).start()
                yield f"http://127.0.0.1:{port}/", output
                return
        raise AssertionError("the preview did not start:\n" + "".join(output))
    finally:
        process.terminate()
        process.wait(timeout=30)


def book_with_chapter(tmp_path: Path, text: str) -> Path:
    config = make_fixture_project("chapter-template", tmp_path)
    (config.parent / "docs" / "chapters").mkdir()
    (config.parent / "docs" / "chapters" / "new-chapter.md").write_text(text, encoding="utf-8")
    return config


def test_a_new_chapter_with_the_templates_sample_text_is_previewed_with_what_is_left(tmp_path: Path) -> None:
    config = book_with_chapter(tmp_path, TEMPLATE.read_text(encoding="utf-8"))
    status, body, printed = preview(config, "chapters/new-chapter/")
    assert status == 200, printed
    assert "Your Chapter Title" in body
    assert re.search(r"The book has \d+ problems to fix:\ndocs/chapters/new-chapter\.md:\d+: the chapter "
                     r"template's sample text", printed), printed
    assert "`make book`, `make test` and the pull request's checks stop until these are fixed" in printed


@pytest.mark.parametrize(("ignored", "sent", "when"), [
    ((), ("SIGTERM",), "Serving on"),
    ((), ("SIGHUP",), "Serving on"),  # its terminal closed
    ((), ("SIGTERM", "SIGTERM"), "Serving on"),  # sent again while it stops
    ((), ("SIGTERM",), None),  # as soon as its folder is made: while the book is first built
    (("SIGHUP",), ("SIGHUP", "SIGTERM"), "Serving on"),  # started with `nohup`: its terminal closing leaves it on
])
def test_a_preview_stopped_by_kill_or_its_terminal_closing_removes_its_folder(
        tmp_path: Path, ignored: tuple[str, ...], sent: tuple[str, ...], when: str | None) -> None:
    config = book_with_chapter(tmp_path, TEMPLATE.read_text(encoding="utf-8"))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    port = free_port()
    command, settings = serve_command()

    def ignoring() -> None:
        for name in ignored:
            signal.signal(getattr(signal, name), signal.SIG_IGN)

    process = subprocess.Popen([*command, "-f", str(config), "-a", f"127.0.0.1:{port}"], cwd=config.parent,
                               env=preview_environment(settings, temporary),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, preexec_fn=ignoring)
    try:
        assert process.stdout is not None
        printed = []
        deadline = time.monotonic() + 60  # a bound, not a measure
        while when is None and not any(temporary.glob("mkdocs_*")) and time.monotonic() < deadline:
            time.sleep(0.01)
        for line in process.stdout if when is not None else ():
            printed.append(line)
            if when in line:
                break
        assert [folder.name[:7] for folder in temporary.iterdir()] == ["mkdocs_"]
        for name in sent:
            process.send_signal(getattr(signal, name))
            time.sleep(0.2)
        printed.append(process.communicate(timeout=60)[0])
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 128 + getattr(signal, sent[-1]), "".join(printed)[-3000:]  # how it ended
    assert "Preview stopped." in printed[-1] and "Traceback" not in "".join(printed)
    assert list(temporary.iterdir()) == []


def test_a_preview_stopped_while_code_made_by_exec_runs_says_which_signal_stopped_it(tmp_path: Path) -> None:
    """Modules being imported run code made by exec() (dataclasses do, for each class): a stop
    arriving there ends the preview as one arriving anywhere else does."""
    config = book_with_chapter(tmp_path, TEMPLATE.read_text(encoding="utf-8"))
    (config.parent / "hooks" / "stopped_while_imported.py").write_text(
        'exec("import os, signal\\nos.kill(os.getpid(), signal.SIGTERM)\\nwhile True: pass")\n', encoding="utf-8")
    settings = config.read_text(encoding="utf-8")
    assert "\nhooks:\n" in settings
    config.write_text(settings.replace("\nhooks:\n", "\nhooks:\n- hooks/stopped_while_imported.py\n", 1),
                      encoding="utf-8")
    assert_stopped_by_kill(config, tmp_path / "tmp")


# The preview, with its folder's making and removal each sending it a signal as they happen.
SIGNALLED = """
import os, runpy, shutil, signal, sys, tempfile
make, remove = tempfile.mkdtemp, shutil.rmtree
def made(*args, **kwargs):
    folder = make(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGTERM)  # kill, as soon as the folder is made
    return folder
def removed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGINT)  # then Ctrl-C, while it is removed
    return remove(*args, **kwargs)
tempfile.mkdtemp = made
if sys.argv.pop(1) == "and-while-removing":
    shutil.rmtree = removed
runpy.run_module("ebook.preview", run_name="__main__", alter_sys=True)
"""


@pytest.mark.parametrize("when", ["once-made", "and-while-removing"])
def test_a_preview_stopped_while_its_folder_is_made_or_removed_leaves_none(tmp_path: Path, when: str) -> None:
    config = book_with_chapter(tmp_path, TEMPLATE.read_text(encoding="utf-8"))
    assert_stopped_by_kill(config, tmp_path / "tmp", SIGNALLED, when)


def assert_stopped_by_kill(config: Path, temporary: Path, *wrapper: str) -> None:
    """Run `make serve`'s preview of `config` (through `python -c *wrapper`, if given) with its
    TMPDIR `temporary`, until it ends by itself: it says it was stopped by kill (SIGTERM), with
    no traceback, and leaves no folder behind."""
    temporary.mkdir()
    command, settings = serve_command()
    if wrapper:
        command = [sys.executable, "-c", *wrapper, *command[3:]]  # what `-m ebook.preview` is given
    stopped = subprocess.run([*command, "-f", str(config), "-a", f"127.0.0.1:{free_port()}"], cwd=config.parent,
                             env=preview_environment(settings, temporary), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=60,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # Ctrl-C as in a terminal
    assert stopped.returncode == 128 + signal.SIGTERM, stopped.stdout
    assert "Preview stopped." in stopped.stdout and "Traceback" not in stopped.stdout
    assert list(temporary.iterdir()) == []


def test_a_chapter_with_script_in_it_is_never_previewed(tmp_path: Path) -> None:
    text = TEMPLATE.read_text(encoding="utf-8") + '\n<img src="x.png" alt="x" onerror="alert(1)">\n'
    config = book_with_chapter(tmp_path, text)
    status, _, printed = preview(config, "chapters/new-chapter/")
    assert status is None, printed
    assert "onerror= on <img> runs script" in printed


def test_a_script_saved_while_previewing_is_refused_and_every_page_still_served(tmp_path: Path) -> None:
    """The checks refuse it, saying where, and the preview goes on serving every page, the
    chapter as it was before, instead of holding every request until the script is removed;
    also when a change of the book's settings has the whole book built again."""
    config = book_with_chapter(tmp_path, TEMPLATE.read_text(encoding="utf-8"))
    chapter = config.parent / "docs" / "chapters" / "new-chapter.md"
    with previewing(config) as (address, output):
        assert address is not None, "".join(output)
        chapter.write_text(chapter.read_text(encoding="utf-8") + "\n<script>alert('saved')</script>\n", encoding="utf-8")
        deadline = time.monotonic() + 30
        while "<script>" not in "".join(output) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "<script>" in "".join(output), "".join(output)
        for page in ("chapters/new-chapter/", ""):
            with urllib.request.urlopen(f"{address}{page}", timeout=10) as response:
                assert response.status == 200
                assert "alert('saved')" not in response.read().decode("utf-8")
        # The book's name changed as well: the whole book is built again, and refused before the
        # site is emptied.
        settings = config.read_text(encoding="utf-8")
        config.write_text(settings.replace("site_name: ", "site_name: Renamed ", 1), encoding="utf-8")
        deadline = time.monotonic() + 30
        while not ("Building the whole book" in "".join(output) and "".join(output).count("<script>") >= 2) \
                and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "Building the whole book" in "".join(output) and "".join(output).count("<script>") >= 2, "".join(output)
        for page in ("chapters/new-chapter/", ""):
            with urllib.request.urlopen(f"{address}{page}", timeout=10) as response:
                assert response.status == 200
                assert "Renamed" not in response.read().decode("utf-8")
    printed = "".join(output)
    assert "docs/chapters/new-chapter.md:" in printed and "Until that is removed, the preview shows no edit of any page" in printed
    assert "Traceback" not in printed


def wait_for(output: list[str], found: Callable[[str], bool], seconds: float = 30) -> str:
    """What the preview has printed, once `found` says it holds what is waited for (or time ran out)."""
    deadline = time.monotonic() + seconds
    while not found("".join(output)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return "".join(output)


def test_a_template_broken_while_previewing_is_told_with_its_line_and_the_last_book_still_served(
        tmp_path: Path) -> None:
    """A mistake in a template stops the whole build after the site was emptied: the site is put
    back as it was, so every page is still served (MkDocs' server would hold every request, the
    preview looking stuck), the mistake is told with its file and line, and mending it shows the
    book again. A hook that fails in turn, told of the failure, changes none of that."""
    config = book_with_chapter(tmp_path, TEMPLATE.read_text(encoding="utf-8"))
    (config.parent / "hooks" / "fails_when_told.py").write_text(
        'def on_build_error(error):\n    raise RuntimeError("told of " + type(error).__name__)\n', encoding="utf-8")
    settings = config.read_text(encoding="utf-8")
    config.write_text(settings.replace("\nhooks:\n", "\nhooks:\n- hooks/fails_when_told.py\n", 1), encoding="utf-8")
    template = config.parent / "overrides" / "main.html"
    good = template.read_text(encoding="utf-8")
    with previewing(config) as (address, output):
        assert address is not None, "".join(output)
        template.write_text(good.replace("{% block", "{% blokk", 1), encoding="utf-8")
        printed = wait_for(output, lambda text: "Until that is removed" in text)
        assert re.search(r"main\.html:\d+: Encountered unknown tag 'blokk'", printed), printed
        assert "A plugin failed after the build did: RuntimeError('told of TemplateSyntaxError')" in printed
        for page in ("chapters/new-chapter/", ""):
            with urllib.request.urlopen(f"{address}{page}", timeout=10) as response:
                assert response.status == 200 and "Your Chapter Title" in response.read().decode("utf-8")
        # A template that is not there, from a template that is: told where it is asked for.
        template.write_text(good + '\n{% include "partials/not-there.html" %}\n', encoding="utf-8")
        printed = wait_for(output, lambda text: "no template named" in text)
        assert re.search(r"overrides/main\.html:\d+: no template named partials/not-there\.html", printed), printed
        template.write_text(good, encoding="utf-8")
        printed = wait_for(output, lambda text: text.count("Building the whole book") >= 3
                           and "Reloading browsers" in text.rpartition("Building the whole book")[2])
        assert "Until that is removed" not in printed.rpartition("Building the whole book")[2], printed
        with urllib.request.urlopen(f"{address}chapters/new-chapter/", timeout=10) as response:
            assert response.status == 200
    assert "Traceback" not in printed


def test_a_chapter_saved_in_another_encoding_stops_the_preview_with_the_checks_message(tmp_path: Path) -> None:
    config = book_with_chapter(tmp_path, "")
    chapter = config.parent / "docs" / "chapters" / "new-chapter.md"
    chapter.write_bytes(TEMPLATE.read_text(encoding="utf-8").replace("Your Chapter Title", "Écoute").encode("latin-1", errors="replace"))
    status, _, printed = preview(config, "chapters/new-chapter/")
    assert status is None
    assert "docs/chapters/new-chapter.md:" in printed and "not valid UTF-8" in printed
    assert "Traceback" not in printed


def test_a_link_to_a_file_outside_the_repository_stops_the_preview_before_it_is_read(tmp_path: Path) -> None:
    config = book_with_chapter(tmp_path, TEMPLATE.read_text(encoding="utf-8"))
    (config.parent / "docs" / "chapters" / "passwd.md").symlink_to("/etc/passwd")
    status, _, printed = preview(config, "chapters/new-chapter/")
    assert status is None
    assert "docs/chapters/passwd.md:1: this is a link to a file outside docs/" in printed
    assert "root:" not in printed


def test_the_preview_reloads_when_a_chapter_is_saved(tmp_path: Path, browser: Browser) -> None:
    """The preview's pages keep a security policy, one that lets MkDocs' live reload run."""
    config = book_with_chapter(tmp_path, TEMPLATE.read_text(encoding="utf-8"))
    chapter = config.parent / "docs" / "chapters" / "new-chapter.md"
    with previewing(config) as (address, output):
        assert address is not None, "".join(output)
        page = browser.new_page()
        refused: list[str] = []
        page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
        try:
            # The live reload asks the preview, once the page has loaded, whether a file changed.
            with page.expect_request(lambda request: "/livereload/" in request.url, timeout=30_000):
                page.goto(f"{address}chapters/new-chapter/")
            assert page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1
            with page.expect_navigation(timeout=30_000):
                chapter.write_text(chapter.read_text(encoding="utf-8").replace("# Your Chapter Title", "# Saved Again"),
                                   encoding="utf-8")
            page.wait_for_load_state()
            assert "Saved Again" in page.content()
        finally:
            page.close()
    assert refused == []
