"""Offline edition: the whole site in a zip that opens from a USB stick, search included.

In the book's build, `on_post_build` runs a second `mkdocs build` of the same mkdocs.yml into a
temporary folder, with two environment variables set for it alone:

- `BOOK_OFFLINE=true` turns on Material's `offline` plugin (mkdocs.yml): pages are linked as
  `…/index.html` files and the search index is inlined as a script, so the site works when
  opened from `file://`;
- `BOOK_EXPORTS=0` turns this hook's export and the EPUB off inside it, so nothing recurses.

The second build's output is zipped reproducibly, inside one folder, into
`site/downloads/<book-slug>-offline.zip`.

Inside that second build (the offline plugin on), this hook also:

- serves the project's own copy of Material's iframe-worker shim (`hooks/vendor/iframe-worker/`)
  instead of the plugin's link to unpkg.com: no request leaves the reader's computer, and
  search works without a network;
- copies the book build's downloads written so far (PDFs, EPUB) into the offline site, so its
  download links work (the path comes in `BOOK_OFFLINE_DOWNLOADS`);
- turns links to the offline edition itself into text: the edition cannot contain itself.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

# MkDocs puts this hook's folder on sys.path while loading it; tests put it there too.
import export_files
from export_files import book_slug, exports_enabled

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

CONFIG_FILE = "mkdocs.yml"
OFFLINE_PLUGIN = "material/offline"
SHIM_SOURCE = Path(__file__).with_name("vendor") / "iframe-worker" / "shim.js"
SHIM_URI = "assets/javascripts/iframe-worker/shim.js"
DOWNLOADS_ENV = "BOOK_OFFLINE_DOWNLOADS"
log = logging.getLogger("mkdocs.plugins.offline")


# --- MkDocs events ---------------------------------------------------------------------------

_export = False  # this build makes the offline edition
_offline = False  # this build is the offline edition


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _export, _offline
    plugin = config.plugins.get(OFFLINE_PLUGIN)
    if plugin is None:
        raise PluginError(
            f"{CONFIG_FILE}: plugins has no 'offline' entry; the offline edition needs it: "
            "add `- offline: {enabled: !ENV [BOOK_OFFLINE, false]}` before print-site."
        )
    _offline = bool(plugin.config.enabled)
    _export = exports_enabled(os.environ)
    if _offline:
        config.extra["polyfills"] = local_polyfills(config.extra.get("polyfills", []))
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    # Declared even with BOOK_EXPORTS=0, so links to it are checked like links to any page.
    export_files.declare_download(files, config, f"downloads/{book_slug(config.site_name)}-offline.zip")
    if _offline:
        files.append(File.generated(config, SHIM_URI, abs_src_path=str(SHIM_SOURCE)))
    return files


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if not _offline:
        return output
    return unlink_self(output, f"downloads/{book_slug(config.site_name)}-offline.zip")


def on_post_build(config: MkDocsConfig) -> None:
    site_dir = Path(config.site_dir)
    slug = book_slug(config.site_name)
    dest = site_dir / "downloads" / f"{slug}-offline.zip"
    if _offline and os.environ.get(DOWNLOADS_ENV):
        copy_downloads(Path(os.environ[DOWNLOADS_ENV]), site_dir / "downloads", leave_out=dest.name)
    if not _export:
        return
    with tempfile.TemporaryDirectory(prefix="offline-edition-") as work:
        offline_site = Path(work) / "site"
        build_offline_site(Path(config.config_file_path), offline_site, downloads=site_dir / "downloads")
        with export_files.written_in_one_step(dest) as temporary:
            export_files.zip_folder(offline_site, temporary, root=f"{slug}-offline",
                                    when=export_files.build_time(os.environ))
    log.info(f"Offline edition written: downloads/{dest.name} ({dest.stat().st_size // 1024} KB)")


# --- The second build ------------------------------------------------------------------------


def offline_build_env(environ: Mapping[str, str], downloads: Path) -> dict[str, str]:
    return {**environ, "BOOK_OFFLINE": "true", "BOOK_EXPORTS": "0", DOWNLOADS_ENV: str(downloads)}


def build_offline_site(config_file: Path, site_dir: Path, *, downloads: Path) -> None:
    """Build the site again with the offline plugin on, into `site_dir`."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(config_file), "-d", str(site_dir)],
        capture_output=True, text=True, cwd=config_file.parent,
        env=offline_build_env(os.environ, downloads),
    )
    if result.returncode != 0:
        raise PluginError(
            "The offline edition's build failed (the site built with BOOK_OFFLINE=true); "
            f"its messages:\n{result.stderr.strip()[-4000:]}"
        )


def local_polyfills(polyfills: list[object]) -> list[object]:
    """The page scripts, with Material's link to the iframe-worker shim on unpkg.com replaced
    by the copy the offline site carries (`SHIM_URI`)."""
    return [SHIM_URI if "iframe-worker" in str(script) else script for script in polyfills]


def copy_downloads(source: Path, target: Path, *, leave_out: str) -> None:
    """Copy the book build's finished downloads into the offline site, but an older offline
    edition (`leave_out`, left there by `mkdocs serve` or `--dirty`)."""
    if not source.is_dir():
        raise PluginError(f"{DOWNLOADS_ENV}={source}: not a folder; it must name the book build's downloads.")
    for path in sorted(source.rglob("*")):
        # ".<name>.part": still being written.
        if path.is_file() and not path.name.startswith(".") and path.name != leave_out:
            dest = target / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)


def unlink_self(page_html: str, self_path: str) -> str:
    """Links to the offline edition's own zip become their text: it cannot contain itself."""
    pattern = re.compile(
        r'<a\b[^>]*\bdata-download="' + re.escape(self_path) + r'"[^>]*>(.*?)</a>', re.S
    )
    return pattern.sub(r"<span>\1 (this copy)</span>", page_html)
