"""``write_file``: write a UTF-8 text file in the files folder (needs approval unless the user
auto-approved it)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from bastion.contracts.json_types import JsonValue
from bastion.contracts.tools import (
    ApprovalRequirement,
    RiskLevel,
    SideEffect,
    ToolOutput,
    ToolSchema,
    ToolSpec,
)
from bastion.kernel.builtins.builtin_tool import BuiltinTool
from bastion.kernel.builtins.confined_folder import ConfinedFolder, WriteMode
from bastion.kernel.builtins.read_file_tool import PATH_PROPERTY

__all__ = ["WriteFileTool"]


def _schema(max_bytes: int) -> ToolSchema:
    return ToolSchema(
        name="write_file",
        description=(
            "Write a UTF-8 text file in the user's files folder, creating folders on the way. "
            "mode 'overwrite' (default) replaces the file, 'append' adds to its end, 'create' "
            f"fails if it exists. At most {max_bytes} bytes per call."
        ),
        parameters={
            "type": "object",
            "properties": {
                "path": PATH_PROPERTY,
                "content": {"type": "string", "maxLength": max_bytes},
                "mode": {"enum": [mode.value for mode in WriteMode], "default": "overwrite"},
            },
            "required": ["path", "content"],
            "additionalProperties": False,
        },
    )


class WriteFileTool(BuiltinTool):
    def __init__(self, folder: ConfinedFolder) -> None:
        self._folder = folder
        self._spec = ToolSpec(
            _schema(folder.max_write_bytes),
            risk=RiskLevel.MEDIUM,
            approval=ApprovalRequirement.UNLESS_AUTO_APPROVED,
            side_effects=frozenset({SideEffect.FILE_WRITE}),
            timeout_s=10.0,
        )

    async def run(self, arguments: Mapping[str, JsonValue]) -> ToolOutput:
        path = str(arguments["path"])
        mode = WriteMode(str(arguments.get("mode", WriteMode.OVERWRITE.value)))
        written = await asyncio.to_thread(
            self._folder.write_text, path, str(arguments["content"]), mode
        )
        return ToolOutput(True, f"wrote {written} bytes to {path} ({mode.value})")
