"""The policy of hooks/csp.py, without MkDocs: its text, the hashes, which scripts it allows."""

from __future__ import annotations

import base64
import hashlib

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError

from ebook.site import csp
from tests.helpers import ROOT

SCOPE = '__md_scope=new URL("\x00base\x00",location)'  # a template as theme_scripts returns it
CONFIG = '<script id="__config" type="application/json">{"base": "../..", "search": "../../w.js"}</script>'


def page(body: str, *, head: str = "") -> str:
    return (f'<html><head><meta charset="utf-8">{csp.META_OPEN}{csp.policy()}">{head}</head>'
            f"<body>{body}{CONFIG}</body></html>")


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def policy_of(html: str) -> dict[str, list[str]]:
    content = html.split(csp.META_OPEN, 1)[1].split('"', 1)[0]
    return {d.split()[0]: d.split()[1:] for d in content.split("; ")}


def test_the_policy_allows_the_site_itself_and_no_inline_script_without_a_hash() -> None:
    directives = policy_of(page(""))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["connect-src"] == ["'self'"]
    assert directives["object-src"] == directives["base-uri"] == directives["form-action"] == ["'none'"]
    assert "'unsafe-inline'" not in str(directives) and "'unsafe-eval'" not in str(directives)


def test_a_hash_is_the_sha256_of_the_exact_text() -> None:
    assert csp.source_hash("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    assert csp.source_hash("é ") == sha256("é ")


def test_the_theme_s_scripts_are_allowed_with_the_page_s_own_address_and_a_chapter_s_are_not() -> None:
    theme = '__md_scope=new URL("../..",location)'
    html = page(f"<script>{theme}</script><article><script>alert(1)</script>"
                f"<script>{theme.replace('../..', 'x')}</script></article>")
    found = csp.page_theme_scripts(html, [SCOPE, "absent()"], base="../..")
    assert found == [theme]
    allowed = policy_of(csp.with_policy(html, csp.policy(scripts=found), where="x"))["script-src"]
    assert allowed == ["'self'", sha256(theme)]


def test_a_build_s_policy_allows_the_page_s_theme_scripts_and_in_the_preview_any_inline_script() -> None:
    theme = '__md_scope=new URL("../..",location)'
    html = page(f"<script>{theme}</script><article><script>alert(1)</script></article>")
    built = csp.SitePolicy(theme_scripts=(SCOPE,), shim=None, serving=False)
    assert policy_of(built.protect(html, where="x"))["script-src"] == ["'self'", sha256(theme)]
    previewed = csp.SitePolicy(theme_scripts=(SCOPE,), shim=None, serving=True)
    assert policy_of(previewed.protect(html, where="x"))["script-src"] == ["'self'", "'unsafe-inline'"]
    with pytest.raises(PluginError, match=r"the print page: no </head>"):
        built.protect(html.replace("</head>", ""), where="the print page", own_head=True)


def test_the_print_page_s_head_scripts_and_style_are_allowed() -> None:
    head = '<script type="text/javascript">\n  generate_toc();\n</script><style>h1{}</style><script src="a.js"></script>'
    assert csp.inline_elements(head, "script") == ["\n  generate_toc();\n"]
    assert csp.inline_elements(head, "style") == ["h1{}"]


def test_a_page_without_the_template_s_policy_stops_the_build_naming_it() -> None:
    with pytest.raises(PluginError, match=r"docs/x\.md: no Content-Security-Policy <meta> in <head>"):
        csp.with_policy("<html><head></head><body></body></html>", csp.policy(), where="docs/x.md")
    late = f'<html><head></head><body>{csp.META_OPEN}x"></body></html>'
    with pytest.raises(PluginError, match="no Content-Security-Policy"):
        csp.with_policy(late, csp.policy(), where="docs/x.md")


def test_the_policy_is_replaced_not_added_when_a_page_is_protected_twice() -> None:
    html = csp.with_policy(page(""), csp.policy(scripts=["a"]), where="x")
    again = csp.with_policy(html, csp.policy(scripts=["b"]), where="x")
    assert again.count(csp.META_OPEN) == 1 and policy_of(again)["script-src"] == ["'self'", sha256("b")]


def test_the_shim_s_frame_script_holds_its_functions_source_and_the_worker_s_address() -> None:
    shim = ('(()=>{function c(s,n){parent.postMessage(s,n||"*")}function d(...s){return s.reduce((n,e)=>'
            'n.then(()=>{}),1)}var o=class{constructor(e){this.w.document.write(`<html><body><script>'
            'postMessage=${c};importScripts=${d};f("${e}")<\\/script><script src=${e}><\\/script>`)}}})();')
    assert csp.shim_frame_script(shim, worker_url="../w.js") == (
        'postMessage=function c(s,n){parent.postMessage(s,n||"*")};'
        'importScripts=function d(...s){return s.reduce((n,e)=>n.then(()=>{}),1)};f("../w.js")')


def test_the_project_s_shim_still_writes_its_frame_as_expected() -> None:
    script = csp.shim_frame_script(csp.SHIM_SOURCE.read_text(encoding="utf-8"), worker_url="w.js")
    assert script.startswith("postMessage=function c(") and 'filename:"w.js"' in script
    with pytest.raises(PluginError, match="update shim_frame_script"):
        csp.shim_frame_script("var x=1", worker_url="w.js")


def test_the_documents_the_pdfs_are_printed_from_allow_no_script_and_no_other_host() -> None:
    template = (ROOT / "overrides" / "print" / "base.html").read_text(encoding="utf-8")
    head = template.split("<head>", 1)[1].split("</head>", 1)[0]
    assert head.index(csp.META_OPEN) < min(head.index("<link"), head.index("<style"))
    assert f'{csp.META_OPEN}{{{{ document_policy }}}}"' in head  # the one the EPUB has too
    directives = policy_of(f'{csp.META_OPEN}{csp.document_policy()}">')
    assert directives["script-src"] == ["'none'"] and directives["default-src"] == ["'self'"]
    assert all(source in ("'self'", "'none'", "data:", "'unsafe-inline'")
               for name, sources in directives.items() for source in sources)


def test_the_script_partials_are_those_the_themes_list_of_templates_names() -> None:
    env = load_config(str(ROOT / "mkdocs.yml")).theme.get_env()
    listed = sorted(env.list_templates(filter_func=lambda name: name.startswith(csp.THEME_SCRIPTS)))
    assert "partials/javascripts/base.html" in listed  # Material's, and the book's own below
    assert "partials/javascripts/reading-settings.html" in listed
    assert csp.script_partials(env) == listed
