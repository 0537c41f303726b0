"""The preview's builder: a whole build, kept in memory, and rebuilds of one edited page.

A whole build is MkDocs' own (`mkdocs.commands.build.build`, step by step, so that the
configuration, files, navigation, template environment and every plugin's and hook's state are
kept). After it, an edit that changes only the body of pages (the same files, front matter and
title; the same configuration, templates and hooks) rebuilds only what shows that body:

- the page itself: its page events, Markdown, the checks of its source and rendering, its
  template and the file written;
- "My reflections" when the page is a chapter (it lists every chapter's prompts);
- the page's entries of the search index, in their place;
- what MkDocs' plugins and the hooks finish after the pages (`on_post_build`): the search
  index, the print page (every page's content, the edited one's new), the download links.

Anything else builds the whole book again (`sources.compare` says why, case by case), as does a
rebuild of one page that finds its title changed (from its first heading: every page's
navigation shows it). What the checks refuse (HTML that would run a script, a file that must not
be read) stops a rebuild, of one page or of the whole book, before anything is written, saying
where; the site served stays the last one, and no edit shows, until it is removed. So does any
other failure of a whole build once the book has been served (a template with a mistake in it,
a hook that fails): the site served is put back as it was (`_kept_site`), where MkDocs' server
would hold every request until a build succeeds, and the preview looks stuck.

The neighbours' links, the navigation and the chapter lists show titles and front matter only,
which such an edit leaves as they were. tests/test_preview_incremental.py compares every file
of the preview, after random edits of every kind, with a clean build of the same sources.

What the hooks keep of a build, each hook's object kept for the build in `ebook.model.state`
(`state.kept`), is brought up to date page by page through its public methods: the checks'
(`CheckRun.replace_page`: the page's source checked again, its record replaced; then
`CheckRun.problems`, listed as after a whole build), the journal's (it reads the chapter's
prompts again as the page converts; `Journal.reflections_url` names the page that lists them),
and the print page's (`SharedEnvironment.share`: the site's template environment shared again
for print-site's `on_post_build`; hooks/print_page.py's ends the sharing).

MkDocs has no public API to build one page: `_populate_page` and `_build_page` are its own
private steps (tests/test_preview_incremental.py pins the MkDocs version they were read from).
"""

from __future__ import annotations

import logging
import os
import shutil
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from mkdocs import utils
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, BuildError
from mkdocs.structure.files import InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page

from ebook.checks.problems import Source, format_problems
from ebook.checks.run import CheckRun
from ebook.model import state
from ebook.preview.sources import Change, Snapshot, compare
from ebook.site.journal import Journal
from ebook.site.print_page import SharedEnvironment

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation

log = logging.getLogger("mkdocs.plugins.ebook.preview")

KEPT_AS_BEFORE = ("Until that is removed, the preview shows no edit of any page: it goes on showing "
                  "the book as it was before.")


@dataclass
class Built:
    """What the last whole build left, for the rebuilds of single pages after it."""

    config: MkDocsConfig
    files: Files
    nav: Navigation
    env: jinja2.Environment
    snapshot: Snapshot


class RefusedHtml(Exception):
    """A page has HTML the checks refuse (the message lists where): nothing is written."""


class OnePageRebuildFailed(Exception):
    """This edit needs the whole book built again (the reason is the message)."""


class PreviewBuilder:
    """Builds the preview into `site_dir`, whole or page by page (see the module's docstring)."""

    def __init__(self, config_file: str | None, site_dir: str, serve_url: str = "", **options: Any) -> None:
        """`options`: the settings given on the command line (strict, dev_addr), as `mkdocs serve`
        passes them to `load_config`; `serve_url` is the site's address in the preview."""
        self.config_file = config_file
        self.site_dir = site_dir
        self.serve_url = serve_url
        self.options = options
        self.built: Built | None = None
        self.served = False  # a whole build has written the site the preview serves
        self.started = False
        self.last_change = Change()  # what the last rebuild found, for the log and the tests
        # Pages whose last rebuild the checks refused: rebuilt with the next change even if their
        # source is back as the last build read it (the refusal is kept until then).
        self.refused: tuple[str, ...] = ()
        CheckRun.told_in_preview = False  # a preview starts with nothing told

    def load_config(self) -> MkDocsConfig:
        """The configuration as `mkdocs serve` loads it, read again for each whole build."""
        config = load_config(config_file=self.config_file, site_dir=self.site_dir, **self.options)
        if not self.started:
            config.plugins.on_startup(command="serve", dirty=False)
            self.started = True
        if self.serve_url:
            config.site_url = self.serve_url
        return config

    def __call__(self) -> None:
        """Rebuild what changed since the last build (LiveReloadServer's builder)."""
        start = time.monotonic()
        snapshot = Snapshot.take(self.built.config) if self.built else None
        change = compare(self.built.snapshot, snapshot) if self.built and snapshot \
            else Change(full_build="no complete build to start from")
        if self.refused and not change.full_build:
            change = Change(pages=tuple(dict.fromkeys(change.pages + self.refused)))
        self.last_change = change
        if not change.full_build and not change.pages:
            return
        if not change.full_build and snapshot:
            try:
                rebuilt = self.rebuild_pages(change.pages, snapshot)
                self.refused = () if rebuilt else change.pages
                if rebuilt:
                    log.info("Rebuilt %s in %.2f seconds", ", ".join(change.pages), time.monotonic() - start)
                return
            except OnePageRebuildFailed as reason:
                change = Change(full_build=str(reason))
        log.info("Building the whole book (%s)", change.full_build)
        self.refused = ()  # a whole build reads every page again
        self.build_all(self.load_config())

    # --- The whole book ------------------------------------------------------------------------

    def build_all(self, config: MkDocsConfig) -> None:
        """MkDocs' `build` (mkdocs/commands/build.py, 1.6), keeping what it makes."""
        self.built = None  # until this build ends well, no page is rebuilt on top of it
        snapshot = Snapshot.take(config)  # before reading: an edit during the build is seen next time
        inclusion = InclusionLevel.is_in_serve
        kept: Path | None = None
        try:
            with strict_mode(config):
                config = config.plugins.on_config(config)
                config.plugins.on_pre_build(config=config)
                files = get_files(config)
                env = config.theme.get_env()
                files.add_files_from_theme(env, config)
                files = config.plugins.on_files(files, config=config)
                set_exclusions(files, config)
                nav = get_navigation(files, config)
                nav = config.plugins.on_nav(nav, config=config, files=files)
                for file in files.documentation_pages(inclusion=inclusion):
                    if file.page is None and file.inclusion.is_not_in_nav():  # type: ignore[no-untyped-call]
                        Page(None, file, config)
                    assert file.page is not None
                    mkdocs_build._populate_page(file.page, config, files)
                env = config.plugins.on_env(env, config=config, files=files)
                # Emptied only now, once the checks have read and converted every page (MkDocs
                # empties it first): a build they stop leaves the last site served.
                if self.served:
                    kept = _kept_site(config.site_dir)
                utils.clean_directory(config.site_dir)
                files.copy_static_files(inclusion=inclusion)
                for template in config.theme.static_templates:
                    mkdocs_build._build_theme_template(template, env, files, config, nav)
                for template in config.extra_templates:
                    mkdocs_build._build_extra_template(template, files, config, nav)
                doc_files = files.documentation_pages(inclusion=inclusion)
                for file in doc_files:
                    assert file.page is not None
                    mkdocs_build._build_page(file.page, config, doc_files, nav, env,
                                             excluded=file.inclusion.is_excluded())  # type: ignore[no-untyped-call]
                for file in doc_files:
                    assert file.page is not None
                    file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
                config.plugins.on_post_build(config=config)
        except Exception as error:
            if not self.served:  # the first build: the preview stops, saying why
                config.plugins.on_build_error(error=error)
                if isinstance(error, BuildError):
                    log.error(str(error))
                    raise Abort("Aborted with a BuildError!") from error
                raise
            # MkDocs' server would hold every request after a build that fails, until one
            # succeeds: the last site stays served instead (put back if it was emptied), and the
            # next change builds the whole book again.
            if kept is not None:
                _put_back(kept, config.site_dir)
            message, location_only = _failure(error, Path(config.config_file_path).parent)
            log.error("%s\n%s", message, KEPT_AS_BEFORE, exc_info=None if location_only else error)
            try:
                config.plugins.on_build_error(error=error)
            except Exception as failed:  # noqa: BLE001 - told, and the site served stays
                log.error("A plugin failed after the build did: %r", failed)
            return
        finally:
            if kept is not None:
                shutil.rmtree(kept, ignore_errors=True)
        self.built = Built(config, files, nav, env, snapshot)
        self.served = True

    # --- One page --------------------------------------------------------------------------------

    def rebuild_pages(self, src_uris: tuple[str, ...], snapshot: Snapshot) -> bool:
        """Rebuild the pages whose body changed, and what shows them (see the module's docstring);
        `snapshot`: the sources they were read from. False if the checks refused their HTML:
        nothing was rebuilt."""
        built = self.built
        assert built is not None
        config, files = built.config, built.files
        pages = [self._page(src_uri) for src_uri in src_uris]
        book = state.book_of(config)
        if any(book.is_chapter(page.file.src_uri) for page in pages):
            reflections = self._reflections_page()
            if reflections is not None and reflections not in pages:
                pages.append(reflections)
        self.built = None  # a failure halfway leaves pages of two builds: the next build is whole
        with strict_mode(config):
            try:
                for page in pages:
                    _populate(built, page)
                # Once every page is read again: a page put back as it was takes its refusal away.
                checks = state.kept(config, CheckRun)
                if checks is not None and (refused_html := checks.refused_html()):
                    raise RefusedHtml(format_problems(sorted(set(refused_html))))
            except RefusedHtml as refused:
                # As a whole build, stop before any page is written. Unlike it, end well: the
                # last build stays served, the page as it was (MkDocs' server holds every request
                # after a build that fails, until one succeeds), and is built on once the HTML
                # is gone. The snapshot stays the last one's: every page edited since is read
                # again then.
                self.built = built
                log.error("%s\n%s", refused, KEPT_AS_BEFORE)
                CheckRun.told_in_preview = True
                return False
            # MkDocs' own warnings (a link to a missing page, picture or section) are told as it
            # finds them, beside the checks' list: counted, so none is taken for "no problem".
            with _warnings_counted() as warned:
                for page in pages:
                    _render(built, page)  # first: the edited page is served as soon as it is written
                # Every page's links to sections, as after a whole build: another page's may lead
                # to a heading of these that is gone.
                for file in files.documentation_pages(inclusion=InclusionLevel.is_in_serve):
                    if file.page is not None:
                        file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
            # What the checks list after a whole build (CheckRun.env), with these pages' new
            # findings: the raw HTML links between pages are checked against every page.
            checks = state.kept(config, CheckRun)
            if checks is not None:
                checks.tell_in_preview(checks.problems(), others_told=bool(warned.get_counts()))
            shared = state.kept(config, SharedEnvironment)
            if shared is not None:  # as from on_env in a whole build, until on_post_build ends it
                shared.share()
            config.plugins.on_post_build(config=config)
        built.snapshot = snapshot
        self.built = built
        return True

    def _page(self, src_uri: str) -> Page:
        assert self.built is not None
        file = self.built.files.get_file_from_path(src_uri)
        if file is None or file.page is None:
            raise OnePageRebuildFailed(f"{src_uri} is not a page of the last build")
        return file.page

    def _reflections_page(self) -> Page | None:
        assert self.built is not None
        journal = state.kept(self.built.config, Journal)  # None: the book's build has no journal
        if journal is None or journal.reflections_url is None:
            return None
        return next((f.page for f in self.built.files.documentation_pages()
                     if f.page is not None and f.page.url == journal.reflections_url), None)


KEPT_FOLDER = ".preview-kept"  # in the site's folder: hidden, so MkDocs empties the folder around it


def _kept_site(site_dir: str) -> Path | None:
    """A copy of the site served, to put back if the build that empties it fails: hard links (the
    build writes new files, so the links keep the old ones), copies where the file system has
    none. Inside the site's folder, which the preview removes however it stops; None, with a
    warning, if it cannot be made (the build goes on without it)."""
    kept = Path(site_dir) / KEPT_FOLDER

    def link(source: str, target: str) -> None:
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)

    try:
        shutil.rmtree(kept, ignore_errors=True)  # one left by a preview stopped while it copied
        shutil.copytree(site_dir, kept, copy_function=link, ignore=lambda folder, names:
                        [name for name in names if name.startswith(".")] if folder == site_dir else [])
    except OSError as error:
        shutil.rmtree(kept, ignore_errors=True)
        log.warning("The preview could not keep a copy of the book it shows (%s): if this build "
                    "fails, the preview waits until one succeeds.", error.strerror or error)
        return None
    return kept


def _put_back(kept: Path, site_dir: str) -> None:
    """The kept copy made the site again (MkDocs empties all but hidden names; so does this)."""
    utils.clean_directory(site_dir)
    for entry in kept.iterdir():
        os.replace(entry, Path(site_dir) / entry.name)


def _failure(error: Exception, book: Path) -> tuple[str, bool]:
    """What a failed build says, and whether that is all there is to tell (else its traceback
    follows): a BuildError's message (the checks', MkDocs'); a template's mistake with its file
    (from the book's folder) and line; else the error."""
    if isinstance(error, BuildError):
        return str(error), True
    if isinstance(error, jinja2.TemplateError):
        if isinstance(error, jinja2.TemplateSyntaxError):
            place: tuple[str | None, int | None] = (error.filename, error.lineno)
        else:  # the last template the error came through
            frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(".html")]
            place = (frames[-1].filename, frames[-1].lineno) if frames else (None, None)
        if place[0] is not None:
            file = Path(place[0])
            shown = file.relative_to(book).as_posix() if file.is_relative_to(book) else file.name
            said = f"no template named {error.name}" if isinstance(error, jinja2.TemplateNotFound) else error.message
            return f"{shown}:{place[1]}: {said or type(error).__name__}", True
    return f"The book could not be built: {error!r}", False


def _populate(built: Built, page: Page) -> None:
    """The page's source checked and converted, as in a whole build; the checks' record of it
    replaced (what they refuse is told once every page is read: `rebuild_pages`)."""
    config, files = built.config, built.files
    checks = state.kept(config, CheckRun)  # None: the book's build has no checks
    src_uri = page.file.src_uri
    source = Source(src_uri=src_uri, url=page.file.url, raw=page.file.content_bytes)
    if checks is not None and not checks.replace_page(source):
        raise OnePageRebuildFailed(f"{src_uri} cannot be read")  # the whole build says why
    title = page.title
    mkdocs_build._populate_page(page, config, files)
    if page.title != title:
        raise OnePageRebuildFailed(f"the title of {src_uri} changed")


def _render(built: Built, page: Page) -> None:
    """The page's template rendered and written; its search entries where they were."""
    search = built.config.plugins.get("material/search") or built.config.plugins.get("search")
    index = getattr(search, "search_index", None)
    entries: list[dict[str, Any]] = index.entries if index is not None else []
    at = next((i for i, e in enumerate(entries) if _of_page(e, page.url)), len(entries))
    entries[:] = [e for e in entries if not _of_page(e, page.url)]
    before = len(entries)
    doc_files = built.files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
    mkdocs_build._build_page(page, built.config, doc_files, built.nav, built.env,
                             excluded=page.file.inclusion.is_excluded())  # type: ignore[no-untyped-call]
    new = entries[before:]  # the search plugin appended the page's new entries
    del entries[before:]
    entries[at:at] = new


@contextmanager
def _warnings_counted() -> Iterator[utils.CountHandler]:
    """What MkDocs and the plugins warn of meanwhile, counted."""
    logger = logging.getLogger("mkdocs")
    counter = utils.CountHandler()
    counter.setLevel(logging.WARNING)
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)


@contextmanager
def strict_mode(config: MkDocsConfig) -> Iterator[None]:
    """With `strict`, stop the build once it is done if anything warned (MkDocs' `build`)."""
    logger = logging.getLogger("mkdocs")
    counter = utils.CountHandler()
    counter.setLevel(logging.WARNING)
    if config.strict:
        logger.addHandler(counter)
    try:
        yield
    finally:
        logger.removeHandler(counter)
    if counts := counter.get_counts():
        message = ", ".join(f"{v} {k.lower()}s" for k, v in counts)
        raise Abort(f"Aborted with {message} in strict mode!")


def _of_page(entry: dict[str, Any], url: str) -> bool:
    location = str(entry.get("location", ""))
    return location == url or location.startswith(f"{url}#")
