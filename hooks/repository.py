"""Repository: each page's links to its source, and its "last updated" date, from git.

- "Edit this page" and "View source" links appear only when the repository's address is known
  (`REPO_URL` in the environment). `mkdocs.yml` gives `edit_uri` a default (the `main` branch's
  `docs/` folder) so that `REPO_URL` alone is enough; without `REPO_URL` MkDocs would warn on every
  page that the edit path is not a full address, so the default is dropped here.
- The "last updated" date comes from mkdocs-git-revision-date-localized-plugin. In a shallow
  clone (CI checks out one commit by default) a page's date is that of the oldest commit the
  clone has, which is the same for every build of that commit; the plugin still logs a warning
  there that `--strict` would turn into a failed build, so that one warning is lowered to info
  here. Deployments that want exact dates fetch the full history.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

# The plugin's module that warns about shallow clones on CI services (see its ci.py).
SHALLOW_CLONE_LOGGER = "mkdocs.plugins.mkdocs_git_revision_date_localized_plugin.ci"


# --- MkDocs events ---------------------------------------------------------------------------


def on_startup(command: str, dirty: bool) -> None:
    logger = logging.getLogger(SHALLOW_CLONE_LOGGER)
    if not any(isinstance(f, ShallowCloneNotice) for f in logger.filters):
        logger.addFilter(ShallowCloneNotice())


# Priority 100: before print-site's on_config, which builds its print page's edit link.
@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    config.edit_uri = edit_uri(config.repo_url, config.edit_uri)
    return config


# --- Logic -----------------------------------------------------------------------------------


def edit_uri(repo_url: str | None, configured: str | None) -> str | None:
    """The edit path to use: the configured one when there is a repository, else none."""
    if not repo_url:
        return None
    return configured


class ShallowCloneNotice(logging.Filter):
    """Logs the plugin's shallow-clone advice as information, not as a warning.

    Works around mkdocs-git-revision-date-localized-plugin logging that advice with
    `logger.warning` whatever its own `strict: false` option says, which fails `--strict`
    builds in every shallow CI checkout.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING:
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True
