"""Repository: each page's links to its source.

"Edit this page" and "View source" links appear only when the repository's address is known
(`REPO_URL` in the environment). `mkdocs.yml` gives `edit_uri` a default (the `main` branch's
`docs/` folder) so that `REPO_URL` alone is enough; without `REPO_URL` MkDocs would warn on every
page that the edit path is not a full address, so the default is dropped (`edit_uri`, which
hooks/repository.py applies before print-site reads it).
"""

from __future__ import annotations


def edit_uri(repo_url: str | None, configured: str | None) -> str | None:
    """The edit path to use: the configured one when there is a repository, else none."""
    if not repo_url:
        return None
    return configured

