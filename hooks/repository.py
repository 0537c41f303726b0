"""Repository: "Edit this page" and "View source" links only when the repository's address is
known (ebook/site/repository.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkdocs.plugins import event_priority

from ebook.site import repository

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


# Priority 100: before print-site's on_config, which builds its print page's edit link.
@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    config.edit_uri = repository.edit_uri(config.repo_url, config.edit_uri)
    return config
