"""Reading one field of a settings mapping, with messages that say how to fix it, and
`Problems`: every mistake of the settings told at once, each on its line."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError

MISSING: Any = object()  # a field with no default: it must be given
T = TypeVar("T")


def no_unknown_keys(raw: Mapping[Any, Any], allowed: set[str] | frozenset[str], where: str) -> None:
    """Stop on a key the mapping does not know (a typo would otherwise be silently ignored)."""
    unknown = sorted(set(map(str, raw)) - allowed)
    if unknown:
        raise PluginError(
            f"{where}: unknown field {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}."
        )


def text(raw: Mapping[str, Any], key: str, where: str, default: Any = MISSING) -> str:
    value = raw.get(key, default)
    if value is MISSING or value is None or (isinstance(value, str) and not value.strip()):
        if default is not MISSING:
            return str(default)
        raise PluginError(f"{where}.{key} is missing: add it as text.")
    if not isinstance(value, str):
        raise PluginError(f"{where}.{key}: expected text, found {value!r}; put it in quotes.")
    return value.strip()


def web_address(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = text(raw, key, where)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", value):
        raise PluginError(
            f"{where}.{key}: {value!r} is not a web address: write it in full, "
            "starting with https://"
        )
    return value


# --- Where a field is written -----------------------------------------------------------------

_FIELD = re.compile(r"[\w-]+(?:\.[\w-]+)*")
_UNKNOWN = re.compile(r"unknown field ([\w-]+)")


def line_of_error(error: PluginError, config_name: str, config_path: str | None) -> int | None:
    """The line of the field `error` ("<config_name>: extra.book.x…") is about: where it is
    written, or for a missing one where the nearest field above it is; None when the message
    names no field of the file, or there is no file to read."""
    message = str(error)
    prefix = f"{config_name}: "
    path = _FIELD.match(message, len(prefix)) if message.startswith(prefix) else None
    if path is None or not config_path:
        return None
    keys = path.group(0).split(".")
    if unknown := _UNKNOWN.search(message, path.end()):
        keys.append(unknown.group(1))
    return line_of(config_path, keys)


def line_of(config_path: str, keys: list[str]) -> int | None:
    """The line (from 1) of the nested field `keys` in a YAML file, or of its nearest parent that
    is there; None if the file cannot be read. The tree is composed, not constructed, so tags
    like MkDocs' !ENV need no constructor."""
    import yaml  # only when a setting is wrong

    try:
        with open(config_path, encoding="utf-8-sig") as file:
            node = yaml.compose(file, Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        return None
    line = None
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            break
        found = next(((k, v) for k, v in node.value if str(k.value) == key), None)
        if found is None:
            break
        line, node = found[0].start_mark.line + 1, found[1]
    return line


def repeated_keys(config_path: str, top: str) -> list[tuple[str, int, int]]:
    """Each field written twice in one mapping under the top-level `top` of a YAML file, as
    (its dotted path, its first line, its second line): YAML keeps the second without a word, so a
    contributor who reads the first is misled. None for a file that cannot be read."""
    import yaml  # only where there is a configuration file

    try:
        with open(config_path, encoding="utf-8-sig") as file:
            root = yaml.compose(file, Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        return []
    found: list[tuple[str, int, int]] = []

    def walk(node: yaml.Node, path: str) -> None:
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key, value in node.value:
                name, line = str(key.value), key.start_mark.line + 1
                if name == "<<":  # a merge key: its fields may be given again on purpose
                    continue
                if name in first:
                    found.append((f"{path}.{name}", first[name], line))
                first.setdefault(name, line)
                walk(value, f"{path}.{name}")
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, f"{path}[{index}]")

    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if str(key.value) == top:
                walk(value, top)
    return found


# --- Every mistake at once --------------------------------------------------------------------


class Problems:
    """The mistakes found in the settings so far. Each field is read on its own (`read`), so a
    contributor with three mistakes learns of all three in one build, not one per build; `stop`
    then stops the build, before anything is written, with every one of them.

    With `collect=False` the first mistake stops at once: a page's `attribution:`, which the
    chapter checks place on its line as one problem of the page (ebook/checks/front_matter.py)."""

    def __init__(self, *, collect: bool = True) -> None:
        self.collect = collect
        self.errors: list[PluginError] = []

    def read(self, parse: Callable[[], T], fallback: T) -> T:
        """`parse()`; if it refuses the field, its message is kept and `fallback` stands in for
        the value until `stop`, so the fields after it are read too."""
        if not self.collect:
            return parse()
        try:
            return parse()
        except PluginError as error:
            self.errors.append(error)
            return fallback

    def refuse(self, message: str) -> None:
        """A mistake found across fields (most below fewest): kept, or told at once."""
        self.read(lambda: _raise(message), None)

    def stop(self, config_name: str, config_path: str | None) -> None:
        """Stop with every mistake found, each with its line, in the order of the file (those of
        the environment, which have no line, last); one mistake is told as it is, on one line."""
        if not self.errors:
            return
        lines = [line_of_error(error, config_name, config_path) for error in self.errors]
        order = sorted(range(len(self.errors)), key=lambda i: (lines[i] is None, lines[i] or 0, i))
        messages = [f"{self.errors[i]} (line {lines[i]} of {config_name})" if lines[i] else str(self.errors[i])
                    for i in order]
        if len(messages) == 1:
            raise PluginError(messages[0])
        raise PluginError(f"The book's settings have {len(messages)} problems to fix:\n" + "\n".join(messages))


def read_alone(read: Callable[[Problems], T], config_name: str, config_path: str | None = None) -> T:
    """What `read` makes of one section of the settings read on its own (not with the rest, as
    the build reads them): every mistake of it told at once."""
    problems = Problems()
    value = problems.read(lambda: read(problems), None)
    problems.stop(config_name, config_path)
    assert value is not None  # what `read` made, or stopped above
    return value


def _raise(message: str) -> None:
    raise PluginError(message)
