"""EPUB 3: the book for e-readers and phones, made from the chapter HTML the site shows. Entry points only: the logic is in ebook/epub.py."""

from ebook.epub.export import on_config, on_files, on_nav, on_page_content, on_post_build

__all__ = ['on_config', 'on_files', 'on_nav', 'on_page_content', 'on_post_build']
