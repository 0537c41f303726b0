"""Reading one field of a settings mapping, with messages that say how to fix it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError

MISSING: Any = object()  # a field with no default: it must be given


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


def with_line(error: PluginError, config_name: str, config_path: str | None) -> PluginError:
    """`error`, about a field of the configuration file ("<config_name>: extra.book.x…"), with
    the line the field is written on (or the line of the nearest field above it that is there,
    for a missing one) added at the end: "… (line 12 of mkdocs.yml)"."""
    message = str(error)
    prefix = f"{config_name}: "
    path = _FIELD.match(message, len(prefix)) if message.startswith(prefix) else None
    if path is None or not config_path:
        return error
    keys = path.group(0).split(".")
    if unknown := _UNKNOWN.search(message, path.end()):
        keys.append(unknown.group(1))
    line = line_of(config_path, keys)
    return PluginError(f"{message} (line {line} of {config_name})") if line else error


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
