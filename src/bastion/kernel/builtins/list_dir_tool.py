"""``list_dir``: list a folder inside the files folder (links are shown, never followed)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from bastion.contracts.json_types import JsonValue
from bastion.contracts.tools import ToolOutput, ToolSchema, ToolSpec
from bastion.kernel.builtins.builtin_tool import BuiltinTool
from bastion.kernel.builtins.confined_folder import ConfinedFolder, FolderEntry

__all__ = ["ListDirTool"]

_SCHEMA = ToolSchema(
    name="list_dir",
    description=(
        "List a folder inside the user's files folder: one line per entry with its kind and "
        "size. The path is relative to the files folder; omit it for the folder itself."
    ),
    parameters={
        "type": "object",
        "properties": {
            "path": {
                "type": "string",
                "maxLength": 1024,
                "description": "Folder relative to the files folder; default: the folder itself.",
            }
        },
        "additionalProperties": False,
    },
)


def _line(entry: FolderEntry) -> str:
    if entry.kind == "dir":
        return f"dir   {entry.name}/"
    if entry.kind == "file":
        return f"file  {entry.name}  ({entry.size} bytes)"
    if entry.kind == "link":
        return f"link  {entry.name}  (symbolic link, not followed)"
    return f"other {entry.name}"


class ListDirTool(BuiltinTool):
    _spec = ToolSpec(_SCHEMA, timeout_s=10.0)

    def __init__(self, folder: ConfinedFolder) -> None:
        self._folder = folder

    async def run(self, arguments: Mapping[str, JsonValue]) -> ToolOutput:
        path = str(arguments.get("path", ""))
        entries, total = await asyncio.to_thread(self._folder.list_entries, path)
        if not entries:
            return ToolOutput(True, f"{path or '.'} is empty")
        lines = [_line(entry) for entry in entries]
        if total > len(entries):
            lines.append(f"[{total - len(entries)} more entries not shown]")
        return ToolOutput(True, "\n".join(lines))
