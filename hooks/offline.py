"""Offline edition: the whole site in a zip that opens from a USB stick, search included. Entry points only: the logic is in ebook/offline.py."""

from ebook.offline import on_config, on_files, on_post_page, on_pre_build, on_build_error, on_post_build

__all__ = ['on_config', 'on_files', 'on_post_page', 'on_pre_build', 'on_build_error', 'on_post_build']
