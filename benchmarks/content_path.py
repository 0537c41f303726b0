"""How long a pull request that changes only pages waits for its checks: `make check-content`
(the book built with its checks, the lint of the pages, the real book's content tests), run in a
fresh clone of the repository as the checks workflow runs it after its set-up.

The clone borrows this checkout's installed packages (`.venv/`, `node_modules/`), as a runner's
cache would give them, so the time is the checks' own, not the downloads'.

Usage: python -m benchmarks.content_path [--runs 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = ["make", "--no-print-directory", "check-content", "PYTEST_ARGS=-q"]


def measure(runs: int) -> list[float]:
    """Seconds of `make check-content` in a fresh clone of the last commit, `runs` times."""
    times = []
    for run in range(runs):
        with tempfile.TemporaryDirectory(prefix="content-path-") as tmp:
            clone = Path(tmp) / "book"
            subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
            # Python's packages shared (pip finds them all installed); Node's copied as hard links,
            # marked up to date, since `npm ci` would empty a shared folder before filling its own.
            (clone / ".venv").symlink_to(ROOT / ".venv")
            subprocess.run(["cp", "-al", str(ROOT / "node_modules"), str(clone / "node_modules")], check=True)
            (clone / "node_modules" / ".package-lock.json").touch()
            start = time.perf_counter()
            result = subprocess.run(COMMAND, cwd=clone, capture_output=True, text=True,
                                    env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
            seconds = time.perf_counter() - start
            if result.returncode != 0:
                raise SystemExit(f"make check-content failed in a fresh clone:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
            times.append(seconds)
            print(f"  content-only pull request, run {run + 1}: make check-content {seconds:7.2f} s", flush=True)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    times = measure(parser.parse_args().runs)
    print(f"make check-content: median {statistics.median(times):.1f} s")


if __name__ == "__main__":
    main()
