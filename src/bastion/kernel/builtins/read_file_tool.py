"""``read_file``: read a UTF-8 text file from the files folder."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from bastion.contracts.json_types import JsonValue
from bastion.contracts.tools import ToolOutput, ToolSchema, ToolSpec
from bastion.kernel.builtins.builtin_tool import BuiltinTool
from bastion.kernel.builtins.confined_folder import ConfinedFolder

__all__ = ["ReadFileTool"]

PATH_PROPERTY: dict[str, JsonValue] = {
    "type": "string",
    "minLength": 1,
    "maxLength": 1024,
    "description": "Path relative to the files folder, e.g. 'notes/todo.md'.",
}

_SCHEMA = ToolSchema(
    name="read_file",
    description=(
        "Read a UTF-8 text file from the user's files folder. Paths are relative to that "
        "folder; '..', absolute paths and symbolic links are refused."
    ),
    parameters={
        "type": "object",
        "properties": {"path": PATH_PROPERTY},
        "required": ["path"],
        "additionalProperties": False,
    },
)


class ReadFileTool(BuiltinTool):
    _spec = ToolSpec(_SCHEMA, timeout_s=10.0)

    def __init__(self, folder: ConfinedFolder) -> None:
        self._folder = folder

    async def run(self, arguments: Mapping[str, JsonValue]) -> ToolOutput:
        text = await asyncio.to_thread(self._folder.read_text, str(arguments["path"]))
        return ToolOutput(True, text)
