"""A page's front matter: parsed once, as MkDocs parses it, and checked field by field (known
fields, types, title and description present and plain, the credit complete), each problem on
the line of its field.
"""

from __future__ import annotations

import difflib
import html
import re
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.utils.meta import YAML_RE

from ebook.checks.limits import LOADER, FrontMatterRefused, screen_yaml
from ebook.checks.problems import Problem
from ebook.model import credits

if TYPE_CHECKING:
    from ebook.model.book import Book


FRONT_MATTER_FIELDS: Mapping[str, str] = {
    "title": "the page's title, as plain text",
    "description": "one or two sentences for search engines and link previews",
    "attribution": "who wrote or adapted the page (see \"Credit adapted material\" in CONTRIBUTING.md)",
}
NO_ATTRIBUTION = (
    "the chapter does not say who wrote it: add to its front matter 'attribution:' with "
    "'written_by: ' and your name for a chapter written for this book, or 'adapted_from:' with the "
    "title, author, source_url and license of the work it adapts (the original book included; see "
    "\"Credit adapted material\" in CONTRIBUTING.md)"
)
REQUIRED_FIELDS = ("title", "description")
TEXT_FIELDS = ("title", "description")
_FRONT_MATTER_EXAMPLE = "---\ntitle: The page's title\ndescription: One sentence about the page.\n---"
# A chapter says who wrote it too (templates/chapter.md says how to credit a work it adapts).
# Its words are the chapter template's own sample text, so the sample-text check tells any one
# of them left in (sample_text.template_placeholders).
_CHAPTER_FRONT_MATTER_EXAMPLE = ("---\ntitle: Your Chapter Title\n"
                                 "description: One or two sentences on what the chapter covers.\n"
                                 "attribution:\n  written_by: Your Name\n---")


def _double_quoted_text(text: str) -> str:
    """`text` as it goes between YAML's double quotes: a backslash and a quote escaped."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _chapter_or_page_example(path: str, book: Book) -> str:
    """The front matter to start the file at `path` (under docs/) with."""
    is_chapter = book.is_chapter(path.removeprefix("docs/"))
    return _CHAPTER_FRONT_MATTER_EXAMPLE if is_chapter else _FRONT_MATTER_EXAMPLE


# A line of front matter that starts a field ("title: Listening", "attribution:"), and one
# indented below a field: its nested fields, or its value running on.
_FIELD_LINE = re.compile(r"^[A-Za-z_][\w-]*:(?:[ \t]|$)")
_INDENTED_LINE = re.compile(r"^[ \t]+\S")


def unclosed_front_matter(text: str) -> int | None:
    """The line of the last field of a front matter that is opened and never closed: the file's
    first line is '---', its fields follow, and no line of three dashes ends them (MkDocs then
    shows the fields as the page's text). None when the file has a closed front matter, or none.

    The fields run until the first blank line or line of body text (a heading, a paragraph);
    notes ("# …") before the first field, as the chapter template has, are read past.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if lines[0].rstrip(" \t") != "---" or split_front_matter(text)[0] is not None:
        return None
    last = None
    for number, line in enumerate(lines[1:], start=2):
        if _FIELD_LINE.match(line) or (last is not None and _INDENTED_LINE.match(line)):
            last = number
        elif last is not None or not line.startswith("#"):
            break  # a blank line, or body text: a paragraph, or a "# heading" after the fields
    return last


def split_front_matter(text: str) -> tuple[str | None, int]:
    """The front matter's YAML (None when the page has none) and the line the body starts on."""
    match = YAML_RE.match(text if text.endswith("\n") else text + "\n")
    if not match:
        return None, 1
    front = match.group(1)
    body_start = match.group(0).count("\n") + 1
    # MkDocs strips blank lines between the front matter and the body.
    rest = text[match.end():]
    return front, body_start + (len(rest) - len(rest.lstrip("\n")))


def parse_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """The YAML's node tree (which knows each field's line) and its value, from a single parse.

    Parsed as MkDocs parses it, so that what MkDocs would drop is reported. What YAML could blow
    up (see `screen_yaml`) raises `FrontMatterRefused` before anything is built from it.
    """
    # libyaml accepts tabs where PyYAML does not ("name: <tab>value"): with a tab in the text,
    # PyYAML's stricter reading asks the contributor to remove it, as the checks always have.
    if "\t" in text:
        return _compose_and_construct(text, yaml.SafeLoader)
    try:
        return _compose_and_construct(text, LOADER)
    except yaml.YAMLError:
        # The error of PyYAML's own parser, when it fails too: its messages say more than libyaml's.
        _compose_and_construct(text, yaml.SafeLoader)
        raise


def _compose_and_construct(text: str, loader_class: type[Any]) -> tuple[yaml.Node | None, Any]:
    screen_yaml(text, loader_class)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def check_front_matter(
    front: str | None, path: str, book: Book, *, text: str | None = None
) -> tuple[dict[str, Any], list[Problem], dict[tuple[str, ...], int]]:
    """The front matter's fields, its problems, and the line of each field (by its path).

    `text`, the whole file, tells a front matter never closed from none at all."""
    if front is None:
        last = unclosed_front_matter(text) if text is not None else None
        if last is not None:
            return {}, [Problem(
                path, last,
                "the front matter that starts on line 1 is never closed: add a line of three "
                f"dashes (---) after its last field (line {last})",
            )], {}
        return {}, [Problem(
            path, 1,
            "the page has no front matter (or it is not closed with a line of three dashes): "
            f"start the file with\n{_chapter_or_page_example(path, book)}",
        )], {}
    try:
        node, meta = parse_yaml(front)
    except FrontMatterRefused as refused:
        return {}, [Problem(path, refused.line, refused.message)], {}
    except yaml.YAMLError as error:
        return {}, yaml_error_problems(front, path, error), {}
    if not isinstance(meta, dict) or not isinstance(node, yaml.MappingNode):
        # "title:Listening" alone, or every field without its space, reads as one line of text.
        lines = front.splitlines()
        unspaced = [i for i, line in enumerate(lines) if _NO_SPACE_AFTER_COLON.match(line)]
        if isinstance(meta, str) and unspaced:
            return {}, [_no_space_problem(path, lines, i) for i in unspaced], {}
        return {}, [Problem(
            path, 2,
            f"the front matter must be fields written 'name: value', one per line, like\n"
            f"{_chapter_or_page_example(path, book)}",
        )], {}
    key_lines = _key_lines(node)
    values = _value_nodes(node)
    problems = [Problem(path, line, message) for line, message in _duplicate_keys(node)]

    def at(*keys: str) -> int:
        return key_lines.get(keys, 1)

    allowed = ", ".join(FRONT_MATTER_FIELDS)
    # Fields whose missing value is told already, by what cut it off.
    comments = list(_comment_problems(front, meta, values))
    told = {keys[0] for keys, _, _ in comments if len(keys) == 1}
    for key in meta:
        if key not in FRONT_MATTER_FIELDS and (found := _unspaced_field(front, node, key)):
            # "title:Listening: the basics": YAML reads a field "title:Listening".
            field, typed = found
            told.add(field)
            if field == "attribution":
                fix = (f"put 'attribution:' on a line of its own and, on the line below it, "
                       f"indented by two spaces, {typed}")
            else:
                quoted = _double_quoted_text(typed)
                example = f'{field}: "{quoted}"'
                fix = (f"add a space after the colon of '{field}:' and put the whole value in double "
                       f"quotes, e.g. {example}")
            problems.append(Problem(
                path, at(str(key)),
                f"'{field}:' has no space after its colon, so YAML reads '{key}' as the name of an "
                f"unknown field, not as the page's {field}: {fix}",
            ))
        elif key not in FRONT_MATTER_FIELDS:
            close = difflib.get_close_matches(str(key), FRONT_MATTER_FIELDS, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            if str(key) in credits.PAGE_FIELDS:
                hint = "it belongs under 'attribution:', on the line below it, indented by two spaces; "
            problems.append(Problem(
                path, at(str(key)),
                f"unknown front matter field '{key}': {hint}the fields a page may have are "
                f"{allowed}",
            ))
    for key in REQUIRED_FIELDS:
        value = meta.get(key)
        if key in told and not value:
            continue  # told above, on its line
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(Problem(
                path, at(key) if key in meta else 1,
                f"the front matter has no {key}: add a line '{key}: …' with "
                f"{FRONT_MATTER_FIELDS[key]}",
            ))
    for key in TEXT_FIELDS:
        value = meta.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            problems.append(Problem(
                path, at(key),
                f"front matter field '{key}' must be text, not {_kind(value)}: put the text in "
                f'double quotes, e.g. {key}: "{_as_written(front, values.get((key,)), value)}"',
            ))
        else:
            problems += [Problem(path, at(key), m) for m in plain_text_problems(key, value)]
    problems += [Problem(path, line, message) for _, line, message in comments]
    if "attribution" in meta:
        problems += _attribution_problems(meta, path, book, key_lines)
    return meta, problems, key_lines


# A field whose colon has no space after it ("title:Active Listening"); "https://" is no field.
_NO_SPACE_AFTER_COLON = re.compile(r"^ *(?:- +)?([A-Za-z_][\w-]*):(?![ \t]|$|//)(.*)$")
# A field and its value, on one line.
_FIELD_AND_VALUE = re.compile(r"^ *(?:- +)?([A-Za-z_][\w-]*):[ \t]+(.*?)\s*$")
_QUOTE_VALUES = (
    "put a value that contains ': ' or ' #', or starts with a quote, '[', '{', '*', '&', '!', '|' "
    "or '>', in double quotes"
)


def yaml_error_problems(front: str, path: str, error: yaml.YAMLError) -> list[Problem]:
    """What to fix when the front matter is not valid YAML, on the line to fix.

    The common mistakes (no space after a field's colon, a colon and a space inside a value, a
    tab) are told in words; any other on the line PyYAML names.
    """
    lines = front.splitlines()
    problem = getattr(error, "problem", None) or ""
    problem_mark = getattr(error, "problem_mark", None)
    context = getattr(error, "context", None) or ""
    context_mark = getattr(error, "context_mark", None)

    def text(line: int) -> str:
        return lines[line] if 0 <= line < len(lines) else ""

    if problem_mark is not None and "'\\t'" in problem:
        before = text(problem_mark.line)[:problem_mark.column]
        fix = ("indent the line with spaces instead, two for each level, as in the chapter template"
               if not before.strip() else "type a space instead of the tab")
        return [Problem(
            path, problem_mark.line + 2,
            "this line of the front matter has a tab, which YAML does not accept here, so the "
            f"front matter is not valid YAML and none of its fields can be read: {fix}",
        )]
    if problem_mark is not None and problem == "mapping values are not allowed here":
        # "description: Listening: the basics": the second colon, after a field's own.
        field = _FIELD_AND_VALUE.match(text(problem_mark.line))
        if field and field.start(2) <= problem_mark.column:
            return [_colon_in_value_problem(path, problem_mark.line, field.group(1), field.group(2))]
    # "title:Active Listening" runs on into the next line, where YAML stops: the lines without
    # their space are the ones just above (or, when YAML names it, the line the text started on).
    end = None
    if context == "while scanning a simple key" and context_mark is not None:
        end = context_mark.line
    elif problem == "mapping values are not allowed here" and problem_mark is not None:
        end = problem_mark.line - 1
    if end is not None:
        start = end
        while start >= 0 and _NO_SPACE_AFTER_COLON.match(text(start)):
            start -= 1
        if start < end:
            return [_no_space_problem(path, lines, i) for i in range(start + 1, end + 1)]
    # Where an opening quote or bracket is never closed, the trouble began at the context mark;
    # otherwise (a field indented wrongly, a stray '-') it is where PyYAML stopped.
    if context_mark is not None and (
            context.startswith("while scanning") or context.startswith("while parsing a flow")):
        mark = context_mark
    else:
        mark = problem_mark or context_mark
    return [Problem(
        path, mark.line + 2 if mark else 2,
        "the front matter is not valid YAML here, so none of its fields can be read: write each "
        "field as 'name: value' on its own line, with a space after the colon, indent nested "
        f"fields with spaces, and {_QUOTE_VALUES}",
    )]


def _no_space_problem(path: str, lines: list[str], line: int) -> Problem:
    field = _NO_SPACE_AFTER_COLON.match(lines[line])
    assert field
    key, value = field.group(1), field.group(2).strip()
    return Problem(
        path, line + 2,
        f"'{key}:' has no space after its colon, so the front matter is not valid YAML and none "
        f"of its fields can be read: add a space after the colon of '{key}:', e.g. {key}: {value}",
    )


def _colon_in_value_problem(path: str, line: int, key: str, value: str) -> Problem:
    quoted = _double_quoted_text(value)
    where = "followed by a space inside" if ": " in value else "at the end of"
    return Problem(
        path, line + 2,
        f"front matter field '{key}' has a colon {where} its value, which YAML takes for the start "
        f"of another field, so the front matter is not valid YAML and none of its fields can be "
        f'read: put the whole value in double quotes, e.g. {key}: "{quoted}"',
    )


def plain_text_problems(key: str, value: str) -> list[str]:
    """Why a title or description cannot be shown as it is written.

    Material's templates and the print page insert page titles and descriptions into the HTML
    without escaping them (they treat them as HTML), so markup there would change the page or run
    in readers' browsers. Rather than guess what the contributor meant, the text must be plain.
    """
    problems = []
    if "<" in value or ">" in value:
        problems.append(
            f"front matter field '{key}' contains '<' or '>': the {key} is shown as plain text "
            "in menus, tabs, search results and the printed book, where markup is not allowed: "
            "remove the angle brackets (write 'less than' or 'more than' in words)"
        )
    if html.unescape(value) != value:
        reference = re.search(r"&#?\w+;?", value)
        shown = reference.group(0) if reference else "&"
        problems.append(
            f"front matter field '{key}' contains the character reference '{shown}', which "
            f"browsers would show as '{html.unescape(shown)}': type the character itself "
            "(a '&' followed by a space is fine)"
        )
    if key == "description" and '"' in value:
        problems.append(
            "front matter field 'description' contains a straight double quote (\"), which would "
            "cut the description short in the page's metadata: use curly quotes “ ” or single "
            "quotes instead"
        )
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", value):
        problems.append(
            f"front matter field '{key}' contains an invisible control character: retype the "
            f"{key}"
        )
    return problems


def _attribution_problems(
    meta: Mapping[str, Any], path: str, book: Book,
    key_lines: Mapping[tuple[str, ...], int],
) -> list[Problem]:
    """The attribution hook's own checks, with the line of the field at fault added."""
    marker = "\0"
    try:
        book.page_attribution(meta, source=marker)
    except PluginError as error:
        message = str(error).removeprefix(f"{marker}: ")
        # e.g. "front matter field 'attribution'.adapted_from.author is missing: add it as text."
        found = re.search(r"'attribution'((?:\.\w+)*)", message)
        keys = ("attribution", *(found.group(1).split(".")[1:] if found else []))
        while keys and keys not in key_lines:
            keys = keys[:-1]
        return [Problem(path, key_lines.get(keys, 1), message.rstrip("."))]
    # The attribution hook takes an empty field for "not given"; a contributor who wrote the
    # field meant to fill it in.
    return [
        Problem(path, key_lines.get(keys, 1), (
            f"front matter field '{'.'.join(keys)}' is empty: fill it in"
            + (", with its fields on the lines below it, each indented by two spaces, as in "
               "the chapter template" if len(keys) == 1
               else " with the names of whoever wrote the page" if keys[-1] == "written_by"
               else ", or remove the line")))
        for keys in _empty_fields(meta["attribution"], ("attribution",))
    ]


def _empty_fields(value: Any, keys: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _empty_fields(item, (*keys, str(key)))
    elif value is None or (isinstance(value, str) and not value.strip()):
        yield keys


def _key_lines(node: yaml.Node, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], int]:
    """The line (counting from the file's first line, the opening ---) of every nested field."""
    lines: dict[tuple[str, ...], int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            keys = (*prefix, str(key_node.value))
            lines.setdefault(keys, key_node.start_mark.line + 2)
            lines.update({k: v for k, v in _key_lines(value_node, keys).items() if k not in lines})
    return lines


def _duplicate_keys(node: yaml.Node, prefix: str = "") -> Iterable[tuple[int, str]]:
    """PyYAML keeps the last of two equal fields without a word; a contributor should know."""
    if not isinstance(node, yaml.MappingNode):
        return
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        name = f"{prefix}{key_node.value}"
        line = key_node.start_mark.line + 2
        if name in seen:
            yield line, (
                f"front matter field '{name}' is given twice (first on line {seen[name]}): "
                "keep one of them"
            )
        seen.setdefault(name, line)
        yield from _duplicate_keys(value_node, f"{name}.")


def _value_nodes(node: yaml.Node, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], yaml.Node]:
    """The node of every nested field's value (the last, when a field is given twice, as the
    value YAML keeps)."""
    nodes: dict[tuple[str, ...], yaml.Node] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            keys = (*prefix, str(key_node.value))
            nodes[keys] = value_node
            nodes.update(_value_nodes(value_node, keys))
    return nodes


def _as_written(front: str, node: yaml.Node | None, value: Any) -> str:
    """A value that YAML read as a number or yes/no, as the contributor typed it ("10:30", not
    630), for the example of its fix; a list or group of fields as '…'."""
    if isinstance(node, yaml.ScalarNode) and not isinstance(value, (list, dict)):
        typed = " ".join(front[node.start_mark.index:node.end_mark.index].split())
        if typed:
            return _double_quoted_text(typed)
    return _plain(value)


def _unspaced_field(front: str, node: yaml.MappingNode, key: Any) -> tuple[str, str] | None:
    """The page's field and its value as typed, when YAML read "title:Listening: the basics" as a
    field named "title:Listening": a field of the page with no space after its colon."""
    for key_node, value_node in node.value:
        if key_node.value != key or not isinstance(value_node, yaml.ScalarNode):
            continue
        typed = front[key_node.start_mark.index:value_node.end_mark.index]
        for field in FRONT_MATTER_FIELDS:
            if str(key).startswith(f"{field}:") and typed.startswith(f"{field}:"):
                return field, " ".join(typed.removeprefix(f"{field}:").split())
    return None


# A comment after a value, to the end of its line.
_COMMENT = re.compile(r"[ \t]+#[^\r\n\x85\u2028\u2029]*")
# The fields whose value is free text, where " #" would start a comment that cuts it short.
COMMENT_CUTS_FIELDS = (
    ("title",), ("description",), ("attribution", "written_by"), ("attribution", "changes"),
    *(("attribution", "adapted_from", key) for key in ("title", "author", "publisher", "source_url")),
)


def _comment_problems(
    front: str, meta: Mapping[str, Any], values: Mapping[tuple[str, ...], yaml.Node]
) -> Iterable[tuple[tuple[str, ...], int, str]]:
    """"title: Chapter #1 is fun" reads as the title "Chapter", the rest as a comment: YAML
    drops it without a word, so the contributor is told, on the comment's line."""
    for keys in COMMENT_CUTS_FIELDS:
        node = values.get(keys)
        # Only a value typed without quotes (a plain scalar) is cut short by a comment.
        if not isinstance(node, yaml.ScalarNode) or node.style or not isinstance(_at(meta, keys), (str, type(None))):
            continue
        end = node.end_mark
        comment = _COMMENT.match(front, end.index)
        if not comment:
            continue
        typed = " ".join(front[node.start_mark.index:comment.end()].split())
        quoted = _double_quoted_text(typed)
        subject = f"the {keys[0]}'s text" if len(keys) == 1 else f"the text of '{'.'.join(keys)}'"
        yield keys, end.line + 2, (
            f"{subject} after ' #' is read as a comment and left out: put the whole value in "
            f'double quotes, e.g. {keys[-1]}: "{quoted}"'
        )


def _at(meta: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    value: Any = meta
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    return f"a {type(value).__name__}"


def _plain(value: Any) -> str:
    if isinstance(value, (list, dict)):
        return "…"
    return str(value).replace('"', "'")[:60]
