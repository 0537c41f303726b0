"""Accessibility: every page, the 404 page and the print page get the corrections to the markup
Material and print-site get wrong (ebook/site/a11y.py), and task lists' checkboxes their names
(ebook/site/task_lists.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ebook.site import a11y, print_page, task_lists

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return task_lists.label_task_lists(html)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return a11y.fix_page(output, where=f"docs/{page.file.src_uri}")


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    if template_name != "404.html":
        return output_content
    return a11y.fix_page(output_content, where="the 404 page")


def on_post_build(config: MkDocsConfig) -> None:  # print-site wrote its page in its own, before
    print_page.complete_print_page(config, a11y.fix_print_page)
