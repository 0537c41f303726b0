"""Build the book into a temporary folder beside site/, then swap it in whole.

`mkdocs build` empties site/ first and writes page after page, so an interrupted build (Ctrl-C, a
failed check, a crash) would leave a half-written site. Here the build goes to `.site-building/`;
only when it has finished is the old site/ moved aside and the new one renamed into place, with
interrupts held back for those two renames. Whatever happens, site/ is the previous complete
build, or the new complete build, or (only if there was none before) absent.

Usage: python scripts/build_site.py [SITE_DIR]   (default: site, next to mkdocs.yml)
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


def build(site: Path) -> int:
    building = site.with_name(f".{site.name}-building")
    previous = site.with_name(f".{site.name}-previous")
    for leftover in (building, previous):
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(building)]
        )
        if result.returncode != 0:
            return result.returncode
        swap_in(building, site, previous)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    shutil.rmtree(previous, ignore_errors=True)
    return 0


def swap_in(new: Path, site: Path, previous: Path) -> None:
    """Replace site/ by new/ with two renames that no interrupt can come between."""
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    try:
        if site.exists():
            os.rename(site, previous)
        os.rename(new, site)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("site")
    try:
        sys.exit(build(target.absolute()))
    except KeyboardInterrupt:
        print("Interrupted: site/ is unchanged.", file=sys.stderr)
        sys.exit(130)
