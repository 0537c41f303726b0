"""Downloads: the index of every downloadable file, and the links to them on the website. Entry points only: the logic is in ebook/downloads.py."""

from ebook.downloads import on_config, on_nav, on_page_context, on_post_build

__all__ = ['on_config', 'on_nav', 'on_page_context', 'on_post_build']
