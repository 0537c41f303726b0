"""Which tests a change needs, from the files it changes: the checks workflow's first decision.

    python scripts/checks_needed.py [--event pull_request] [--base REV] [--head REV]

Prints `tests=content` or `tests=full` (a line for $GITHUB_OUTPUT), and on stderr the reason.

- `content`: a pull request that changes only the book's pages and images (Markdown and images
  under docs/, added, changed or deleted). The book is built with its chapter checks, linted, and
  the tests of the real book that a page can break run (`make test-content`): about a minute.
- `full`: anything else. The generator's code (hooks/), its templates (overrides/, templates/),
  the tests, the settings (mkdocs.yml, the requirements, package.json), the site's own
  stylesheets, scripts and typefaces (docs/stylesheets/, docs/javascripts/, docs/fonts/), the
  workflows: the whole suite runs (`make test`). So does every run that is not a pull request's:
  a push to main, the weekly run, a run started by hand.

A pull request is checked out as the merge of its branch into the base branch: the merge's first
parent is the base, so `git diff HEAD^1 HEAD` lists exactly what merging it would change.
Standard library only: it runs before the project's packages are installed. A pull request that
changes this script runs its own version of it, as it would its own workflow: the whole suite
still runs on main once it is merged, and a maintainer reads the change before.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterable
from pathlib import PurePosixPath

CONTENT = "content"
FULL = "full"
# A page, or an image a page shows: what an educator changes in the web editor.
CONTENT_SUFFIXES = {".md", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico"}
# The reading site's own code, kept in docs/ because MkDocs serves it from there.
SITE_CODE = {"stylesheets", "javascripts", "fonts"}


def is_content(path: str) -> bool:
    """A page of the book or an image of one: under docs/, outside the site's own code."""
    parts = PurePosixPath(path).parts
    return (len(parts) > 1 and parts[0] == "docs" and parts[1] not in SITE_CODE
            and PurePosixPath(path).suffix.lower() in CONTENT_SUFFIXES)


def tests_needed(changed: Iterable[str]) -> tuple[str, str]:
    """`content` or `full` for a pull request that changes these files, and why, in a sentence."""
    others = sorted(path for path in changed if not is_content(path))
    if others:
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        return FULL, f"Files other than the book's pages changed ({shown}): the whole test suite runs."
    return CONTENT, ("Only the book's pages and images changed: the tests of the book's content run "
                     "(make test-content); the whole suite runs again once the change is on main.")


def changed_files(base: str, head: str) -> list[str]:
    """The files that differ between two commits, a renamed file under both its names."""
    result = subprocess.run(["git", "diff", "--name-only", "--no-renames", "-z", base, head],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"git diff {base} {head} failed: {result.stderr.strip()} "
                         "(the checkout needs the merge's parent: actions/checkout with fetch-depth: 2)")
    return [name for name in result.stdout.split("\0") if name]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--event", default="pull_request", help="the event that started the run")
    parser.add_argument("--base", default="HEAD^1", help="the commit the change is compared with")
    parser.add_argument("--head", default="HEAD", help="the commit with the change")
    args = parser.parse_args(argv)
    if args.event != "pull_request":
        tests, reason = FULL, f"A {args.event} run: the whole test suite runs."
    else:
        tests, reason = tests_needed(changed_files(args.base, args.head))
    print(reason, file=sys.stderr)
    print(f"tests={tests}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
