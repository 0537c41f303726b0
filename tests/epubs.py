"""Reading an EPUB the way a reading system does: container, package, spine, navigation."""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from lxml import etree

from tests.helpers import normalise

NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "epub": "http://www.idpf.org/2007/ops",
}


class Epub:
    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as archive:
            self.files = {name: archive.read(name) for name in archive.namelist()}
        container = etree.fromstring(self.files["META-INF/container.xml"])
        self.opf_path = container.find(".//c:rootfile", NS).get("full-path")
        self.opf = etree.fromstring(self.files[self.opf_path])
        self.base = posixpath.dirname(self.opf_path)
        self.manifest = {item.get("id"): item for item in self.opf.iterfind(".//opf:manifest/opf:item", NS)}

    def path_of(self, href: str) -> str:
        return posixpath.normpath(posixpath.join(self.base, href))

    def xml(self, path: str) -> etree._Element:
        return etree.fromstring(self.files[path])

    def dc(self, name: str) -> list[str]:
        return [el.text for el in self.opf.iterfind(f".//opf:metadata/dc:{name}", NS)]

    def meta(self, prop: str) -> list[str]:
        return [el.text for el in self.opf.iterfind(f".//opf:metadata/opf:meta[@property='{prop}']", NS)]

    def spine(self) -> list[str]:
        """The reading order: paths of the spine's documents."""
        return [self.path_of(self.manifest[ref.get("idref")].get("href"))
                for ref in self.opf.iterfind(".//opf:spine/opf:itemref", NS)]

    def nav_path(self) -> str:
        (nav,) = [i for i in self.manifest.values() if "nav" in (i.get("properties") or "").split()]
        return self.path_of(nav.get("href"))

    def toc(self) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """The table of contents: (label, target path#fragment, [its sections]) per entry."""
        nav_path = self.nav_path()
        toc = self.xml(nav_path).find(".//x:nav[@epub:type='toc']", NS)

        def entry(li: etree._Element) -> tuple[str, str]:
            a = li.find("x:a", NS)
            return normalise("".join(a.itertext())), posixpath.normpath(posixpath.join(posixpath.dirname(nav_path), a.get("href")))

        return [(*entry(li), [entry(sub) for sub in li.iterfind("x:ol/x:li", NS)])
                for li in toc.iterfind("x:ol/x:li", NS)]

    def chapters(self) -> list[tuple[str, etree._Element]]:
        """The spine's documents that hold a chapter section, in reading order."""
        found = []
        for path in self.spine():
            root = self.xml(path)
            if root.find(".//x:section[@epub:type='chapter']", NS) is not None:
                found.append((path, root))
        return found


def text_of(element: etree._Element) -> str:
    return normalise(" ".join(element.itertext()))

