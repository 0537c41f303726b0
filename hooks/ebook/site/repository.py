"""Repository: each page's links to its source.

"Edit this page" and "View source" links appear only when the repository's address is known
(`REPO_URL` in the environment). `mkdocs.yml` gives `edit_uri` a default (the `main` branch's
`docs/` folder) so that `REPO_URL` alone is enough; without `REPO_URL` MkDocs would warn on every
page that the edit path is not a full address, so the default is dropped here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


# --- MkDocs events ---------------------------------------------------------------------------


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

