"""Task lists whose checkboxes are named by their items' words, on the site and in the EPUB.

pymdownx.tasklist writes `<label class="task-list-control"><input type="checkbox">…</label>`
with the item's words after the label: a checkbox without a name, which a screen reader announces
as "checkbox, checked" and nothing else (axe and Ace: a critical violation). Moved into the
label, the words name it and are read with its state; they stay where they were on the page.
"""

from __future__ import annotations

import html

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

CONTROL_CLASS = "task-list-control"
CONTROLS = f".//label[contains(concat(' ', @class, ' '), ' {CONTROL_CLASS} ')]"
# What ends a task list item's words: the block that follows them (a nested list, a paragraph).
_BLOCKS = frozenset({"p", "ul", "ol", "dl", "div", "blockquote", "pre", "table", "figure", "hr",
                     "h1", "h2", "h3", "h4", "h5", "h6"})


def label_task(control: HtmlElement) -> None:
    """Move the words after a task's checkbox label into it; running it twice changes nothing."""
    words = list(control.itersiblings())
    if control.tail:
        last = control[-1] if len(control) else None
        if last is None:
            control.text = (control.text or "") + control.tail
        else:
            last.tail = (last.tail or "") + control.tail
        control.tail = None
    for sibling in words:
        if not isinstance(sibling.tag, str) or sibling.tag in _BLOCKS:
            break
        control.append(sibling)  # with the words after it (its tail)


def label_task_lists(content: str) -> str:
    """A page's content with every task's checkbox labelled; a page without task lists as it was."""
    if CONTROL_CLASS not in content:
        return content
    root = lxml_html.fragment_fromstring(content, create_parent="div")
    controls = root.xpath(CONTROLS)
    if not controls:
        return content
    for control in controls:
        label_task(control)
    return html.escape(root.text or "", quote=False) + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in root)
