"""Chapter lists: the home page and the chapters' page list the chapters by themselves. Entry points only: the logic is in ebook/chapter_list.py."""

from ebook.site.chapter_list import on_nav, on_page_markdown

__all__ = ['on_nav', 'on_page_markdown']
