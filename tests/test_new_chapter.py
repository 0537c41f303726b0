"""`make chapter TITLE="…"`: a new chapter from the template, listed in `nav:`.

Tests of the functions (file names, YAML quoting, the navigation edit, refusals) on made-up
text, then one end-to-end test that runs `make chapter` in a copy of the repository and builds
the copy. None depends on the book's current chapters.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup
from mkdocs.utils.meta import get_data
from mkdocs.utils.yaml import yaml_load

from tests.helpers import ROOT

import new_chapter as nc  # noqa: E402

TEMPLATE_TEXT = (ROOT / "templates" / "chapter.md").read_text(encoding="utf-8")
FRENCH = "Écoute active : les bases d’une présence attentive"

# Titles that break naive YAML: colons, quotes, comment marks, YAML's own indicators, words
# YAML reads as booleans, numbers, dates or null, escapes, invisible and non-ASCII characters.
HOSTILE = [
    "Active Listening",
    FRENCH,
    'Say "hello": a first meeting',
    "It's not 'just' listening",
    "'Quoted' at the start",
    '"Double" at the start',
    "Listening #1 # not a comment",
    "#hashtag",
    "- a dash first",
    "? a question mark first",
    "! bang", "& ampersand", "* star", "| pipe", "> greater", "% percent", "@ at", "` backtick",
    "[brackets]", "{braces}", "a, b: c", "key: value",
    "yes", "No", "on", "null", "~", "123", "1.5", "0x1F", "1e3", ".inf", "2024-01-31",
    "back\\slash \\n not a line break",
    "tab\there",
    "line\u2028separator", "next\x85line", "bell\x07", "bom\ufeff",
    "emoji 🎧 and 日本語",
    "trailing space ", " leading space",
    "---", "...", "a --- b",
]


def front_matter_of(text: str) -> dict[str, object]:
    """A page's front matter as MkDocs reads it (an unreadable one is silently empty there)."""
    _, meta = get_data(text)
    return meta


def template_body() -> str:
    match = re.match(r"---\n.*?\n---\n", TEMPLATE_TEXT, re.S)
    assert match, "the template starts with front matter"
    return TEMPLATE_TEXT[match.end():]


def rendered_heading(line: str) -> str:
    html = markdown.markdown(line, extensions=["attr_list", "toc", "admonition", "md_in_html",
                                               "pymdownx.superfences"])
    h1 = BeautifulSoup(html, "html.parser").find("h1")
    assert h1 is not None, html
    return h1.get_text()


# --- File names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("title", "slug"), [
    ("Active Listening", "active-listening"),
    (FRENCH, "ecoute-active-les-bases-dune-presence-attentive"),
    ("Connection, Disconnection & Reconnection", "connection-disconnection-reconnection"),
    ("Don't panic — it's only Chapter 2!", "dont-panic-its-only-chapter-2"),
    ("  Straße, Œuvre   und   Ærø  ", "strasse-oeuvre-und-aero"),
    ("Łódź: ½ a day", "lodz-1-2-a-day"),
    ("C'est l’été — ça va ?", "cest-lete-ca-va"),
    ("...", ""),
    ("倾听的基础", ""),
])
def test_slug_is_ascii_lower_case_words_joined_by_hyphens(title: str, slug: str) -> None:
    assert nc.slugify(title) == slug
    assert slug == "" or nc.is_slug(slug)


def test_long_title_is_cut_at_a_word_boundary() -> None:
    title = "Listening, " + " ".join(f"word{n}" for n in range(40))
    slug = nc.slugify(title)
    full = nc.slugify(title, max_length=10_000)
    assert len(slug) <= nc.SLUG_MAX < len(full)
    assert full.startswith(slug + "-")  # whole words only
    assert len(slug) > nc.SLUG_MAX - len("-word39")  # and as many as fit


def test_one_word_longer_than_the_limit_is_cut() -> None:
    assert nc.slugify("x" * 100) == "x" * nc.SLUG_MAX


@pytest.mark.parametrize("slug", ["Active-Listening", "active listening", "active--listening",
                                  "-active", "écoute", "a" * (nc.SLUG_MAX + 1), ""])
def test_file_names_that_are_not_slugs(slug: str) -> None:
    assert not nc.is_slug(slug)


# --- YAML quoting ------------------------------------------------------------------------------


@pytest.mark.parametrize("title", HOSTILE)
def test_title_reads_back_exactly_with_every_yaml_reader(title: str) -> None:
    scalar = nc.yaml_string(title)
    assert "\n" not in scalar
    page = f"---\ntitle: {scalar}\n---\n\n# Heading\n"
    assert front_matter_of(page) == {"title": title}  # MkDocs
    for loader in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        assert yaml.load(f"title: {scalar}\n", Loader=loader) == {"title": title}


def test_plain_titles_stay_plain() -> None:
    assert nc.yaml_string("Active Listening") == "Active Listening"
    assert nc.yaml_string("Connection, Disconnection & Reconnection") == (
        "Connection, Disconnection & Reconnection")
    assert nc.yaml_string(FRENCH).startswith('"')  # " : " would start a mapping


@pytest.mark.parametrize("title", [t for t in HOSTILE if t == nc.clean_title(t)])
def test_heading_shows_the_title_as_written(title: str) -> None:
    assert rendered_heading(f"# {nc.markdown_text(title)}") == title


# --- The chapter's text ------------------------------------------------------------------------


@pytest.mark.parametrize("title", [FRENCH, 'Say "hello": a first meeting', "Listening #1 #"])
def test_chapter_from_the_real_template(title: str) -> None:
    author = 'Alex "Lex" Martin: peer'
    text = nc.chapter_from_template(TEMPLATE_TEXT, title, author)
    meta = front_matter_of(text)
    template_meta = front_matter_of(TEMPLATE_TEXT)
    assert meta["title"] == title
    assert meta["attribution"] == {"written_by": author}
    # Every other field, the description's placeholder included, is the template's.
    assert {k: v for k, v in meta.items() if k not in ("title", "attribution")} == {
        k: v for k, v in template_meta.items() if k not in ("title", "attribution")}
    assert meta["description"] == template_meta["description"]
    # The template's notes on copying it by hand are gone; its text is kept but for the heading.
    front = text.split("\n---\n", 1)[0]
    assert not any(line.startswith("#") for line in front.splitlines())
    body = text.split("\n---\n", 1)[1]
    old_body = template_body()
    heading = next(line for line in body.splitlines() if line.startswith("# "))
    assert rendered_heading(heading) == title
    assert body.replace(heading, "", 1) == re.sub(r"^# .*$", "", old_body, count=1, flags=re.M)


MADE_UP_TEMPLATE = """\
---
# Copy me by hand: these notes go.
title: Placeholder Title
# A note between fields goes too.
description: >-
  Describe it here.
  # not a comment: part of the description
keywords: [one, two]
attribution:
  written_by: Someone
  # adapted_from:
  #   title: …
---

Some words before the heading.

# Placeholder Title

## Part

```text
# not a heading
```
"""


def test_chapter_from_a_made_up_template() -> None:
    text = nc.chapter_from_template(MADE_UP_TEMPLATE, "New: one", "Ann Lee")
    assert text == """\
---
title: "New: one"
description: >-
  Describe it here.
  # not a comment: part of the description
keywords: [one, two]
attribution:
  written_by: Ann Lee
---

Some words before the heading.

# New: one

## Part

```text
# not a heading
```
"""


def test_template_author_placeholder() -> None:
    assert nc.template_author(MADE_UP_TEMPLATE) == "Someone"
    assert nc.template_author("---\ntitle: x\n---\n# x\n") == nc.PLACEHOLDER_AUTHOR
    assert nc.template_author(TEMPLATE_TEXT) == (
        front_matter_of(TEMPLATE_TEXT)["attribution"]["written_by"])  # type: ignore[index]


# --- The navigation ----------------------------------------------------------------------------

MADE_UP_CONFIG = """\
site_name: A Book   # a comment
site_url: !ENV [SITE_URL, null]

# --- Navigation ---
nav:
  - Home: index.md

  - "Chapters":   # the chapters, in reading order
    - chapters/index.md
    # Part one
    - chapters/one.md
    - Part two:
        - chapters/two.md
        - chapters/three.md   # last for now
    # Add chapters above this line.

  - About: about.md
extra:
  book:
    chapters_dir: chapters
"""


def test_nav_insertion_in_a_made_up_config_keeps_every_other_byte() -> None:
    result = nc.add_to_nav(MADE_UP_CONFIG, "chapters/new.md")
    assert result.text == MADE_UP_CONFIG.replace(
        "        - chapters/three.md   # last for now\n",
        "        - chapters/three.md   # last for now\n    - chapters/new.md\n")
    assert result.line == 15 and result.section == "Chapters"
    nc.verify_nav(MADE_UP_CONFIG, result, "chapters/new.md")
    nav = yaml_load(result.text)["nav"]
    assert nav[1] == {"Chapters": ["chapters/index.md", "chapters/one.md",
                                   {"Part two": ["chapters/two.md", "chapters/three.md"]},
                                   "chapters/new.md"]}


def test_nav_insertion_keeps_windows_line_ends_and_a_missing_last_line_break() -> None:
    config = "nav:\r\n- Home: index.md\r\n- Chapters:\r\n  - chapters/a.md"
    result = nc.add_to_nav(config, "chapters/b.md")
    assert result.text == "nav:\r\n- Home: index.md\r\n- Chapters:\r\n  - chapters/a.md\r\n  - chapters/b.md\r\n"
    nc.verify_nav(config, result, "chapters/b.md")


def test_nav_section_found_by_its_pages_whatever_its_name() -> None:
    config = "nav:\n  - Accueil: index.md\n  - Chapitres:\n      - chapitres/un.md\n  - Autre:\n      - autre.md\n"
    result = nc.add_to_nav(config, "chapitres/deux.md", chapters_dir="chapitres")
    assert result.section == "Chapitres"
    assert result.text.splitlines()[4] == "      - chapitres/deux.md"


def test_nav_insertion_in_the_real_config(tmp_path: Path) -> None:
    config_file = tmp_path / "mkdocs.yml"
    shutil.copyfile(ROOT / "mkdocs.yml", config_file)
    old = config_file.read_text(encoding="utf-8")
    result = nc.add_to_nav(old, "chapters/zz-new-chapter.md")
    nc.verify_nav(old, result, "chapters/zz-new-chapter.md")
    old_lines, new_lines = old.splitlines(keepends=True), result.text.splitlines(keepends=True)
    added = new_lines.pop(result.line - 1)
    assert new_lines == old_lines  # byte for byte
    # Indented as the items above it.
    above = old_lines[result.line - 2]
    assert added == re.match(r"[ ]*", above).group(0) + "- chapters/zz-new-chapter.md\n"  # type: ignore[union-attr]
    before, after = yaml_load(old), yaml_load(result.text)
    section = next(i for i, item in enumerate(before["nav"])
                   if isinstance(item, dict) and result.section in item)
    assert after["nav"][section][result.section] == [*before["nav"][section][result.section],
                                                     "chapters/zz-new-chapter.md"]
    assert {k: v for k, v in after.items() if k != "nav"} == {k: v for k, v in before.items() if k != "nav"}


def test_a_chapter_already_in_nav_is_not_added_twice() -> None:
    result = nc.add_to_nav(MADE_UP_CONFIG, "chapters/two.md")
    assert result.already_listed and result.text == MADE_UP_CONFIG


@pytest.mark.parametrize(("config", "says"), [
    ("site_name: x\n", "has no 'nav:' section"),
    ("nav:\n  - Home: index.md\n  - About: about.md\n", "no section of 'nav:' lists the chapters"),
    ("nav:\n  - Home: index.md\n  - Chapters: [chapters/a.md]\n", "no section of 'nav:' lists the chapters"),
    ("nav:\n  - Home: index.md\n  - Chapters:\n  - About: about.md\n", "has no items"),
])
def test_nav_that_cannot_be_edited_safely_is_refused(config: str, says: str) -> None:
    with pytest.raises(nc.Refusal, match=re.escape(says)):
        nc.add_to_nav(config, "chapters/new.md")


def test_verify_nav_catches_a_changed_line() -> None:
    result = nc.add_to_nav(MADE_UP_CONFIG, "chapters/new.md")
    broken = nc.NavInsertion(result.text.replace("# a comment", "# changed"), result.line, result.section)
    with pytest.raises(AssertionError, match="lines other than the new one"):
        nc.verify_nav(MADE_UP_CONFIG, broken, "chapters/new.md")
    misplaced = nc.NavInsertion(result.text.replace("    - chapters/new.md", "        - chapters/new.md"),
                                result.line, result.section)
    with pytest.raises(AssertionError):
        nc.verify_nav(MADE_UP_CONFIG, misplaced, "chapters/new.md")


# --- Creating the files, and refusing ------------------------------------------------------------


def make_project(root: Path, config: str = MADE_UP_CONFIG) -> Path:
    (root / "templates").mkdir(parents=True)
    (root / "templates" / "chapter.md").write_text(MADE_UP_TEMPLATE, encoding="utf-8")
    (root / "docs" / "chapters").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_new_chapter_writes_both_files_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    result = nc.new_chapter(root, f"  {FRENCH}\n", "Alex  Martin")
    slug = "ecoute-active-les-bases-dune-presence-attentive"
    assert result.chapter == Path("docs", "chapters", f"{slug}.md")
    meta = front_matter_of((root / result.chapter).read_text(encoding="utf-8"))
    assert meta["title"] == FRENCH and meta["attribution"] == {"written_by": "Alex Martin"}
    assert f"    - chapters/{slug}.md\n" in (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert sorted(files_of(root)) == ["docs/chapters/" + f"{slug}.md", "mkdocs.yml", "templates/chapter.md"]
    assert not result.placeholder_author


@pytest.mark.parametrize(("title", "slug", "says"), [
    ("", "", "TITLE is empty"),
    (" \t\n ", "", "TITLE is empty"),
    ("Less <b>than</b>", "", "contains '<' or '>'"),
    ("Caf&eacute; talk", "", "character reference"),
    ("倾听的基础", "", "give a file name too, e.g. SLUG="),
    ("Listening", "Not A Slug", "is not a file name for a chapter"),
    ("One", "", "docs/chapters/one.md already exists: edit that file, or choose another title"),
])
def test_refusals_write_nothing(tmp_path: Path, title: str, slug: str, says: str) -> None:
    root = make_project(tmp_path)
    (root / "docs" / "chapters" / "one.md").write_text("mine\n", encoding="utf-8")
    before = files_of(root)
    with pytest.raises(nc.Refusal, match=re.escape(says)) as refusal:
        nc.new_chapter(root, title, "Ann Lee", slug)
    assert "\n" not in str(refusal.value)
    assert files_of(root) == before


def test_refused_nav_writes_no_chapter(tmp_path: Path) -> None:
    root = make_project(tmp_path, config="site_name: x\nnav:\n  - Home: index.md\n")
    before = files_of(root)
    with pytest.raises(nc.Refusal, match="no section of 'nav:' lists the chapters"):
        nc.new_chapter(root, "Listening", "Ann Lee")
    assert files_of(root) == before


def test_unreadable_config_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path, config="nav: [unclosed\n")
    with pytest.raises(nc.Refusal, match="mkdocs.yml: MkDocs cannot read it"):
        nc.new_chapter(root, "Listening", "Ann Lee")


def test_write_atomically_never_replaces_a_chapter(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    target.write_text("mine\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        nc.write_atomically(target, "theirs\n", exclusive=True)
    assert target.read_text(encoding="utf-8") == "mine\n"
    nc.write_atomically(target, "replaced\n")
    assert target.read_text(encoding="utf-8") == "replaced\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def run_main(root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             git_name: str | None, **env: str) -> tuple[int, str, str]:
    gitconfig = root.parent / "gitconfig"
    gitconfig.write_text(f"[user]\n\tname = {git_name}\n" if git_name else "", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("TITLE", "AUTHOR", "SLUG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    status = nc.main(["--root", str(root)])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.build  # the code it calls starts a program
def test_author_defaults_to_git_user_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path / "book")
    status, out, err = run_main(root, monkeypatch, capsys, "Git Person", TITLE="Listening")
    assert (status, err) == (0, "")
    meta = front_matter_of((root / "docs/chapters/listening.md").read_text(encoding="utf-8"))
    assert meta["attribution"] == {"written_by": "Git Person"}
    assert "written by Git Person" in out and "Put your name" not in out


@pytest.mark.build  # the code it calls starts a program
def test_author_falls_back_to_the_template_placeholder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path / "book")
    status, out, _ = run_main(root, monkeypatch, capsys, None, TITLE="Listening")
    assert status == 0
    meta = front_matter_of((root / "docs/chapters/listening.md").read_text(encoding="utf-8"))
    assert meta["attribution"] == {"written_by": "Someone"}  # the made-up template's placeholder
    assert "Put your name in place of 'Someone'" in out


def test_main_says_what_it_did_and_what_comes_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path / "book")
    status, out, _ = run_main(root, monkeypatch, capsys, None, TITLE="Listening", AUTHOR="Ann Lee")
    assert status == 0
    assert out.startswith('Created docs/chapters/listening.md: "Listening", written by Ann Lee.\n'
                          "Added it to mkdocs.yml, line 15: last in the 'Chapters' section of nav:")
    for step in ("Write the chapter in docs/chapters/listening.md", "Replace the description",
                 "make serve", "make check-content"):
        assert step in out
    # The checks CONTRIBUTING.md asks for (about a minute), not the whole suite, `make test`.
    assert not re.search(r"make test\b(?!-)", out), out
    assert re.search(r"^  \d\. make check-content ", out, re.M), out
    assert "docs/index.md" not in out  # this made-up book keeps no chapter list by hand


@pytest.mark.build  # the code it calls starts a program
def test_main_refuses_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path / "book")
    (root / "docs" / "chapters" / "listening.md").write_text("mine\n", encoding="utf-8")
    status, out, err = run_main(root, monkeypatch, capsys, None, TITLE="Listening")
    assert status != 0 and out == ""
    assert err == ("make chapter: docs/chapters/listening.md already exists: edit that file, or "
                   "choose another title (or SLUG=…) for a new chapter\n")


# --- End to end: `make chapter` in a copy of the repository, then the real build -------------------


def copy_of_repository(dest: Path) -> Path:
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: cannot tell the repository's files")
    for name in filter(None, listed.decode("utf-8").split("\0")):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def test_make_chapter_then_the_book_builds_with_it_in_the_navigation(tmp_path: Path) -> None:
    copy = copy_of_repository(tmp_path / "book")
    venv = ROOT / ".venv"
    # The copy uses this checkout's virtual environment, never installing into it (-o: taken as
    # up to date whatever the copy's requirements.txt says).
    make = ["make", "--no-print-directory", "-s", "chapter", f"VENV={venv}", "-o", f"{venv}/.installed"]
    env = {k: v for k, v in os.environ.items() if k not in ("TITLE", "AUTHOR", "SLUG")}
    make_french = [*make, f"TITLE={FRENCH}", "AUTHOR=Alex Martin"]
    config_before = (copy / "mkdocs.yml").read_text(encoding="utf-8")
    result = subprocess.run(make_french, cwd=copy, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    slug = "ecoute-active-les-bases-dune-presence-attentive"
    chapter = copy / "docs" / "chapters" / f"{slug}.md"
    assert result.stdout.startswith(f"Created docs/chapters/{slug}.md")
    config_after = (copy / "mkdocs.yml").read_text(encoding="utf-8")
    assert len(config_after.splitlines()) == len(config_before.splitlines()) + 1

    # Again: refused in one line, nothing changed.
    again = subprocess.run(make_french, cwd=copy, env=env, capture_output=True, text=True)
    assert again.returncode != 0
    assert again.stderr.splitlines()[0] == (
        f"make chapter: docs/chapters/{slug}.md already exists: edit that file, or choose another "
        "title (or SLUG=…) for a new chapter")
    assert (copy / "mkdocs.yml").read_text(encoding="utf-8") == config_after

    # The contributor writes the chapter: a description, and their own text under the heading.
    text = chapter.read_text(encoding="utf-8")
    front, body = text.split("\n---\n", 1)
    front = re.sub(r"^description:.*?(?=^\w)", "description: Écouter sans juger, pas à pas.\n",
                   front + "\n", flags=re.M | re.S)
    heading = next(line for line in body.splitlines() if line.startswith("# "))
    chapter.write_text(
        front + "---\n\n" + heading + "\n\nÉcouter, c’est d’abord se taire.\n\n"
        "## Un exemple\n\n!!! scenario \"Exemple : au centre d’accueil\"\n\n"
        "    Sam entre. Jesse l’écoute sans l’interrompre.\n\n"
        "!!! reflection \"For Reflection\"\n\n    - Quand avez-vous été écouté ainsi ?\n",
        encoding="utf-8")

    site = tmp_path / "site"
    build = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=copy, capture_output=True, text=True,
        env={**os.environ, "BOOK_EXPORTS": "0", "NO_MKDOCS_2_WARNING": "1"})
    assert build.returncode == 0, build.stderr
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = {a["href"]: " ".join(a.get_text().split()) for a in home.select("nav.md-nav a[href]")}
    assert links.get(f"chapters/{slug}/") == FRENCH
    # Last among the chapters in the navigation, as in mkdocs.yml.
    chapter_links = [href for href in links if href.startswith("chapters/") and href != "chapters/"]
    assert chapter_links[-1] == f"chapters/{slug}/"
    page = BeautifulSoup((site / "chapters" / slug / "index.html").read_text(encoding="utf-8"), "html.parser")
    h1 = page.find("h1")
    assert h1 is not None and h1.get_text().replace("¶", "").strip() == FRENCH

    # Through make's command line, a title and a name reach the chapter exactly as typed.
    title, author = """Cost: $5 $(shell echo x) "deal" — it's `fine` #1""", "Pat O'Brien: $HOME"
    hostile = subprocess.run([*make, f"TITLE={title}", f"AUTHOR={author}"], cwd=copy, env=env,
                             capture_output=True, text=True)
    assert hostile.returncode == 0, hostile.stdout + hostile.stderr
    meta = front_matter_of((copy / "docs" / "chapters" / "cost-5-shell-echo-x-deal-its-fine-1.md")
                           .read_text(encoding="utf-8"))
    assert (meta["title"], meta["attribution"]) == (title, {"written_by": author})


def test_the_template_and_the_docs_folder_are_the_configurations(tmp_path: Path) -> None:
    config = MADE_UP_CONFIG + "docs_dir: book\nextra:\n  book:\n    chapter_template: templates/short.md\n"
    root = make_project(tmp_path, config)
    (root / "templates" / "short.md").write_text(MADE_UP_TEMPLATE.replace("Someone", "Another one"), encoding="utf-8")
    (root / "book" / "chapters").mkdir(parents=True)
    result = nc.new_chapter(root, "Listening", "")
    assert result.chapter == Path("book", "chapters", "listening.md")
    assert result.author == "Another one"
