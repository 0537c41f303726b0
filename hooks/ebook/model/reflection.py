"""Whether a chapter's content has reflection prompts: the items of the list in its reflection
box. A chapter with prompts gets a worksheet (ebook/pdf/reflection.py prints it), so the PDFs
ask this of every chapter, and the chapter checks ask it of every chapter a page links the
worksheet of: one rule, here, read from the page's HTML (`has_reflection_prompts`) or from the
tree Python-Markdown builds (`tree_has_prompts`), which a test compares on every page.
"""

from __future__ import annotations

from typing import Any

from lxml import etree as lxml_etree
from lxml import html as lxml_html

# A reflection box, as an XPath test of an element: a Material admonition or a collapsible block
# of the reflection's class.
_BOX = ("(self::div[contains(concat(' ', normalize-space(@class), ' '), ' admonition ')] or self::details)"
        " and contains(concat(' ', normalize-space(@class), ' '), ' reflection ')")
# A chapter's reflection prompts, as XPath: a yes or no asked of every chapter in every build,
# answered by lxml alone (about twenty times quicker than building a BeautifulSoup tree), and the
# items the worksheet prints. From the element given and everything in it. A box inside another
# box, in the whole document, is not read on its own (the chapter checks refuse it): what the
# outer box's list holds is asked once, as it is written, and never a prompt twice.
_REFLECTION_PROMPTS = lxml_etree.XPath(
    f"descendant-or-self::*[{_BOX}][not(ancestor::*[{_BOX}])]/*[self::ul or self::ol]/li"
)


def has_reflection_prompts(content_html: str) -> bool:
    if "reflection" not in content_html:
        return False
    return bool(prompt_items(lxml_html.fromstring(content_html)))


def prompt_items(content: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """The prompts of a chapter's reflection box: its list's items (the chapter checks make sure
    each prompt is one), in the order they are read."""
    return list(_REFLECTION_PROMPTS(content))


def is_reflection_box(element: Any) -> bool:
    """Whether an element (lxml's or ElementTree's) is a reflection box: what _BOX tests."""
    classes = str(element.get("class") or "").split()
    return "reflection" in classes and (element.tag == "details" or (element.tag == "div" and "admonition" in classes))


def tree_has_prompts(root: Any) -> bool:
    """What _REFLECTION_PROMPTS asks, of an ElementTree: a box inside another is not looked in."""
    elements = [root]
    while elements:
        element = elements.pop()
        if not is_reflection_box(element):
            elements.extend(element)
        elif any(child.tag in ("ul", "ol") and any(item.tag == "li" for item in child) for child in element):
            return True
    return False
