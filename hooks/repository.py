"""Repository: each page's links to its source. Entry points only: the logic is in ebook/repository.py."""

from ebook.site.repository import on_config

__all__ = ['on_config']
