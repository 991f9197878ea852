"""The record schema check of `newsarchive import` (importer.py): each line is checked against
`record.schema.json` (the copy of `shared/spec/article-record.schema.json` shipped with the
package) by `check`, a small interpreter of the keywords that schema uses (type, required,
properties, items), and, on the fast path, by `_valid`, the same rules compiled to closures.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).with_name("record.schema.json")
_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    # JSON Schema: 1.0 is an integer, true is not
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool))
    or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def check(value: Any, node: dict[str, Any] | None = None, path: str = "$") -> Iterator[str]:
    """Why `value` does not match the schema (node), one message per problem."""
    node = schema() if node is None else node
    types = node.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        if not any(_TYPES[t](value) for t in names):
            yield f"{path}: expected {' or '.join(names)}, got {type(value).__name__}"
            return
    if isinstance(value, dict):
        for key in node.get("required", ()):
            if key not in value:
                yield f"{path}: missing {key!r}"
        for key, sub in node.get("properties", {}).items():
            if key in value:
                yield from check(value[key], sub, f"{path}.{key}")
    elif isinstance(value, list) and "items" in node:
        for i, item in enumerate(value):
            yield from check(item, node["items"], f"{path}[{i}]")


def _compile(node: dict[str, Any]) -> Callable[[Any], bool]:
    """`check(value, node)` yields nothing, as one closure per schema node: the generators and
    path strings of `check` were ~9% of an import of valid records; `check` still explains
    the records this rejects."""
    names = node.get("type")
    tests = tuple(_TYPES[t] for t in ([names] if isinstance(names, str) else names or ()))
    required = tuple(node.get("required", ()))
    props = tuple((k, _compile(sub)) for k, sub in node.get("properties", {}).items())
    items = _compile(node["items"]) if "items" in node else None

    def valid(value: Any) -> bool:  # plain loops: any()/all() over generators cost 2x
        if tests:
            for test in tests:
                if test(value):
                    break
            else:
                return False
        if isinstance(value, dict):
            for key in required:
                if key not in value:
                    return False
            for key, sub in props:
                if key in value and not sub(value[key]):
                    return False
        elif items is not None and isinstance(value, list):
            for v in value:
                if not items(v):
                    return False
        return True

    return valid


@cache
def _valid() -> Callable[[Any], bool]:
    return _compile(schema())
