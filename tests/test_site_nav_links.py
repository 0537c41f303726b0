"""The navigation's links, each rendered once per address (hooks/nav_links.py), are Material's own."""

from __future__ import annotations

from pathlib import Path

import material

from tests.helpers import BOOK_BUILD_ENV, ROOT, make_fixture_project, mkdocs_build, page_html_path, soup

MATERIALS_PARTIAL = Path(material.__file__).parent / "templates" / "partials" / "nav-item.html"
OUR_PARTIAL = ROOT / "overrides" / "partials" / "nav-item.html"

# Material's link to a page other than the one being rendered...
MATERIALS_LINK = """\
  {% else %}
    <li class="{{ class }}">
      <a href="{{ nav_item.url | url }}" class="md-nav__link">
        {{ render_content(nav_item) }}
      </a>
    </li>
  {% endif %}"""


def test_our_partial_is_materials_own_but_for_the_link_rendered_once() -> None:
    # Fails after an upgrade of Material that changes its partial: copy it to overrides/partials/
    # again (after the comment at the top) and put the book's link in place of Material's.
    materials = MATERIALS_PARTIAL.read_text(encoding="utf-8")
    assert materials.count(MATERIALS_LINK) == 1, "Material's link to another page has changed"
    our_comment, _, ours = OUR_PARTIAL.read_text(encoding="utf-8").partition("-#}\n")
    assert "hooks/nav_links.py" in our_comment
    # The book's link: from Material's `{% else %}` to the `{% endif %}` after the kept link is
    # written (`{{- link }}`); what it renders, the build test below compares.
    start = ours.index("  {% else %}\n    {#- The book: ")
    end = ours.index("{%- endif %}", ours.index("{{- link }}", start)) + len("{%- endif %}")
    assert ours[:start] + MATERIALS_LINK + ours[end:] == materials


def test_every_file_of_the_site_is_as_materials_own_partial_makes_it(tmp_path: Path) -> None:
    env = {"BOOK_EXPORTS": "0", "SOURCE_DATE_EPOCH": BOOK_BUILD_ENV["SOURCE_DATE_EPOCH"]}
    sites = {}
    for partial in ("ours", "materials"):
        config = make_fixture_project("navigation-depths", tmp_path / partial)
        if partial == "materials":
            (config.parent / "overrides" / "partials" / "nav-item.html").unlink()
        sites[partial] = config.parent / "site"
        result = mkdocs_build(config, sites[partial], env)
        assert result.returncode == 0, result.stderr
    site, materials_site = sites["ours"], sites["materials"]

    # The same link to the notes page is written differently from each folder: a link kept from
    # one page of the wrong folder would show here.
    hrefs = {uri: {a["href"] for a in soup(page_html_path(site, uri)).select(".md-nav--primary a")
                   if a.get_text(strip=True) == "Notes"}
             for uri in ("index.md", "guide/first.md", "guide/deeper/second.md")}
    assert hrefs == {"index.md": {"notes/"}, "guide/first.md": {"../../notes/"},
                     "guide/deeper/second.md": {"../../../notes/"}}

    files = sorted(path.relative_to(site) for path in site.rglob("*") if path.is_file())
    assert files == sorted(path.relative_to(materials_site) for path in materials_site.rglob("*") if path.is_file())
    for name in files:
        assert (site / name).read_bytes() == (materials_site / name).read_bytes(), name
