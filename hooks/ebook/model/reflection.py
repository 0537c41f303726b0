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

# A chapter's reflection prompts, as XPath: a yes or no asked of every chapter in every build,
# answered by lxml alone (about twenty times quicker than building a BeautifulSoup tree), and the
# items the worksheet prints. From the element given and everything in it.
_REFLECTION_PROMPTS = lxml_etree.XPath(
    "descendant-or-self::*[self::div[contains(concat(' ', normalize-space(@class), ' '), ' admonition ')]"
    " or self::details][contains(concat(' ', normalize-space(@class), ' '), ' reflection ')]"
    "/*[self::ul or self::ol]/li"
)


def has_reflection_prompts(content_html: str) -> bool:
    if "reflection" not in content_html:
        return False
    return bool(prompt_items(lxml_html.fromstring(content_html)))


def prompt_items(content: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """The prompts of a chapter's reflection box: its list's items (the chapter checks make sure
    each prompt is one), in the order they are read."""
    return list(_REFLECTION_PROMPTS(content))


def tree_has_prompts(root: Any) -> bool:
    """What _REFLECTION_PROMPTS asks, of an ElementTree."""
    for box in root.iter():
        classes = str(box.get("class") or "").split()
        if "reflection" not in classes:
            continue
        if not (box.tag == "details" or (box.tag == "div" and "admonition" in classes)):
            continue
        if any(child.tag in ("ul", "ol") and any(item.tag == "li" for item in child) for child in box):
            return True
    return False
