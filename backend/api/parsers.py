"""The JSON parser every endpoint reads its body with.

PostgreSQL stores neither a NUL character (in ``text`` or ``jsonb``) nor a lone UTF-16
surrogate (it is not UTF-8), and would answer such a value with a database error long after
the request was accepted. The parser refuses them while reading the body, so no view, field or
JSON column has to check again, and the 400 names the place: ``graph.nodes[0].label``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rest_framework.parsers import JSONParser as BaseJSONParser

from backend.errors import UserError

#: What PostgreSQL refuses inside a string: NUL, and surrogates that do not make a pair.
_REFUSED = re.compile("[\x00\ud800-\udfff]")


def _describe(char: str) -> str:
    if char == "\x00":
        return "a NUL character (\\u0000)"
    return f"a lone surrogate (\\u{ord(char):04x})"


def check_text(value: str, *, field: str) -> str:
    """`value`, or a 400 naming `field` when it holds a character PostgreSQL cannot store."""
    found = _REFUSED.search(value)
    if found is not None:
        raise UserError(
            f"{field or 'the body'} contains {_describe(found.group())}, which cannot be "
            "stored; remove it",
            field=field or None,
            code="invalid_text",
        )
    return value


def check_json_text(value: Any, path: str = "") -> Any:
    """`value` (parsed JSON), once every key and string in it passed `check_text`."""
    if isinstance(value, str):
        check_text(value, field=path)
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            check_text(str(key), field=name)
            check_json_text(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_json_text(item, f"{path}[{index}]")
    return value


def refuse_constant(name: str) -> Any:
    """``parse_constant`` for json.loads: NaN and Infinity are not JSON numbers."""
    raise UserError(
        f"{name} is not a JSON number; send null for a missing value", code="parse_error"
    )


def parse_json(raw: bytes) -> Any:
    """The JSON document in `raw`, with parse errors that say where (line and column)."""
    try:
        data = json.loads(raw, parse_constant=refuse_constant)
    except json.JSONDecodeError as exc:
        raise UserError(
            f"the body is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            line=exc.lineno,
            code="parse_error",
        ) from None
    except UnicodeDecodeError:
        raise UserError("the body is not UTF-8 text", code="parse_error") from None
    return check_json_text(data)


class JSONParser(BaseJSONParser):
    """JSON bodies: parse errors with their line and column, and no text PostgreSQL refuses."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        """The parsed body."""
        raw = stream.read() if stream is not None else b""
        return parse_json(raw)
