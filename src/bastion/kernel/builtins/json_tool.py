"""``json``: pick a value out of a JSON document with a small path (see ``json_path``)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from bastion.contracts.errors import ToolError
from bastion.contracts.json_types import JsonValue
from bastion.contracts.tools import ToolOutput, ToolSchema, ToolSpec
from bastion.kernel.builtins.builtin_tool import BuiltinTool
from bastion.kernel.builtins.json_path import query

__all__ = ["JsonTool"]

_SCHEMA = ToolSchema(
    name="json",
    description=(
        "Query a JSON value. 'data' is the value itself or a string holding JSON; 'path' picks "
        "a part of it: '.key' or 'key' for object keys, '[0]' for array items ([-1] is the "
        "last), '[\"odd key\"]' for keys with dots or spaces, e.g. 'users[0].name'. An empty "
        "path returns the whole value. The result is JSON."
    ),
    parameters={
        "type": "object",
        "properties": {
            "data": {"description": "A JSON value, or a string containing JSON."},
            "path": {"type": "string", "maxLength": 1024, "default": ""},
        },
        "required": ["data"],
        "additionalProperties": False,
    },
)


def _reject_constant(token: str) -> JsonValue:
    raise ValueError(f"{token} is not valid JSON")


def _document(data: JsonValue) -> JsonValue:
    if not isinstance(data, str):
        return data
    try:
        parsed: JsonValue = json.loads(data, parse_constant=_reject_constant)
    except RecursionError as exc:
        raise ToolError("data is nested too deeply") from exc
    except ValueError as exc:
        raise ToolError(
            f"data is a string but not valid JSON ({exc}); pass the value itself instead"
        ) from exc
    return parsed


class JsonTool(BuiltinTool):
    _spec = ToolSpec(_SCHEMA, timeout_s=5.0)

    async def run(self, arguments: Mapping[str, JsonValue]) -> ToolOutput:
        document = _document(arguments["data"])
        result = query(document, str(arguments.get("path", "")))
        return ToolOutput(True, json.dumps(result, indent=2, ensure_ascii=False))
