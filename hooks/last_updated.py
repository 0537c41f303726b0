"""Last updated: each page's date, from the last git commit that changed its source file. Entry points only: the logic is in ebook/last_updated.py."""

from ebook.site.last_updated import on_files, on_page_context

__all__ = ['on_files', 'on_page_context']
