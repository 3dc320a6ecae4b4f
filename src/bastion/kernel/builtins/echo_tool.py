"""``echo``: returns its text unchanged. The smallest end-to-end check of the tool path."""

from __future__ import annotations

from collections.abc import Mapping

from bastion.contracts.json_types import JsonValue
from bastion.contracts.tools import ToolOutput, ToolSchema, ToolSpec
from bastion.kernel.builtins.builtin_tool import BuiltinTool

__all__ = ["EchoTool"]

_SCHEMA = ToolSchema(
    name="echo",
    description="Return the given text unchanged.",
    parameters={
        "type": "object",
        "properties": {
            "text": {"type": "string", "maxLength": 100_000, "description": "Text to return."}
        },
        "required": ["text"],
        "additionalProperties": False,
    },
)


class EchoTool(BuiltinTool):
    _spec = ToolSpec(_SCHEMA, timeout_s=5.0)

    async def run(self, arguments: Mapping[str, JsonValue]) -> ToolOutput:
        return ToolOutput(True, str(arguments["text"]))
