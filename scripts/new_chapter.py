"""Start a new chapter: `make chapter TITLE="Active Listening" [AUTHOR="Alex Martin"]`.

Creates `docs/chapters/<slug>.md` from `templates/chapter.md` with the front matter filled in
(the title, and `attribution: written_by:` naming the author: a new chapter is new work), and
adds the chapter to `nav:` in `mkdocs.yml`, last in the chapters' section. The template's
description and example text stay, for the contributor to replace: the chapter checks reject
them until then.

`mkdocs.yml` is edited as text, one line inserted, so that its comments, `!ENV` tags and blank
lines stay exactly as they are; the result is read back with MkDocs' own YAML loader before it
is written. Both files are written to a temporary file beside them, then renamed into place.

The logic is plain functions (text in, text out); `main()` only reads and writes the files.
Usage: python scripts/new_chapter.py --title "…" [--author "…"] [--slug …] [--root DIR]
(`make chapter` passes TITLE, AUTHOR and SLUG in the environment, exactly as they were typed).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import yaml
from mkdocs.utils.meta import YAML_RE

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path("templates") / "chapter.md"
CONFIG = Path("mkdocs.yml")
CHAPTERS_DIR = "chapters"  # under docs/; the default of extra.book.chapters_dir
# Long enough for any sensible title's first words, short enough for every file system and for
# a readable web address.
SLUG_MAX = 60
PLACEHOLDER_AUTHOR = "Your Name"


class Refusal(Exception):
    """A reason not to create the chapter, said in one line: what is wrong and how to fix it."""


# --- The file name -----------------------------------------------------------------------------

# Letters that Unicode does not decompose into a base letter and an accent.
_FOLDS = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o",
                        "Ø": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th",
                        "ð": "d", "Ð": "D", "ı": "i"})
# Apostrophes join a word ("d’une" → "dune"), they do not split it.
_APOSTROPHES = re.compile(r"['’‘ʼ`´]")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def slugify(title: str, max_length: int = SLUG_MAX) -> str:
    """The file name's stem: ASCII lower-case words joined by hyphens, at most `max_length`.

    Accents are folded ("Écoute" → "ecoute"), apostrophes dropped, anything else that is not a
    letter or digit separates words. A long title is cut at a word boundary.
    """
    text = _APOSTROPHES.sub("", title.translate(_FOLDS))
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = re.findall(r"[a-z0-9]+", text.lower())  # any other character separates words
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > max_length:
            break
        slug = longer
    if not slug and words:  # one word longer than the limit
        slug = words[0][:max_length]
    return slug


def is_slug(text: str) -> bool:
    return bool(_SLUG.fullmatch(text)) and len(text) <= SLUG_MAX


# --- The chapter's text --------------------------------------------------------------------


def clean_title(title: str) -> str:
    """The title on one line, with runs of spaces (tabs, line breaks) made one space."""
    return " ".join(title.split())


def yaml_string(text: str) -> str:
    """`text` as a YAML scalar that reads back as exactly `text`, as plain as it can be.

    Plain when every YAML reader the book uses reads it back unchanged (no ': ', ' #', leading
    quote or '-', nothing that reads as a number, date, boolean or null); otherwise in double
    quotes, which can hold any text: what is not printable (line and paragraph separators
    included, which YAML would fold into spaces) is written as an escape.
    """
    if text and text == text.strip() and all(c.isprintable() for c in text):
        try:
            if all(_load(f"v: {text}\n", loader) == {"v": text} for loader in _LOADERS):
                return text
        except yaml.YAMLError:
            pass
    return '"' + "".join(_escape(c) for c in text) + '"'


def _escape(char: str) -> str:
    if char in '"\\':
        return "\\" + char
    if char.isprintable():
        return char
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


# The parsers that read a chapter's front matter: PyYAML's (pymarkdown, the checks' error
# messages) and libyaml's (MkDocs and the checks, where PyYAML has it).
_LOADERS: tuple[type[Any], ...] = tuple(
    dict.fromkeys([yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)])
)


def _load(text: str, loader: type[Any]) -> Any:
    return yaml.load(text, Loader=loader)  # noqa: S506 - the loaders above are all safe ones


def markdown_text(text: str) -> str:
    """`text` for a Markdown heading, shown as written: Markdown's marks escaped."""
    escaped = re.sub(r"([\\`*_\[\]{}])", r"\\\1", text)
    # A heading's trailing hashes are taken as its closing marks.
    return re.sub(r"(#+)$", lambda m: "\\#" * len(m.group(1)), escaped)


_TOP_KEY = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:")


def template_author(template: str) -> str:
    """The template's placeholder for the author's name (`written_by:`), or "Your Name"."""
    match = YAML_RE.match(template)
    meta = _load(match.group(1), yaml.SafeLoader) if match else None
    if isinstance(meta, dict) and isinstance(meta.get("attribution"), dict):
        written_by = meta["attribution"].get("written_by")
        if isinstance(written_by, str) and written_by:
            return written_by
    return PLACEHOLDER_AUTHOR


def chapter_from_template(template: str, title: str, author: str) -> str:
    """The new chapter: the template with its title, author and heading filled in.

    In the front matter, `title:` is set, `attribution:` becomes `written_by: <author>` alone
    (a new chapter is new work), and the template's notes on copying it (comment lines at the
    left margin) are dropped: `make chapter` did the copying. Every other field, the
    description's placeholder included, stays as the template has it. In the text, the first
    level-1 heading becomes the title.
    """
    match = YAML_RE.match(template)
    if not match:
        raise Refusal(f"{TEMPLATE}: does not start with front matter between two '---' lines; "
                      "restore the template from the repository")
    blocks = _top_level_blocks(match.group(1))
    fields = [name for name, _ in blocks]
    front: list[str] = [] if "title" in fields else [f"title: {yaml_string(title)}\n"]
    for name, lines in blocks:
        if name == "title":
            front.append(f"title: {yaml_string(title)}\n")
        elif name == "attribution":
            front.append(f"attribution:\n  written_by: {yaml_string(author)}\n")
        elif name:
            front.extend(lines)
    if "attribution" not in fields:
        front.append(f"attribution:\n  written_by: {yaml_string(author)}\n")
    body = template[match.end():]
    body, headings = re.subn(r"^# .*$", lambda _: f"# {markdown_text(title)}", body, count=1,
                             flags=re.MULTILINE)
    if not headings:
        body = f"\n# {markdown_text(title)}\n" + body
    text = "---\n" + "".join(front) + "---\n" + body
    _verify_chapter(text, title, author, template)
    return text


def _top_level_blocks(front: str) -> list[tuple[str, list[str]]]:
    """The front matter's lines grouped by top-level field: (name, lines) in order.

    Lines before the first field, and comment lines at the left margin between fields, form
    blocks named "" (the template's notes to whoever copies it by hand).
    """
    blocks: list[tuple[str, list[str]]] = []
    named: list[str] | None = None  # the lines of the last field
    for line in front.splitlines(keepends=True):
        key = _TOP_KEY.match(line)
        if key:
            named = [line]
            blocks.append((key.group(1), named))
        elif line.startswith("#") or named is None:
            blocks.append(("", [line]))
        else:  # a field's own lines (indented, or blank) go with it, whatever notes came between
            named.append(line)
    return blocks


def _verify_chapter(text: str, title: str, author: str, template: str) -> None:
    """The new front matter reads back as meant, for every YAML reader the book uses."""
    new = YAML_RE.match(text)
    old = YAML_RE.match(template)
    assert new and old
    expected = {k: v for k, v in (_load(old.group(1), yaml.SafeLoader) or {}).items()}
    expected.update(title=title, attribution={"written_by": author})
    for loader in _LOADERS:
        if _load(new.group(1), loader) != expected:
            raise AssertionError(f"the new chapter's front matter does not read back as "
                                 f"{expected!r} with {loader.__name__}")


# --- The navigation ------------------------------------------------------------------------

_LIST_ITEM = re.compile(r"^(?P<indent>[ ]*)-[ ]+(?P<rest>.*?)[ \t]*$")
_SECTION = re.compile(r"""^(?P<q>['"]?)(?P<name>[^'"]+?)(?P=q)[ ]*:[ ]*(?:#.*)?$""")


@dataclass(frozen=True)
class NavInsertion:
    text: str  # the whole new mkdocs.yml
    line: int  # the inserted line's number (1-based)
    section: str  # the section's name in the navigation ("Chapters")
    already_listed: bool = False


def add_to_nav(config_text: str, entry: str, *, chapters_dir: str = CHAPTERS_DIR) -> NavInsertion:
    """`config_text` with `- <entry>` added as the last item of the chapters' section of `nav:`.

    The chapters' section is the `nav:` item whose own items list pages of `chapters_dir`
    (or, when it lists none yet, the one named "Chapters"). The new line has the indentation
    of the items above it; every other line is kept byte for byte.
    """
    lines = config_text.splitlines(keepends=True)
    nav = next((i for i, line in enumerate(lines)
                if re.match(r"nav[ ]*:[ ]*(#.*)?$", line.rstrip("\r\n"))), None)
    if nav is None:
        raise Refusal(f"{CONFIG}: has no 'nav:' section; add the chapter to the navigation by hand "
                      "(CONTRIBUTING.md, Add a new chapter)")
    end = nav + 1
    # The nav's lines: indented, comments, blank lines, and items written at the left margin.
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t#-"):
        end += 1
    if any(_item_value(lines[i]) == entry for i in range(nav + 1, end)):
        return NavInsertion(config_text, 0, "", already_listed=True)
    sections = _sections(lines, nav + 1, end)
    prefix = chapters_dir.rstrip("/") + "/"
    chosen = next((s for s in sections if any((_item_value(lines[i]) or "").startswith(prefix)
                                             for i in s[2])), None)
    chosen = chosen or next((s for s in sections if s[0] == "Chapters"), None)
    if chosen is None:
        raise Refusal(f"{CONFIG}: no section of 'nav:' lists the chapters (a '- Chapters:' item "
                      "with the chapters below it); add the chapter to the navigation by hand")
    name, _, items = chosen
    if not items:
        raise Refusal(f"{CONFIG}: the '{name}' section of 'nav:' has no items to line the chapter "
                      "up with; add the chapter below it by hand")
    indent = _LIST_ITEM.match(lines[items[0]]).group("indent")  # type: ignore[union-attr]
    # After the last line of the section's last item (its own nested lines included), before any
    # comments or blank lines that follow it.
    last = items[-1]
    for i in range(last + 1, end):
        stripped = lines[i].strip()
        if not stripped:
            continue
        if len(lines[i]) - len(lines[i].lstrip(" ")) <= len(indent):
            break
        if not stripped.startswith("#"):
            last = i
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"  # as the file's own lines end
    if not lines[last].endswith(("\n", "\r")):
        lines[last] += newline  # a file without a final line break gets one before the new line
    new_line = f"{indent}- {entry}{newline}"
    lines.insert(last + 1, new_line)
    return NavInsertion("".join(lines), last + 2, name)


def _item_value(line: str) -> str | None:
    """A nav item's page (`- page.md` or `- Title: page.md`), or None for other lines."""
    item = _LIST_ITEM.match(line.rstrip("\r\n"))
    if not item:
        return None
    rest = re.sub(r"[ ]+#.*$", "", item.group("rest"))
    value = rest.split(": ", 1)[1] if ": " in rest else rest
    return value.strip().strip("'\"") or None


def _sections(lines: Sequence[str], start: int, end: int) -> list[tuple[str, int, list[int]]]:
    """The nav's sections: (name, line of `- Name:`, lines of its direct items)."""
    found: list[tuple[str, int, list[int]]] = []
    for i in range(start, end):
        item = _LIST_ITEM.match(lines[i].rstrip("\r\n"))
        section = _SECTION.match(item.group("rest")) if item else None
        if not item or not section:
            continue
        depth = len(item.group("indent"))
        items: list[int] = []
        child_depth: int | None = None
        for j in range(i + 1, end):
            stripped = lines[j].strip()
            if not stripped or stripped.startswith("#"):
                continue
            indent = len(lines[j]) - len(lines[j].lstrip(" "))
            if indent <= depth:
                break
            child = _LIST_ITEM.match(lines[j].rstrip("\r\n"))
            if child and child_depth is None:
                child_depth = len(child.group("indent"))
            if child and len(child.group("indent")) == child_depth:
                items.append(j)
        found.append((section.group("name"), i, items))
    return found


def verify_nav(old_text: str, new: NavInsertion, entry: str) -> None:
    """The new mkdocs.yml: one line more, every other line as it was, and MkDocs reads the
    chapter as the last item of the section, the rest of the configuration unchanged."""
    old_lines = old_text.splitlines()
    new_lines = new.text.splitlines()
    if new_lines[: new.line - 1] + new_lines[new.line:] != old_lines:
        raise AssertionError("mkdocs.yml: lines other than the new one changed")
    before, after = _mkdocs_yaml(old_text), _mkdocs_yaml(new.text)
    expected = _with_entry(before.get("nav"), new.section, entry)
    if after.get("nav") != expected or {k: v for k, v in after.items() if k != "nav"} != {
        k: v for k, v in before.items() if k != "nav"
    }:
        raise AssertionError(f"mkdocs.yml: MkDocs does not read {entry} as the last item of "
                             f"'{new.section}'")


def _with_entry(nav: Any, section: str, entry: str) -> Any:
    """`nav` with `entry` appended to the first section named `section`, at any depth."""
    done = False

    def walk(items: Any) -> Any:
        nonlocal done
        if not isinstance(items, list):
            return items
        out = []
        for item in items:
            if not done and isinstance(item, dict) and list(item) == [section] and isinstance(item[section], list):
                done = True
                item = {section: [*item[section], entry]}
            elif isinstance(item, dict):
                item = {k: walk(v) for k, v in item.items()}
            out.append(item)
        return out

    return walk(nav)


def _mkdocs_yaml(text: str) -> Any:
    from mkdocs.utils.yaml import yaml_load  # MkDocs' own reader (!ENV and !relative tags)

    return yaml_load(text)


# --- Files -------------------------------------------------------------------------------------


def write_atomically(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Write to a temporary file beside `path`, then rename it into place (never half a file).

    With `exclusive`, refuse if `path` appeared meanwhile instead of replacing it.
    """
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, 0o666 & ~_umask())
        if exclusive:
            try:
                os.link(temporary, path)  # fails if the file exists: never overwrite a chapter
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links: checked just before, then
                if path.exists():
                    raise FileExistsError(path) from None
                os.replace(temporary, path)
            else:
                os.unlink(temporary)
        else:
            os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def git_user_name(root: Path) -> str:
    try:
        result = subprocess.run(["git", "config", "user.name"], cwd=root, capture_output=True,
                                text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def chapter_settings(config: Any, docs_dir: Path) -> tuple[str, str]:
    """The chapters' folder and the chapter template, as the build reads and checks them
    (hooks/ebook/model/settings.py); a wrong one is refused with the build's own message."""
    _import_the_package()
    from mkdocs.exceptions import PluginError

    from ebook.model.settings import parse_chapter_settings

    extra = config.get("extra") if isinstance(config, dict) else None
    try:
        return parse_chapter_settings(extra.get("book") if isinstance(extra, dict) else None,
                                      CONFIG.name, docs_dir=str(docs_dir))
    except PluginError as error:
        raise Refusal(str(error).rstrip(".")) from None


@dataclass(frozen=True)
class Result:
    chapter: Path  # relative to the root
    nav: NavInsertion
    author: str
    placeholder_author: bool


def new_chapter(root: Path, title: str, author: str = "", slug: str = "") -> Result:
    """Create the chapter and list it in the navigation; refuse (Refusal) before writing anything
    if either cannot be done."""
    title = clean_title(title)
    if not title:
        raise Refusal('TITLE is empty: give the chapter\'s title, e.g. make chapter TITLE="Active '
                      'Listening"')
    problems = _title_problems(title)
    if problems:
        raise Refusal(f"TITLE: {problems[0]}")
    config_text = (root / CONFIG).read_text(encoding="utf-8")
    try:
        config = _mkdocs_yaml(config_text)
    except Exception as error:  # MkDocs' ConfigurationError, with the line at fault
        message = " ".join(str(error).split())
        raise Refusal(f"{CONFIG}: MkDocs cannot read it ({message}); fix it first") from None
    docs_dir = config.get("docs_dir") if isinstance(config, dict) else None
    docs = Path(docs_dir.strip("/") if isinstance(docs_dir, str) and docs_dir.strip("/") else "docs")
    chapters_dir, template_path = chapter_settings(config, root / docs)
    template = (root / template_path).read_text(encoding="utf-8")
    slug = slug.strip().removesuffix(".md")  # the file's name, as some will give it
    if slug and not is_slug(slug):
        raise Refusal(f"SLUG={slug!r} is not a file name for a chapter: use lower-case ASCII "
                      f"letters and digits in words joined by hyphens, at most {SLUG_MAX} "
                      "characters, e.g. SLUG=active-listening")
    slug = slug or slugify(title)
    if not slug:
        raise Refusal(f"TITLE {title!r} has no Latin letters or digits to name the file with: "
                      "give a file name too, e.g. SLUG=active-listening")
    chapter = docs / chapters_dir / f"{slug}.md"
    if (root / chapter).exists():
        raise Refusal(f"{chapter.as_posix()} already exists: edit that file, or choose another "
                      "title (or SLUG=…) for a new chapter")
    placeholder = template_author(template)
    author = " ".join(author.split()) or placeholder
    text = chapter_from_template(template, title, author)
    entry = f"{chapters_dir}/{slug}.md"
    nav = add_to_nav(config_text, entry, chapters_dir=chapters_dir)
    if not nav.already_listed:
        verify_nav(config_text, nav, entry)
    (root / chapter).parent.mkdir(parents=True, exist_ok=True)
    try:
        write_atomically(root / chapter, text, exclusive=True)
    except FileExistsError:
        raise Refusal(f"{chapter.as_posix()} already exists: edit that file, or choose another "
                      "title (or SLUG=…) for a new chapter") from None
    if not nav.already_listed:
        write_atomically(root / CONFIG, nav.text)
    return Result(chapter, nav, author, author == placeholder)


def _import_the_package() -> None:
    """Make the generator's package importable, from where MkDocs finds it when it loads the hooks."""
    hooks = str(ROOT / "hooks")
    if hooks not in sys.path:
        sys.path.insert(0, hooks)


def _title_problems(title: str) -> list[str]:
    """What the chapter checks would say against this title (hooks/ebook/checks/front_matter.py), said now."""
    _import_the_package()
    from ebook.checks.front_matter import plain_text_problems

    return list(plain_text_problems("title", title))


def report(result: Result, title: str) -> str:
    """What was done, and the next steps."""
    chapter = result.chapter.as_posix()
    lines = [f"Created {chapter}: \"{clean_title(title)}\", written by {result.author}."]
    if result.nav.already_listed:
        lines.append(f"{CONFIG} already lists it under nav:, left as it was.")
    else:
        lines.append(f"Added it to {CONFIG}, line {result.nav.line}: last in the "
                     f"'{result.nav.section}' section of nav: (move the line up to place it "
                     "elsewhere in reading order).")
    steps = [f"Write the chapter in {chapter}: replace the template's example text and boxes "
             "with your own."]
    steps.append("Replace the description (the sentences under 'description:' at the top) with "
                 "one or two sentences about this chapter.")
    if result.placeholder_author:
        steps.append(f"Put your name in place of '{result.author}' under 'attribution:' (next "
                     "time, make chapter puts it there with AUTHOR=\"…\").")
    steps.append("make serve           preview it at http://127.0.0.1:8000 (the chapter checks "
                 "report what still needs fixing).")
    # As CONTRIBUTING.md says: the checks of a change to pages, on this computer, in about a minute.
    steps.append("make check-content   before you open the pull request: it builds the book, lints "
                 "it and runs the tests a page can break (about a minute). Then commit the chapter, "
                 f"{CONFIG} and any picture it shows (in docs/images/) together.")
    lines.append("Next:")
    lines += [f"  {n}. {step}" for n, step in enumerate(steps, start=1)]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--title", default=os.environ.get("TITLE", ""))
    parser.add_argument("--author", default=os.environ.get("AUTHOR", ""))
    parser.add_argument("--slug", default=os.environ.get("SLUG", ""))
    parser.add_argument("--root", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    author = args.author or git_user_name(args.root)
    try:
        result = new_chapter(args.root, args.title, author, args.slug)
    except Refusal as refusal:
        print(f"make chapter: {refusal}", file=sys.stderr)
        return 1
    print(report(result, args.title))
    return 0


if __name__ == "__main__":
    sys.exit(main())
