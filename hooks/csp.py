"""Content-Security-Policy: the browser itself refuses script and other hosts on every page. Entry points only: the logic is in ebook/csp.py."""

from ebook.site.csp import on_startup, on_env, on_post_page, on_post_template, on_post_build

__all__ = ['on_startup', 'on_env', 'on_post_page', 'on_post_template', 'on_post_build']
