"""The navigation's links are rendered once per address instead of once per page. Entry points only: the logic is in ebook/nav_links.py."""

from ebook.site.nav_links import on_env

__all__ = ['on_env']
