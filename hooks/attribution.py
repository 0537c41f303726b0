"""Attribution: every page credits the original work (title, author, source, licence). Entry points only: the logic is in ebook/attribution.py."""

from ebook.attribution import on_config, on_page_content, on_page_context

__all__ = ['on_config', 'on_page_content', 'on_page_context']
