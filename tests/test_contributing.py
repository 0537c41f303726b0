"""CONTRIBUTING.md stays true to what it describes: the workflows, the template, the credit fields."""

from __future__ import annotations

import re

import yaml
from markdown.extensions.toc import slugify

from hooks.attribution import _PAGE_KEYS, _WORK_KEYS, LICENCES
from tests.helpers import ROOT

GUIDE = ROOT / "CONTRIBUTING.md"
TEXT = GUIDE.read_text(encoding="utf-8")
HEADINGS = re.findall(r"^#{2,4} (.+)$", TEXT, re.M)
# The guide's prose, without its examples (code blocks and `inline code`).
PROSE = re.sub(r"`[^`\n]*`", "", re.sub(r"^ *```.*?^ *```", "", TEXT, flags=re.S | re.M))


def test_readme_links_the_guide() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](CONTRIBUTING.md)" in readme


def test_links_within_the_guide_reach_a_heading_and_files_exist() -> None:
    anchors = {slugify(h, "-") for h in HEADINGS}
    links = re.findall(r"\]\(([^)\s]+)\)", PROSE)
    assert len(links) > 10
    for target in links:
        if target.startswith("#"):
            assert target[1:] in anchors, target
        elif not target.startswith("https://"):
            assert (ROOT / target).exists(), target
    for target in ("templates/chapter.md", "mkdocs.yml", ".codespell-words", ".pymarkdown.json"):
        assert (ROOT / target).exists(), target
    assert "Chapter checks" in HEADINGS


def test_guide_names_the_checks_as_contributors_see_them_on_github() -> None:
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    (job,) = ci["jobs"].values()
    assert f"**{ci['name']} / {job['name']}**" in re.sub(r"\s+", " ", TEXT)
    steps = [s["name"] for s in job["steps"] if "run" in s and s["run"].strip() in ("make lint", "make test", "make book")]
    assert len(steps) == 3
    for name in steps:
        assert name in HEADINGS, name
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["name"].startswith("book-preview-") and "`book-preview-pr-`" in TEXT
    assert upload["with"]["retention-days"] == 14 and "keep it for two weeks" in TEXT


def test_guide_lists_every_attribution_field_and_licence_the_build_accepts() -> None:
    credit = TEXT[TEXT.index("## Credit adapted material"):TEXT.index("## Preview your change")]
    for field in _PAGE_KEYS | _WORK_KEYS:
        assert f"{field}:" in credit or f"`{field}`" in credit, field
    assert re.findall(r"`(CC[-A-Z0-9.]+)`", credit) == list(LICENCES)
