"""`make lint`: the pages' Markdown (pymarkdown) and spelling (codespell), and with `--code` the
generator's code (mypy --strict, import-linter's contracts), in one short report.

Usage: python scripts/lint.py [--code] PATH...   (files or folders; `make lint` passes
`--code docs templates`)

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
- Raw HTML: pymarkdown's MD033 allows the elements the build's allowlist keeps
  (hooks/ebook/checks/html_allowlist.py, read from there, so the two never disagree) and
  comments; any other element is reported, as the build refuses it. An element's name counts
  in any case (`<Kbd>` is `<kbd>`, `<IFrame>` is `<iframe>`), as in HTML and in the build.
- The code: mypy with the settings of `mypy.ini` (strict, on hooks/), and lint-imports with the
  contracts of `.importlinter` (the package's layers), hooks/ on the path as MkDocs puts it.
  mypy's findings are `path:line: error: …`, each error a problem; a broken contract is shown as
  import-linter reports it (each import that breaks it, with its module and line), one problem.
"""

from __future__ import annotations

import os
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
# The code's checks read their settings from the folder they run in: the repository.
MYPY_CONFIG = "mypy.ini"
IMPORT_CONTRACTS = ".importlinter"
CODE_PATH = "hooks"  # where the package `ebook` is found, as MkDocs finds it
# lint-imports' own command (its console script), run by this Python.
LINT_IMPORTS = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
# MD033 ("Inline HTML") would report every element: it is told the ones the build allows.
MD033_ALLOWED = "plugins.md033.allowed_elements"
HTML_COMMENT = "!--"  # how pymarkdown names a comment (`<!-- chapter list -->`, say)
# How MD033 names the element it reports, as written (` [Element: Kbd]`): pymarkdown compares
# that name with allowed_elements as written, and has no setting to ignore case.
MD033_ELEMENT = re.compile(r"\[Element: ([^\]\s]+)\]")


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


def allowed_html_elements() -> list[str]:
    """The raw HTML MD033 lets through: the elements the build's allowlist keeps (lower-case
    names, as the allowlist has them), and comments. The build's chapter checks still judge
    their attributes and addresses."""
    hooks = str(ROOT / CODE_PATH)
    if hooks not in sys.path:
        sys.path.insert(0, hooks)  # the package, as MkDocs finds it when it loads the hooks
    from ebook.checks.html_allowlist import ALLOWED_ELEMENTS

    return [HTML_COMMENT, *sorted(ALLOWED_ELEMENTS)]


def is_allowed_html(rule_id: str, extra: str, allowed: frozenset[str]) -> bool:
    """Whether a finding is MD033 reporting an allowed element written in another case (`<Kbd>`,
    `<ABBR>`): pymarkdown compares names as written, HTML and the build in any case. An element
    the build refuses is still reported, whatever its case (`<IFrame>`, `<Script>`)."""
    found = MD033_ELEMENT.fullmatch(extra.strip()) if rule_id.lower() == "md033" else None
    return found is not None and found.group(1).lower() in allowed


def markdown_problems(pages: Sequence[Page], config: Path = PYMARKDOWN_CONFIG) -> list[str]:
    """pymarkdown's findings on the pages' Markdown (front matter masked), one line each."""
    from pymarkdown.api import PyMarkdownApi, PyMarkdownApiException

    pages = [p for p in pages if p.path.suffix.lower() in MARKDOWN_SUFFIXES]
    if not pages:
        return []
    allowed = allowed_html_elements()
    allowed_names = frozenset(allowed)
    api = (PyMarkdownApi().configuration_file_path(str(config)).enable_strict_configuration()
           .set_string_property(MD033_ALLOWED, ",".join(allowed)))
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
        if is_allowed_html(failure.rule_id, extra, allowed_names):
            continue
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


def type_problems(root: Path = ROOT, here: Path | None = None) -> list[str]:
    """mypy's findings on the code (`path:line: error: …`, with the notes that explain them)."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", MYPY_CONFIG, "--no-error-summary",
         "--no-color-output", "--no-pretty"],
        capture_output=True, text=True, cwd=root,
    )
    if result.returncode not in (0, 1):  # 1: errors found; 2: mypy itself failed
        raise SystemExit(f"lint: mypy could not run: {(result.stderr or result.stdout).strip()}")
    if result.returncode == 0:
        return []
    problems = []
    for line in filter(str.strip, result.stdout.splitlines()):
        path, colon, rest = line.partition(":")
        problems.append(shown_path(root / path, here or Path.cwd()) + colon + rest
                        if colon and (root / path).is_file() else line)
    return problems


def import_problems(root: Path = ROOT) -> tuple[list[str], int]:
    """The broken contracts as lint-imports reports them (each with every import that breaks it),
    and how many there are: none when every contract is kept."""
    result = subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS, IMPORT_CONTRACTS, "--no-logo", "--no-cache"],
        capture_output=True, text=True, cwd=root,
        env={**os.environ, "PYTHONPATH": str(root / CODE_PATH)},
    )
    if result.returncode == 0:
        return [], 0
    counted = re.search(r"^Contracts: \d+ kept, (\d+) broken\.$", result.stdout, re.M)
    _, found, report = result.stdout.partition("Broken contracts\n----------------\n")
    if not (found and counted):
        raise SystemExit(f"lint: lint-imports could not run: {(result.stderr or result.stdout).strip()}")
    return [line.rstrip() for line in report.strip("\n").splitlines()], int(counted.group(1))


def type_error_count(problems: Sequence[str]) -> int:
    """mypy's errors among its lines (not the notes that explain them)."""
    return sum(1 for line in problems if ": error: " in line)


def summary(checked: int, problems: int, code_problems: int | None = None) -> str:
    """One line: what was checked and what was found. `problems` are the pages'; `code_problems`
    the code's, None when it was not checked. CONTRIBUTING.md explains the pages' checks,
    DEVELOPMENT.md the code's."""
    files = f"{checked} file{'s' if checked != 1 else ''}"
    checked_what = f"{files} checked" if code_problems is None else f"{files} and the generator's code checked"
    total = problems + (code_problems or 0)
    if not total:
        return f"Lint: {checked_what}, no problems."
    guides = [guide for guide, count in (("CONTRIBUTING.md", problems), ("DEVELOPMENT.md", code_problems)) if count]
    return (f"Lint: {checked_what}, {total} problem{'s' if total != 1 else ''} (file:line above); "
            f"{' and '.join(guides)} explain{'s' if len(guides) == 1 else ''} each check.")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    code = "--code" in args
    paths = [arg for arg in args if arg != "--code"]
    if not paths and not code:
        raise SystemExit("Usage: python scripts/lint.py [--code] PATH...")
    pages = collect(paths, Path.cwd())
    lines = markdown_problems(pages) + spelling_problems(pages)
    problems, code_problems = len(lines), None
    if code:
        types, (imports, broken) = type_problems(), import_problems()
        lines += types + imports
        code_problems = type_error_count(types) + broken
    for line in lines:
        print(line)
    failed = bool(problems or code_problems)
    print(summary(len(pages), problems, code_problems), file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
