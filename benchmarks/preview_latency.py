"""Edit-to-preview latency: from saving a chapter to the served page showing the edit.

For each book size it starts a preview (`incremental`: `make serve`'s, which rebuilds only what
an edit affects; `serve`: MkDocs' own `mkdocs serve`, which rebuilds every page), waits for the
first build, then saves an edit to a chapter's body several times and polls the served chapter
page until it contains the edit. `make bench` (benchmarks/run.py) measures both at 30 and 200
chapters and records them in benchmarks/results.md; run alone, it prints them.

Usage: python -m benchmarks.preview_latency [--sizes 30,200] [--edits 6] [--preview incremental|serve]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchmarks.book_generator import REAL_CHAPTER, generate_book

CHAPTER_URL = "chapters/connection-disconnection-reconnection/"
# The first build of a 200-chapter book, on a slow shared machine, with room to spare.
FIRST_BUILD_TIMEOUT = 300.0
EDIT_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8", errors="replace"))
    except (urllib.error.URLError, OSError):
        return None


def wait_for(url: str, text: str, timeout: float, process: subprocess.Popen[bytes]) -> float:
    """Seconds until the page at `url` contains `text` (polled every 20 ms: more often, serving
    the page would take the preview's time at 200 chapters, a few hundred kilobytes each)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        page = fetch(url)
        if page is not None and text in page:
            return time.perf_counter() - start
        if process.poll() is not None:
            raise SystemExit(f"the preview stopped (exit {process.returncode}); its log is above")
        time.sleep(0.02)
    raise SystemExit(f"{url} did not show {text!r} within {timeout:.0f} s")


def preview_command(kind: str, port: int) -> list[str]:
    address = f"127.0.0.1:{port}"
    if kind == "serve":
        return [sys.executable, "-m", "mkdocs", "serve", "--no-strict", "-a", address]
    return [sys.executable, "-m", "ebook.preview", "--no-strict", "-a", address]


def measure(chapters: int, edits: int, kind: str, workdir: Path) -> list[float]:
    config = generate_book(workdir / f"book-{chapters}", chapters)
    book = config.parent
    port = free_port()
    env = {**os.environ, "BOOK_EXPORTS": "0", "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": str(book / "hooks"),
           "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1700000000")}
    log = open(book / "preview.log", "wb")
    process = subprocess.Popen(preview_command(kind, port), cwd=book, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}/{CHAPTER_URL}"
    chapter = book / "docs" / REAL_CHAPTER
    original = chapter.read_text(encoding="utf-8")
    times: list[float] = []
    try:
        wait_for(url, "<h1", FIRST_BUILD_TIMEOUT, process)
        time.sleep(1.0)  # the server starts watching once the first build is done
        for number in range(edits):
            marker = f"Preview edit number {number} of {chapters}."
            # A sentence added to the chapter's body: the title and every other file unchanged.
            chapter.write_text(original.rstrip("\n") + f"\n\n{marker}\n", encoding="utf-8")
            seconds = wait_for(url, marker, EDIT_TIMEOUT, process)
            times.append(seconds)
            print(f"  {chapters:>3} chapters, {kind}, edit {number + 1}: {seconds:.3f} s", flush=True)
            # Let the rest of the build (other pages, the search index) finish before the next edit.
            time.sleep(max(1.0, 1.5 * seconds))
    finally:
        process.send_signal(signal.SIGINT)  # as Ctrl-C: both previews then remove their site folder
        process.wait(timeout=30)
        log.close()
    # The incremental preview says what each rebuild took: the rest is noticing the change.
    for line in (book / "preview.log").read_text(encoding="utf-8", errors="replace").splitlines():
        if "Rebuilt " in line or "Building the whole book" in line:
            print(f"    {line.strip()}", flush=True)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="30,200", help="chapter counts, comma-separated")
    parser.add_argument("--edits", type=int, default=6, help="edits per size (the median is reported)")
    parser.add_argument("--preview", choices=("incremental", "serve"), default="incremental",
                        help="incremental: make serve's preview; serve: MkDocs' own mkdocs serve")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="preview-bench-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            times = measure(size, args.edits, args.preview, Path(tmp))
            print(f"{size} chapters, {args.preview}: median {statistics.median(times):.3f} s "
                  f"(min {min(times):.3f}, max {max(times):.3f})", flush=True)


if __name__ == "__main__":
    main()
