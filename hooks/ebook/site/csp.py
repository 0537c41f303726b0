"""Content-Security-Policy: the browser itself refuses script and other hosts on every page.

The chapter checks keep script and third-party requests out of the pages; this policy is the
second wall, for whatever they miss. Every page of the site, the 404 page, print-site's print
page and the offline edition's pages carry it as a `<meta http-equiv>` right after
`<meta charset>`, before anything that loads or runs (`overrides/partials/page-meta.html`
writes it; the policy in a later element would come too late for what precedes it).

Scripts run only from the site's own files, and the few inline scripts the book's templates
write, each allowed by its SHA-256 hash: Material's (their text holds the page's relative
address, so their hashes differ from page to page), print-site's on the print page, and in the
offline edition the script the iframe-worker shim writes into its frame. An inline script or
event handler anywhere else (a chapter, a navigation title) is refused. Nothing is fetched
from another host: styles, images, fonts, frames, workers and requests from scripts come from
the site itself (images also from `data:` addresses, which Material's icons use); plugins,
`<base>` and form submissions are refused outright. Style attributes are refused but for the
one pages hold, a table column's alignment, allowed by hash (`'unsafe-hashes'`). The preview
(`mkdocs serve`) allows inline scripts, for its live reload (see `policy`).

The hashes are those of the scripts Material's partials render for the page
(`partials/javascripts/*.html`, rendered once per build with a placeholder for the page's
address), not of every script the page holds: a chapter's `<script>` is never allowed. The
print page's `<head>`, which only the templates and print-site write, has its scripts and its
one stylesheet allowed as they are. The documents the PDFs are printed from carry a policy of
their own, with no script at all (`document_policy`, which `overrides/print/base.html` writes
and the EPUB's documents carry too). `frame-ancestors`, `sandbox` and reporting cannot be set
from a `<meta>` element, so they are not.

hooks/csp.py completes the policy of pages in `on_post_page`, of the 404 page in
`on_post_template`, and of the print page, which print-site writes in its own `on_post_build`,
in `on_post_build` (listed after `a11y.py`, which moves a stylesheet into its head, and before
`pdf.py`), each with the build's `SitePolicy`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import FileSystemLoader
from mkdocs.exceptions import PluginError

from ebook.checks import html_allowlist

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig

# What the templates write, and what `SitePolicy.protect` completes with the page's hashes.
META_OPEN = '<meta http-equiv="Content-Security-Policy" content="'
# The offline edition's copy of Material's iframe-worker shim (ebook/offline.py serves it).
SHIM_SOURCE = Path(__file__).parents[1] / "vendor" / "iframe-worker" / "shim.js"
SHIM_NAME = "iframe-worker"
THEME_SCRIPTS = "partials/javascripts/"
_BASE = "\x00base\x00"  # stands for the page's relative address while the partials render


# --- One build's pages -----------------------------------------------------------------------


@dataclass(frozen=True)
class SitePolicy:
    """What the policies of one build's pages allow (hooks/csp.py makes one in each build)."""

    theme_scripts: tuple[str, ...]  # Material's inline scripts, with _BASE for the address
    shim: str | None  # the shim's source, in a build that loads it (the offline edition)
    serving: bool  # `mkdocs serve`: its live reload is an inline script (see policy)

    def protect(self, html: str, *, where: str, own_head: bool = False) -> str:
        """The page with its policy completed: the hashes of the inline scripts its templates
        wrote (and, with `own_head`, of every script and stylesheet in its head)."""
        config = page_config(html, where=where)
        scripts = page_theme_scripts(html, self.theme_scripts, base=config["base"])
        if self.shim is not None:
            scripts.append(shim_frame_script(self.shim, worker_url=config["search"]))
        styles: list[str] = []
        if own_head:
            if "</head>" not in html:  # all of it would be taken for the head, a chapter's script too
                raise PluginError(f"{where}: no </head>; update hooks/ebook/site/csp.py.")
            head = html[:html.index("</head>")]
            scripts += inline_elements(head, "script")
            styles += inline_elements(head, "style")
        return with_policy(html, policy(scripts=scripts, styles=styles, serving=self.serving), where=where)


def site_policy(env: jinja2.Environment, config: MkDocsConfig, *, serving: bool) -> SitePolicy:
    """The policy of this build's pages, from the templates' scripts as rendered for this site."""
    polyfills = config.extra.get("polyfills", [])
    shim = SHIM_SOURCE.read_text(encoding="utf-8") \
        if any(SHIM_NAME in str(script) for script in polyfills) else None
    return SitePolicy(theme_scripts(env, config), shim, serving)


# --- The policy ------------------------------------------------------------------------------


def policy(*, scripts: Iterable[str] = (), styles: Iterable[str] = (), serving: bool = False) -> str:
    """The policy's text, allowing the inline scripts and stylesheets given by their text.

    `serving`: the preview's policy. `mkdocs serve` adds to every page, as it serves it, an
    inline script that reloads the page when a file is saved, different at every request, so
    no hash can allow it: the preview allows inline scripts (and only it; the chapter checks
    never let a page with script be previewed, ebook/checks/html_allowlist.py).
    """
    extra = {
        "script-src": ["'unsafe-inline'"] if serving else [source_hash(s) for s in scripts],
        "style-src": [source_hash(s) for s in styles] + ["'unsafe-hashes'", *map(source_hash, html_allowlist.ALIGNMENTS)],
    }
    return _text(POLICY, extra)


def document_policy() -> str:
    """The policy of the documents that run no script: those the PDFs are printed from, and the
    EPUB's."""
    return _text(DOCUMENT_POLICY)


def _text(directives: Sequence[tuple[str, Sequence[str]]], extra: Mapping[str, Sequence[str]] | None = None) -> str:
    return "; ".join(" ".join([name, *sources, *dict.fromkeys((extra or {}).get(name, []))])
                     for name, sources in directives)


def source_hash(text: str) -> str:
    """A CSP hash source: the SHA-256 of the element's text exactly as the browser reads it."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def with_policy(html: str, text: str, *, where: str) -> str:
    """The page with the content of the policy the template wrote replaced by `text`."""
    start = html.find(META_OPEN)
    head_end = html.find("</head>")
    if start == -1 or head_end < start:
        raise PluginError(
            f"{where}: no Content-Security-Policy <meta> in <head>; overrides/partials/page-meta.html "
            "writes it after <meta charset> (see hooks/ebook/site/csp.py)."
        )
    start += len(META_OPEN)
    end = html.index('"', start)
    return html[:start] + text + html[end:]


# --- The inline scripts the book writes ------------------------------------------------------


def theme_scripts(env: jinja2.Environment, config: MkDocsConfig) -> tuple[str, ...]:
    """The text of every inline script of Material's script partials, rendered as for this
    site, with `_BASE` where the page's relative address goes."""
    features = config.theme.get("features") or []
    texts: list[str] = []
    for name in script_partials(env):
        rendered = env.get_template(name).render(config=config, base_url=_BASE, features=features)
        texts += inline_elements(rendered, "script")
    return tuple(dict.fromkeys(texts))


def script_partials(env: jinja2.Environment) -> list[str]:
    """The names of the theme's script partials, sorted, as `env.list_templates` lists them,
    read from their own folders: the theme's folders hold thousands of icons to walk past."""
    loader = env.loader
    if not isinstance(loader, FileSystemLoader):
        return sorted(env.list_templates(filter_func=lambda n: n.startswith(THEME_SCRIPTS)))
    found: set[str] = set()
    for searchpath in loader.searchpath:  # as FileSystemLoader.list_templates names each file
        for folder, _, filenames in os.walk(os.path.join(searchpath, THEME_SCRIPTS), followlinks=loader.followlinks):
            found.update(os.path.join(folder, filename)[len(searchpath):].strip(os.path.sep).replace(os.path.sep, "/")
                         for filename in filenames)
    return sorted(found)


def page_theme_scripts(html: str, templates: Sequence[str], *, base: str) -> list[str]:
    """The scripts of `templates` that the page holds, with its relative address (`base`) in."""
    texts = (t.replace(_BASE, base) for t in templates)
    return [text for text in texts if f"<script>{text}</script>" in html]


_CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)


def page_config(html: str, *, where: str) -> Mapping[str, str]:
    """Material's configuration for the page's scripts (its last `#__config`, which Material
    writes after the content)."""
    found = _CONFIG.findall(html)
    if not found:
        raise PluginError(f"{where}: Material's #__config script is missing; update hooks/ebook/site/csp.py.")
    return json.loads(found[-1])  # type: ignore[no-any-return]


_ELEMENT = {name: re.compile(rf"<{name}\b([^>]*)>(.*?)</{name}>", re.S | re.I) for name in ("script", "style")}
_SRC = re.compile(r"\ssrc\s*=", re.I)


def inline_elements(html: str, name: str) -> list[str]:
    """The text of each inline `<script>` or `<style>` of markup the book's templates wrote
    (never a chapter's: this reads tags as written, not as a browser would)."""
    return [text for attributes, text in _ELEMENT[name].findall(html) if not _SRC.search(attributes)]


# The script the shim writes into its frame, where the search worker runs, from file:// pages.
_SHIM_DOCUMENT = re.compile(r"document\.write\(`<html><body><script>(.*?)<\\/script>")
_SHIM_SLOT = re.compile(r"\$\{(\w+)\}")


def shim_frame_script(shim: str, *, worker_url: str) -> str:
    """The inline script the iframe-worker shim writes into its frame for `new Worker(url)`.

    It is a template of the shim's source: `${name}` of one of the shim's functions becomes
    that function's source text (what JavaScript gives for a function in a string), and the
    constructor's argument becomes the worker's address as Material passes it (the page's
    `#__config` "search", relative).
    """
    found = _SHIM_DOCUMENT.search(shim)
    if found is None:
        raise PluginError(f"{SHIM_SOURCE.name}: the shim no longer writes its frame's script as the policy "
                          "expects; update shim_frame_script in hooks/ebook/site/csp.py.")

    def fill(slot: re.Match[str]) -> str:
        return function_source(shim, slot.group(1)) or worker_url

    return _SHIM_SLOT.sub(fill, found.group(1))


def function_source(source: str, name: str) -> str | None:
    """The text of `function name(…){…}` in minified JavaScript, or None (braces matched;
    enough for the shim, whose functions hold no brace in a string)."""
    start = source.find(f"function {name}(")
    if start == -1:
        return None
    depth, at = 0, source.index("{", start)
    for at in range(at, len(source)):
        depth += {"{": 1, "}": -1}.get(source[at], 0)
        if depth == 0:
            return source[start:at + 1]
    return None


# --- Data ------------------------------------------------------------------------------------


# Each directive with the sources it allows; script-src and style-src get the page's hashes.
POLICY: tuple[tuple[str, Sequence[str]], ...] = (
    ("default-src", ("'self'",)),
    ("script-src", ("'self'",)),
    ("style-src", ("'self'",)),
    ("img-src", ("'self'", "data:")),
    ("font-src", ("'self'",)),
    ("connect-src", ("'self'",)),
    ("object-src", ("'none'",)),
    ("base-uri", ("'none'",)),
    ("form-action", ("'none'",)),
)
# No script at all; inline styles stay (the print templates and the chapters' tables use them),
# and under default-src they fetch nothing.
DOCUMENT_POLICY: tuple[tuple[str, Sequence[str]], ...] = (
    ("default-src", ("'self'",)),
    ("script-src", ("'none'",)),
    ("style-src", ("'self'", "'unsafe-inline'")),
    ("img-src", ("'self'", "data:")),
    ("font-src", ("'self'",)),
    ("object-src", ("'none'",)),
    ("base-uri", ("'none'",)),
    ("form-action", ("'none'",)),
)
