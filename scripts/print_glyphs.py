"""Writes hooks/ebook/model/print_glyphs.json: the characters the printed book's typeface has a
glyph for in every face the print uses, read from the typeface's own files with fontTools.

Run it after changing the print typeface (docs/stylesheets/print.css and the font package in
scripts/system-deps.sh): `.venv/bin/python scripts/print_glyphs.py`. The files are found as the
browser that prints the book finds them, through fontconfig (`fc-match`); `--check` only
compares the kept list with the files and says whether it is current.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from ebook.model.glyphs import COVERAGE, FACES, TYPEFACE  # noqa: E402


class MissingTypeface(Exception):
    pass


def face_file(family: str, style: str) -> Path:
    """The file fontconfig gives the browser for this face, which must be the face itself:
    fc-match answers with a fallback typeface when the asked one is not installed."""
    try:
        found = subprocess.run(["fc-match", "--format=%{file}\n%{family}\n%{style}", f"{family}:style={style}"],
                               capture_output=True, text=True, check=True).stdout.split("\n")
    except FileNotFoundError:
        raise MissingTypeface("fc-match (fontconfig) is not installed: install fontconfig "
                              "(bash scripts/system-deps.sh --book)") from None
    path, families, styles = (found + ["", "", ""])[:3]
    if family not in families.split(",") or style not in styles.split(","):
        raise MissingTypeface(
            f"the typeface {family} {style} is not installed (fontconfig offers {families} {styles} "
            f"in its place): install it (bash scripts/system-deps.sh --book installs fonts-dejavu-core)")
    return Path(path)


def coverage(files: list[Path]) -> dict[str, object]:
    """What print_glyphs.json holds: the faces read, and the code points all of them have, as
    ranges of consecutive code points."""
    points: set[int] | None = None
    faces = []
    for path in files:
        font = TTFont(path, lazy=True)
        cmap = set(font.getBestCmap())
        points = cmap if points is None else points & cmap
        faces.append(f"{font['name'].getDebugName(4)} ({font['name'].getDebugName(5)})")
    ranges: list[list[int]] = []
    for point in sorted(points or ()):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return {"typeface": TYPEFACE, "faces": faces, "made_by": "scripts/print_glyphs.py", "ranges": ranges}


def as_text(data: dict[str, object]) -> str:
    """One range a line, so that a change of the typeface reads as a short diff."""
    ranges = data["ranges"]
    assert isinstance(ranges, list)
    head = json.dumps({key: value for key, value in data.items() if key != "ranges"}, indent=2)
    return (head.removesuffix("\n}") + ',\n  "ranges": [\n    '
            + ",\n    ".join(json.dumps(r) for r in ranges) + "\n  ]\n}\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only say whether the kept list is current")
    args = parser.parse_args()
    try:
        text = as_text(coverage([face_file(TYPEFACE, style) for style in FACES]))
    except MissingTypeface as error:
        print(f"scripts/print_glyphs.py: {error}", file=sys.stderr)
        return 2
    current = COVERAGE.exists() and COVERAGE.read_text(encoding="utf-8") == text
    if args.check:
        print(f"{COVERAGE.relative_to(ROOT)} is {'current' if current else 'out of date: run scripts/print_glyphs.py'}")
        return 0 if current else 1
    if not current:
        COVERAGE.write_text(text, encoding="utf-8")
    print(f"{COVERAGE.relative_to(ROOT)}: {sum(b - a + 1 for a, b in json.loads(text)['ranges'])} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
