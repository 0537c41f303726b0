"""Generate test books of N chapters from the real chapter, for the benchmark.

Chapter 1 is the real chapter; chapters 2..N are copies with distinct titles and slugs, so
every feature (admonitions, attribution, reflection prompts, handouts, worksheets) is exercised
at scale. The book uses the project's own mkdocs.yml, hooks and overrides, and is a checkout as
a contributor has it: a git repository (the pages' "last updated" dates come from git) whose
hooks' bytecode is compiled, as after a first build.
"""

from __future__ import annotations

import compileall
import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml
from mkdocs.utils.yaml import yaml_load

ROOT = Path(__file__).resolve().parent.parent
REAL_CHAPTER = "chapters/connection-disconnection-reconnection.md"


def chapter_copy(text: str, number: int) -> str:
    """The real chapter with a distinct title (front matter and heading)."""
    suffix = f" (copy {number:03d})"
    text = re.sub(r"^title: (.+)$", lambda m: f"title: {m.group(1)}{suffix}", text, count=1, flags=re.M)
    return re.sub(r"^# (.+)$", lambda m: f"# {m.group(1)}{suffix}", text, count=1, flags=re.M)


def generate_book(dest: Path, chapters: int) -> Path:
    """Write a book of `chapters` chapters into `dest`; return its mkdocs.yml."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(ROOT / "docs", dest / "docs")
    # Everything the configuration names: the hooks, the theme's overrides, the chapter template.
    for folder in ("hooks", "overrides", "templates"):
        shutil.copytree(ROOT / folder, dest / folder)
    real = (ROOT / "docs" / REAL_CHAPTER).read_text(encoding="utf-8")
    uris = [REAL_CHAPTER]
    for number in range(2, chapters + 1):
        uri = f"chapters/connection-disconnection-reconnection-{number:03d}.md"
        (dest / "docs" / uri).write_text(chapter_copy(real, number), encoding="utf-8")
        uris.append(uri)
    config_file = dest / "mkdocs.yml"
    config_file.write_text(with_chapters((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), uris),
                           encoding="utf-8")
    commit_all(dest)
    compileall.compile_dir(dest / "hooks", quiet=1)
    return config_file


def commit_all(repository: Path) -> None:
    """Make `repository` a git repository with everything in one commit (no user settings)."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_DATE": "2024-01-01T12:00:00Z", "GIT_COMMITTER_DATE": "2024-01-01T12:00:00Z"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "The book"]):
        subprocess.run(["git", "-c", "user.name=Benchmark", "-c", "user.email=benchmark@example.org",
                        "-c", "init.defaultBranch=main", *args],
                       cwd=repository, env=env, check=True, capture_output=True)


def with_chapters(config_text: str, chapter_uris: list[str]) -> str:
    """The project's mkdocs.yml with the real chapter's navigation entry replaced by a list of
    chapters. Edited as text: loading and writing the YAML again would resolve its `!ENV` tags
    (the site's address, the offline edition's switch) once and for all."""
    entry = re.search(rf"^(?P<indent>[ \t]*)- {re.escape(REAL_CHAPTER)}\n", config_text, re.M)
    if entry is None:
        raise SystemExit(f"mkdocs.yml: no navigation entry '- {REAL_CHAPTER}' to replace.")
    lines = "".join(f"{entry['indent']}- {uri}\n" for uri in chapter_uris)
    return config_text[: entry.start()] + lines + config_text[entry.end():]


def bare_config(book_config: Path) -> Path:
    """The bare engine on the same Markdown: Material, the same extensions, nothing else."""
    with open(book_config, encoding="utf-8") as f:
        config = yaml_load(f)
    bare = {
        "site_name": config["site_name"],
        "docs_dir": "docs",
        "theme": {"name": "material", "font": False},
        "markdown_extensions": config["markdown_extensions"],
        "plugins": ["search"],
        "nav": config["nav"],
    }
    path = book_config.parent / "bare.yml"
    path.write_text(yaml.safe_dump(bare, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def peer_config(book_config: Path) -> Path:
    """The peer: the bare configuration plus mkdocs-to-pdf (WeasyPrint) making a book PDF."""
    config = yaml.safe_load(bare_config(book_config).read_text(encoding="utf-8"))
    config["plugins"] = ["search", {"to-pdf": {"output_path": "downloads/book.pdf"}}]
    path = book_config.parent / "peer.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
