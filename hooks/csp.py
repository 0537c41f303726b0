"""Content-Security-Policy: every page, the 404 page and the print page carry the policy that
has the browser refuse script the templates did not write, and any other host
(ebook/site/csp.py)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from ebook.model import state
from ebook.site import csp, print_page

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

_policy: csp.SitePolicy | None = None  # this build's


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    global _policy
    env.globals["content_security_policy"] = csp.policy(serving=state.serving())
    _policy = csp.site_policy(env, config, serving=state.serving())
    return env


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    assert _policy is not None
    return _policy.protect(output, where=f"docs/{page.file.src_uri}")


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    if template_name != "404.html":
        return output_content
    assert _policy is not None
    return _policy.protect(output_content, where="the 404 page")


def on_post_build(config: MkDocsConfig) -> None:  # print-site wrote its page in its own, before
    assert _policy is not None
    print_page.complete_print_page(config, partial(_policy.protect, where="the print page", own_head=True))
