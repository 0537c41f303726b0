"""`make lint`: the pages' Markdown (pymarkdown) and spelling (codespell), in one short report.

Usage: python scripts/lint.py PATH...   (files or folders; `make lint` passes `docs templates`)

- Settings: the repository's `.pymarkdown.json` and `.codespellrc`, wherever it is run from.
- Each problem is printed as `path:line[:column]: …`, the path relative to the current folder
  (the repository, under make) when the file is inside it; nothing else is printed then but a
  count. When all is well, one line says so. Exit status 1 when a problem was found.
- The front matter (the fields between the `---` lines at the top of a page) is for the chapter
  checks to report, which name the field and the fix. pymarkdown reads a front matter that is not
  valid YAML as Markdown (its `---` lines become a rule and a heading underline, its comments
  headings), and would report that as heading problems. So each page reaches pymarkdown with its
  front matter replaced by a valid stand-in of as many lines: the text below keeps its line
  numbers. codespell reads the pages as they are (titles and descriptions are spelled too).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from mkdocs.utils.meta import YAML_RE

ROOT = Path(__file__).resolve().parent.parent
PYMARKDOWN_CONFIG = ROOT / ".pymarkdown.json"
CODESPELL_CONFIG = ROOT / ".codespellrc"  # its word list's path is relative to ROOT
MARKDOWN_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class Page:
    path: Path  # as found
    shown: str  # as printed: relative to the current folder when inside it


def mask_front_matter(text: str) -> str:
    """`text` with its front matter replaced by a stand-in that has as many lines.

    The stand-in is valid YAML (a field, then comment lines), so pymarkdown takes it as front
    matter and lints only the Markdown below it, on the lines where the file has it.
    """
    match = YAML_RE.match(text)
    if not match:
        return text
    inner = match.group(1).count("\n")
    stand_in = "---\nfront_matter: checked by the chapter checks\n" + "#\n" * (inner - 1) + "---\n"
    return stand_in + text[match.end():]


def shown_path(path: Path, here: Path) -> str:
    try:
        return path.resolve().relative_to(here.resolve()).as_posix()
    except ValueError:
        return str(path)


def collect(paths: Sequence[str], here: Path) -> list[Page]:
    """The files to check: those named, and the text files in the folders named (hidden files
    and folders left out, as codespell leaves them out), each once, sorted."""
    found: dict[Path, Page] = {}
    for name in paths:
        root = Path(name)
        if root.is_file():
            candidates = [root]
        elif root.is_dir():
            candidates = sorted(
                p for p in root.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
            )
        else:
            raise SystemExit(f"lint: {name}: no such file or folder")
        for path in candidates:
            if path.resolve() not in found and _is_text(path):
                found[path.resolve()] = Page(path, shown_path(path, here))
    return sorted(found.values(), key=lambda page: page.shown)


def _is_text(path: Path) -> bool:
    with path.open("rb") as handle:
        return b"\0" not in handle.read(1024)  # codespell's own test for a binary file


def markdown_problems(pages: Sequence[Page], config: Path = PYMARKDOWN_CONFIG) -> list[str]:
    """pymarkdown's findings on the pages' Markdown (front matter masked), one line each."""
    from pymarkdown.api import PyMarkdownApi, PyMarkdownApiException

    pages = [p for p in pages if p.path.suffix.lower() in MARKDOWN_SUFFIXES]
    if not pages:
        return []
    api = PyMarkdownApi().configuration_file_path(str(config)).enable_strict_configuration()
    with tempfile.TemporaryDirectory(prefix="lint-") as folder:
        # One scan of numbered copies: far quicker than one scan per page.
        copies: dict[str, Page] = {}
        for number, page in enumerate(pages):
            copy = Path(folder) / f"{number:05d}.md"
            # As MkDocs reads a page: a byte-order mark is not text. A file that is not UTF-8 is
            # the chapter checks' to report (with its line and column): here it must not crash.
            text = page.path.read_text(encoding="utf-8-sig", errors="replace")
            copy.write_text(mask_front_matter(text), encoding="utf-8")
            copies[copy.name] = page
        try:
            result = api.scan_path(folder, recurse_if_directory=True)
        except PyMarkdownApiException as error:
            raise SystemExit(f"lint: pymarkdown could not run: {error}") from None
    problems = []
    for failure in sorted(result.scan_failures,
                          key=lambda f: (copies[Path(f.scan_file).name].shown, f.line_number, f.column_number)):
        extra = failure.extra_error_information or ""
        if extra and not extra.startswith(" ["):
            extra = f" [{extra}]"
        problems.append(
            f"{copies[Path(failure.scan_file).name].shown}:{failure.line_number}:{failure.column_number}: "
            f"{failure.rule_id.upper()}: {failure.rule_description}{extra} ({failure.rule_name})"
        )
    return problems


def spelling_problems(pages: Sequence[Page], config: Path = CODESPELL_CONFIG) -> list[str]:
    """codespell's findings (`path:line: word ==> fix`), one line each."""
    if not pages:
        return []
    # Run where its settings are, on absolute paths, which are then shown as the pages are.
    shown = {str(p.path.resolve()): p.shown for p in pages}
    result = subprocess.run(
        [sys.executable, "-m", "codespell_lib", "--config", str(config), *shown],
        capture_output=True, text=True, cwd=config.parent,
    )
    if result.returncode not in (0, 65):  # 65: misspellings found
        raise SystemExit(f"lint: codespell could not run: {result.stderr.strip()}")
    problems = []
    for line in filter(str.strip, result.stdout.splitlines()):
        path = next((p for p in shown if line.startswith(p + ":")), None)
        problems.append(shown[path] + line[len(path):] if path else line)
    return problems


def summary(checked: int, problems: int) -> str:
    files = f"{checked} file{'s' if checked != 1 else ''} checked"
    if not problems:
        return f"Lint: {files}, no problems."
    return (f"Lint: {files}, {problems} problem{'s' if problems != 1 else ''} (file:line above); "
            "CONTRIBUTING.md explains each check.")


def main(argv: Sequence[str] | None = None) -> int:
    paths = list(sys.argv[1:] if argv is None else argv)
    if not paths:
        raise SystemExit("Usage: python scripts/lint.py PATH...")
    pages = collect(paths, Path.cwd())
    problems = markdown_problems(pages) + spelling_problems(pages)
    for line in problems:
        print(line)
    print(summary(len(pages), len(problems)), file=sys.stderr if problems else sys.stdout)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
