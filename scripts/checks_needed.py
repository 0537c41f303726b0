"""Which tests a change needs, from the files it changes: the checks workflow's first decision.

    python scripts/checks_needed.py [--event pull_request] [--base REV] [--head REV]

Prints `tests=content` or `tests=full` (a line for $GITHUB_OUTPUT), and on stderr the reason.

- `content`: a pull request that changes only the book's pages and images (Markdown and images
  under docs/, added, changed or deleted), and in mkdocs.yml at most the pages its `nav:`
  lists, the book's table of contents (a new chapter's line; not its sections). The book is
  built with its chapter checks, linted, and the tests of the real book that a page can break
  run (`make test-content`): about a minute.
- `full`: anything else. The generator's code (hooks/), its templates (overrides/, templates/),
  the tests, the settings (mkdocs.yml outside `nav:`, the requirements, package.json), the
  site's own stylesheets, scripts and typefaces (docs/stylesheets/, docs/javascripts/,
  docs/fonts/), the workflows: the whole suite runs (`make test`). So does every run that is not
  a pull request's: a push to main, the weekly run, a run started by hand.

A pull request is checked out as the merge of its branch into the base branch: the merge's first
parent is the base, so `git diff HEAD^1 HEAD` lists exactly what merging it would change.
Standard library only: it runs before the project's packages are installed. So mkdocs.yml is
not parsed: its `nav:` is told apart by its lines (`nav_only_changed`), and a `nav:` written in
any other form than a list of pages and titles counts as a change of the settings. A pull
request that changes this script runs its own version of it, as it would its own workflow: the
whole suite still runs on main once it is merged, and a maintainer reads the change before.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import PurePosixPath

CONTENT = "content"
FULL = "full"
CONFIG = "mkdocs.yml"
# A page, or an image a page shows: what an educator changes in the web editor.
CONTENT_SUFFIXES = {".md", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico"}
# The reading site's own code, kept in docs/ because MkDocs serves it from there.
SITE_CODE = {"stylesheets", "javascripts", "fonts"}


def is_content(path: str) -> bool:
    """A page of the book or an image of one: under docs/, outside the site's own code."""
    parts = PurePosixPath(path).parts
    return (len(parts) > 1 and parts[0] == "docs" and parts[1] not in SITE_CODE
            and PurePosixPath(path).suffix.lower() in CONTENT_SUFFIXES)


# The lines of a `nav:` as the book writes it (`make chapter`, CONTRIBUTING.md): a page, a title
# and its page, or a section's title, each an item of a list; comments and blank lines. A title
# is quoted, or plain without a YAML tag, anchor, alias, flow collection or block scalar; a
# comment follows a space. Whatever else such a line is read as, it is read inside `nav:`.
_PLAIN = r"""[^\s"'!&*|>%@`{}\[\],#?:-](?:[^:#\t]|:(?=[^\s])|(?<=[^\s])#)*?"""
_TITLE = rf"""(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|{_PLAIN})"""
_PAGE = r"""(?:[\w./-]+\.md|"[\w./-]+\.md"|'[\w./-]+\.md')"""
_COMMENT = r"(?: +#.*| *)"
_NAV_LINE = re.compile(rf" *- (?:{_PAGE}|{_TITLE}:(?: +{_PAGE})?){_COMMENT}")
_SECTION = re.compile(rf" *- {_TITLE}:{_COMMENT}")  # a section's title: its pages follow, indented
_NAV_START = re.compile(rf"nav:{_COMMENT}")
_NOT_A_LINE = re.compile(r" *(?:#.*)?")  # blank, or a comment alone
# Line breaks other than "\n" (and "\r\n"), which YAML and Python's splitlines may read
# differently: a file with any is not judged by its lines.
_OTHER_BREAKS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _split_nav(config: str) -> tuple[str, list[str]] | None:
    """The configuration without its `nav:` (the key's line and the lines under it), and those
    lines; None when it has no `nav:`, more than one, or line breaks of another kind."""
    config = config.replace("\r\n", "\n")
    if _OTHER_BREAKS.search(config):
        return None
    lines = config.split("\n")
    starts = [number for number, line in enumerate(lines) if _NAV_START.fullmatch(line)]
    if len(starts) != 1 or sum(line.startswith("nav:") for line in lines) != 1:
        return None
    start = end = starts[0]
    # Under it: what is indented, blank or a comment, and list items at its own margin.
    while end + 1 < len(lines) and (_NOT_A_LINE.fullmatch(lines[end + 1]) or lines[end + 1][0] == " "
                                    or lines[end + 1].startswith("- ")):
        end += 1
    return "\n".join(lines[:start] + lines[end + 1:]), lines[start + 1:end + 1]


def nav_only_changed(before: str, after: str) -> bool:
    """Whether two versions of mkdocs.yml differ in their `nav:` alone, each written as a list
    of pages and titles, in the same sections: what adding, moving or removing a chapter
    changes. (A section added or renamed changes the book's shape, which the whole suite reads.)"""
    old, new = _split_nav(before), _split_nav(after)
    if old is None or new is None or old[0] != new[0]:
        return False
    if not all(_NAV_LINE.fullmatch(line) or _NOT_A_LINE.fullmatch(line) for line in (*old[1], *new[1])):
        return False
    return _sections(old[1]) == _sections(new[1])


def _sections(nav: list[str]) -> list[str]:
    """The titles of a `nav:`'s sections, in order, with their indentation."""
    return [line.split(" #")[0].rstrip() for line in nav if _SECTION.fullmatch(line)]


def tests_needed(changed: Iterable[str], *, nav_only: bool = False) -> tuple[str, str]:
    """`content` or `full` for a pull request that changes these files (`nav_only`: mkdocs.yml
    only in its `nav:`), and why, in a sentence."""
    others = sorted(path for path in changed if not is_content(path) and not (nav_only and path == CONFIG))
    if others:
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        return FULL, f"Files other than the book's pages changed ({shown}): the whole test suite runs."
    return CONTENT, ("Only the book's pages and images changed, and in mkdocs.yml at most its nav: the "
                     "tests of the book's content run (make test-content); the whole suite runs again "
                     "once the change is on main.")


def changed_files(base: str, head: str) -> list[str]:
    """The files that differ between two commits, a renamed file under both its names."""
    result = subprocess.run(["git", "diff", "--name-only", "--no-renames", "-z", base, head],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"git diff {base} {head} failed: {result.stderr.strip()} "
                         "(the checkout needs the merge's parent: actions/checkout with fetch-depth: 2)")
    return [name for name in result.stdout.split("\0") if name]


def file_at(revision: str, path: str) -> str | None:
    """The file's text at a commit, or None where it is not there (or not text)."""
    result = subprocess.run(["git", "show", f"{revision}:{path}"], capture_output=True)
    if result.returncode != 0:
        return None
    try:
        return result.stdout.decode("utf-8")
    except UnicodeDecodeError:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--event", default="pull_request", help="the event that started the run")
    parser.add_argument("--base", default="HEAD^1", help="the commit the change is compared with")
    parser.add_argument("--head", default="HEAD", help="the commit with the change")
    args = parser.parse_args(argv)
    if args.event != "pull_request":
        tests, reason = FULL, f"A {args.event} run: the whole test suite runs."
    else:
        changed = changed_files(args.base, args.head)
        before, after = (file_at(args.base, CONFIG), file_at(args.head, CONFIG)) if CONFIG in changed else (None, None)
        nav_only = before is not None and after is not None and nav_only_changed(before, after)
        tests, reason = tests_needed(changed, nav_only=nav_only)
    print(reason, file=sys.stderr)
    print(f"tests={tests}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
