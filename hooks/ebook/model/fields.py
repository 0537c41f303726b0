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
