"""The print page: print-site renders it with the site's own template environment. Entry points only: the logic is in ebook/print_page.py."""

from ebook.site.print_page import on_config, on_env, on_post_template, on_post_build, on_build_error

__all__ = ['on_config', 'on_env', 'on_post_template', 'on_post_build', 'on_build_error']
