"""Accessibility: correct the markup Material for MkDocs 9.8 gets wrong, on every built page. Entry points only: the logic is in ebook/a11y.py."""

from ebook.site.a11y import on_post_page, on_post_template, on_post_build

__all__ = ['on_post_page', 'on_post_template', 'on_post_build']
