"""The book build's problems, as Markdown for a GitHub job summary.

Usage: python .github/book-summary.py BUILD_LOG >> "$GITHUB_STEP_SUMMARY"

GitHub shows only the first few annotations of a step; the summary lists every problem. It keeps
the build's report in its own words: the line "The book has N problems to fix:" and the lines
that the problem matcher (book-problems.json, beside this file) turns into annotations. A build
that stopped without that report (a broken configuration, a browser that would not start) gets
the last lines of its output instead. Standard library only.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

MATCHER = Path(__file__).with_name("book-problems.json")
HEADING = re.compile(r"The book has \d+ problems? to fix:")
TAIL_LINES = 40


def problem_line() -> re.Pattern[str]:
    """The matcher's own regular expression, so the summary lists what the annotations show."""
    (matcher,) = json.loads(MATCHER.read_text(encoding="utf-8"))["problemMatcher"]
    (pattern,) = matcher["pattern"]
    return re.compile(pattern["regexp"])


def summary(log: str) -> str:
    lines = log.splitlines()
    headings = [(i, m) for i, line in enumerate(lines) if (m := HEADING.search(line))]
    if headings:
        start, heading = headings[-1]
        problem = problem_line()
        report = [heading.group(0)] + [line for line in lines[start + 1:] if problem.match(line)]
        title = "The book did not build: the chapter checks found problems"
        intro = "Each line names the file and line to change, what is wrong and how to fix it."
    else:
        report = lines[-TAIL_LINES:]
        title = "The book did not build"
        intro = "The last lines of the build's output:"
    # Preformatted and escaped, so a message quoting Markdown or HTML shows exactly as written.
    body = "\n".join(html.escape(line, quote=False) for line in report)
    return f"## {title}\n\n{intro}\n\n<pre>\n{body}\n</pre>\n"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python .github/book-summary.py BUILD_LOG")
    sys.stdout.write(summary(Path(sys.argv[1]).read_text(encoding="utf-8", errors="replace")))
