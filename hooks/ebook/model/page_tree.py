"""The Markdown extension through which hooks read each page's tree as Python-Markdown builds it.

Not a hook: the chapter checks and the PDFs import it. Reading the tree spares a hook parsing
the page's HTML again; each reader says why its reading equals the HTML's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

if TYPE_CHECKING:
    from collections.abc import Iterable

    from mkdocs.config.defaults import MkDocsConfig

Reading = TypeVar("Reading")
Reader = TypeVar("Reader", bound="PageTreeReader[Any]")


class PageTreeReader(Extension, Generic[Reading]):
    """Reads each page's tree and keeps the reading until the hook takes it in `on_page_content`.

    The tree is read at priority 0: after Python-Markdown's treeprocessors and its extensions',
    and before MkDocs rewrites the page's links, since MkDocs registers its own treeprocessor at
    the same priority after the extensions. (A page Python-Markdown finds empty is not read.)
    """

    name = ""  # the treeprocessor's name, unique to each reader

    def __init__(self) -> None:
        super().__init__()
        self.kept: Reading | None = None

    def read(self, md: markdown.Markdown, root: Any) -> Reading:
        raise NotImplementedError

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.treeprocessors.register(_Read(md, self), self.name, 0)

    def take(self) -> Reading | None:
        """The reading of the page just rendered, once."""
        kept, self.kept = self.kept, None
        return kept

    @classmethod
    def in_config(cls: type[Reader], config: MkDocsConfig) -> Reader | None:
        """The build's reader of this class, once a hook's `on_config` has added it."""
        # Typed as names, the list also holds the extensions hooks added as objects.
        extensions: Iterable[object] = config.markdown_extensions
        return next((e for e in extensions if isinstance(e, cls)), None)


def holds_stashed_html(md: markdown.Markdown) -> bool:
    """Whether Python-Markdown kept part of the page aside (raw HTML, code blocks, some
    extensions' markup) to paste into its HTML after serializing: the tree is then not the
    whole page, and a reader must read its HTML instead."""
    return md.htmlStash.html_counter > 0


class _Read(Treeprocessor):
    def __init__(self, md: markdown.Markdown, reader: PageTreeReader[Any]) -> None:
        super().__init__(md)
        self.reader = reader

    def run(self, root: Any) -> None:
        self.reader.kept = self.reader.read(self.md, root)
