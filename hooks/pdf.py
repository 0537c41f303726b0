"""PDFs: the whole book, a handout per chapter, a reflection worksheet per chapter. Entry points only: the logic is in ebook/pdf.py."""

from ebook.pdf.export import on_config, on_pre_build, on_build_error, on_env, on_page_content, on_page_context, on_post_build

__all__ = ['on_config', 'on_pre_build', 'on_build_error', 'on_env', 'on_page_content', 'on_page_context', 'on_post_build']
