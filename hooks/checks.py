"""Chapter checks: a contributor's mistake stops the build with every problem listed at once. Entry points only: the logic is in ebook/checks.py."""

from ebook.checks.book import on_startup, on_config, on_pre_build, on_page_content, on_env

__all__ = ['on_startup', 'on_config', 'on_pre_build', 'on_page_content', 'on_env']
