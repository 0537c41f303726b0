"""The print page: print-site renders it with the site's own template environment.

print-site's `on_post_build` asks the theme for a new Jinja environment (`config.theme.get_env()`)
to render its combined page. That new environment lacks what hooks add to the site's in
`on_env` (the book's "Download PDF" link, `ebook/pdf/`), so the print page went without it,
and it compiles Material's templates a second time (a quarter of a second in every build).

From `on_env` until the build ends, the theme hands out the environment MkDocs renders the pages
with (`share_environment`, from hooks/print_page.py; `SharedEnvironment.share` again in the
preview's rebuild of one page). MkDocs asks for its environment once, before `on_env`, so only
print-site is served the shared one. No option of print-site or MkDocs does this; the theme's
own `get_env` is back in place after the build, or when it fails.

print-site makes each page's heading and footnote ids unique on the print page with
`update_anchor_ids`, whose pattern backtracks over every line of every page, and which copies
the whole page once per id: about a third of a second at 200 chapters, in every build. Here it
runs on only the lines that hold an id (`only_lines_with_ids`), with the same result: tests compare
the two on every page of the book and on generated HTML. This is done only for the print-site
release they compared.

print-site renders its page with the context of the 404 page, whose `base_url` is the site's
root (`/`): Material's scripts then looked for the search index at the root of the reader's disk
in the offline edition. Once the 404 page is written, that context's `base_url` becomes the print
page's own way back to the site's root, as on every other page (`print_page_context`); and since
that context has no page's credit in its head, the print page gets the book's: the licence's
`<link rel="license">` and this edition's schema.org data (ebook/site/attribution.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import mkdocs_print_site_plugin
from markupsafe import Markup
from mkdocs.utils import get_relative_url
from mkdocs_print_site_plugin import urls as print_site_urls

from ebook.model import state
from ebook.site import attribution

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.theme import Theme

# The print-site release whose update_anchor_ids the tests compare only_lines_with_ids with.
PRINT_SITE_COMPARED = "2.9"
RELEASED = "released_update_anchor_ids"  # where print-site's own function is kept


def use_only_lines_with_ids() -> None:
    """Have print-site run its `update_anchor_ids` on the lines with an id only (for the release
    the tests compared; once per process is enough, and a second time changes nothing)."""
    if mkdocs_print_site_plugin.__version__ == PRINT_SITE_COMPARED:
        # setdefault: in `mkdocs serve`, an earlier build has already put ours in its place.
        released = vars(print_site_urls).setdefault(RELEASED, print_site_urls.update_anchor_ids)
        print_site_urls.update_anchor_ids = partial(only_lines_with_ids, released)


@dataclass(frozen=True)
class SharedEnvironment:
    """A theme whose `get_env` hands out the site's environment `env`, from `share` to `restore`."""

    theme: Theme
    env: jinja2.Environment

    def share(self) -> None:
        """Make `theme.get_env()` return `env` (an attribute of this theme object alone). Done in
        `on_env`, and again by the preview's rebuild of one page before the plugins'
        `on_post_build`, in which print-site renders its page and hooks/print_page.py's, after
        it, calls `restore` (ebook/preview/builder.py)."""
        env = self.env
        self.theme.get_env = lambda: env  # type: ignore[method-assign]

    def restore(self) -> None:
        vars(self.theme).pop("get_env", None)  # the class's own method shows through again


def share_environment(config: MkDocsConfig, env: jinja2.Environment) -> SharedEnvironment:
    """Have this build's theme hand out `env` until `restore`; kept for the build in
    `ebook.model.state`, where the preview finds it to share it again."""
    shared = state.keep(config, SharedEnvironment(config.theme, env))
    shared.share()
    return shared


def print_page_file(config: MkDocsConfig) -> Path | None:
    """Where print-site wrote its print page in this build, if it did."""
    print_page = getattr(config.plugins.get("print-site"), "print_page", None)
    return None if print_page is None else Path(print_page.file.abs_dest_path)


def complete_print_page(config: MkDocsConfig, fix: Callable[[str], str]) -> None:
    """Apply `fix` to this build's print page, if print-site wrote one (hooks/a11y.py and
    hooks/csp.py complete it so, after print-site's `on_post_build`)."""
    if (path := print_page_file(config)) is not None:
        path.write_text(fix(path.read_text(encoding="utf-8")), encoding="utf-8")


def print_page_context(config: MkDocsConfig) -> None:
    """Give the context print-site kept from the 404 page the print page's own `base_url`, and
    the head every page of the book has: the licence's link and the schema.org data, here this
    edition's as a whole (once the 404 page is written)."""
    plugin = config.plugins.get("print-site")
    context = getattr(plugin, "context", {})
    print_page = getattr(plugin, "print_page", None)
    if context and print_page is not None:
        context["base_url"] = get_relative_url(".", print_page.file.url)
        # For overrides/main.html, as hooks/attribution.py gives each page its own.
        context["attribution_head"] = Markup(attribution.render_book_head(state.book_of(config).credits))


_HAS_ID = re.compile(r"id=\"", flags=re.IGNORECASE)


def only_lines_with_ids(update_anchor_ids: Callable[[str, str], str], page_html: str,
                        page_key: str) -> str:
    """print-site's `update_anchor_ids(page_html, page_key)`, run on the lines that hold an id.

    Its pattern (`<tag ... id="..." ...>`, case-insensitive) cannot match across a line break,
    and it replaces only text its pattern matched, so the other lines cannot change.
    """
    lines = page_html.split("\n")
    with_ids = [n for n, line in enumerate(lines) if _HAS_ID.search(line)]
    if not with_ids:
        return page_html
    updated = update_anchor_ids("\n".join(lines[n] for n in with_ids), page_key).split("\n")
    for n, line in zip(with_ids, updated, strict=True):
        lines[n] = line
    return "\n".join(lines)
