"""The links of the navigation's sections, each rendered once for the pages that show it the same
(hooks/nav_links.py), are Material's own."""

from __future__ import annotations

from pathlib import Path

import material
import pytest

from ebook.site.nav_links import ReadingPlace, reading_place
from tests.helpers import BOOK_BUILD_ENV, ROOT, make_fixture_project, mkdocs_build, page_html_path, soup

MATERIALS_PARTIAL = Path(material.__file__).parent / "templates" / "partials" / "nav-item.html"
OUR_PARTIAL = ROOT / "overrides" / "partials" / "nav-item.html"

# Material's list of a section's children...
MATERIALS_LIST = """\
          <ul class="md-nav__list" data-md-scrollfix>
            {% for item in nav_item.children %}
              {% if not index or item != index %}
                {{ render(item, path ~ "_" ~ loop.index, level + 1, nav_item) }}
              {% endif %}"""


def test_our_partial_is_materials_own_but_for_the_links_kept() -> None:
    # Fails after an upgrade of Material that changes its partial: copy it to overrides/partials/
    # again (after the comment at the top) and put the book's list back in place of Material's.
    materials = MATERIALS_PARTIAL.read_text(encoding="utf-8")
    assert materials.count(MATERIALS_LIST) == 1, "Material's list of a section's children has changed"
    our_comment, _, ours = OUR_PARTIAL.read_text(encoding="utf-8").partition("-#}\n")
    assert "hooks/nav_links.py" in our_comment
    # The book's list: from the same <ul> to the `{% endif %}` after a child is written; what it
    # renders, the build tests below compare.
    start = ours.index(MATERIALS_LIST.splitlines()[0])
    end = ours.index("{% endif %}", ours.index("nav_links.keep(", start)) + len("{% endif %}")
    assert ours[:start] + MATERIALS_LIST + ours[end:] == materials


@pytest.mark.parametrize(("page", "place"), [
    ("guide/first/", ReadingPlace("guide", beside=True)),      # a page as a folder: beside its siblings
    ("guide/", ReadingPlace("", beside=True)),
    ("guide/first.html", ReadingPlace("guide", beside=False)),  # a page as a file (the offline edition): its folder
    ("index.html", ReadingPlace("", beside=False)),
    ("", ReadingPlace("", beside=False)),                       # the home page as a folder: the site's root
])
def test_pages_read_addresses_from_their_folder(page: str, place: ReadingPlace) -> None:
    assert reading_place(page) == place


# Addresses as folders ("guide/first/", the site's), and as files ("guide/first.html", the offline
# edition's, which Material's offline plugin turns on).
@pytest.mark.parametrize("addresses", ["folders", "files"])
def test_every_file_of_the_site_is_as_materials_own_partial_makes_it(tmp_path: Path, addresses: str) -> None:
    env = {"BOOK_EXPORTS": "0", "SOURCE_DATE_EPOCH": BOOK_BUILD_ENV["SOURCE_DATE_EPOCH"],
           **({"BOOK_OFFLINE": "true"} if addresses == "files" else {})}
    sites = {}
    for partial in ("ours", "materials"):
        config = make_fixture_project("navigation-depths", tmp_path / partial)
        if partial == "materials":
            (config.parent / "overrides" / "partials" / "nav-item.html").unlink()
        sites[partial] = config.parent / "site"
        result = mkdocs_build(config, sites[partial], env)
        assert result.returncode == 0, result.stderr
    site, materials_site = sites["ours"], sites["materials"]

    # The same link in a section is written differently from each folder, and from the section's
    # index page, above it: a link kept from a page of the wrong place would show here.
    built = {"index.md": "index.html", "guide/index.md": "guide/index.html", "notes.md": "notes.html",
             "extra/aside.md": "extra/aside.html", "guide/deeper/second.md": "guide/deeper/second.html"}
    hrefs = {uri: {a["href"] for a in soup(page_html_path(site, uri) if addresses == "folders" else site / html)
                   .select(".md-nav--primary a") if a.get_text(strip=True) == "First steps"}
             for uri, html in built.items()}
    assert hrefs == ({"index.md": {"guide/first/"}, "guide/index.md": {"first/"}, "notes.md": {"../guide/first/"},
                      "extra/aside.md": {"../../guide/first/"}, "guide/deeper/second.md": {"../../first/"}}
                     if addresses == "folders" else
                     {"index.md": {"guide/first.html"}, "guide/index.md": {"first.html"},
                      "notes.md": {"guide/first.html"}, "extra/aside.md": {"../guide/first.html"},
                      "guide/deeper/second.md": {"../first.html"}})

    files = sorted(path.relative_to(site) for path in site.rglob("*") if path.is_file())
    assert files == sorted(path.relative_to(materials_site) for path in materials_site.rglob("*") if path.is_file())
    for name in files:
        assert (site / name).read_bytes() == (materials_site / name).read_bytes(), name
