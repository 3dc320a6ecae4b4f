"""Bastion's built-in tools. Each is an executor that demands an ``Authorized`` permit.

The http and memory tools live in their own modules (``http_tool``, ``memory_tools``) and are
wired by the app, which owns their dependencies.
"""

from __future__ import annotations

from pathlib import Path

from bastion.contracts.ports import ToolExecutor
from bastion.kernel.builtins.confined_folder import ConfinedFolder
from bastion.kernel.builtins.echo_tool import EchoTool
from bastion.kernel.builtins.json_tool import JsonTool
from bastion.kernel.builtins.list_dir_tool import ListDirTool
from bastion.kernel.builtins.read_file_tool import ReadFileTool
from bastion.kernel.builtins.time_tool import TimeTool
from bastion.kernel.builtins.write_file_tool import WriteFileTool

__all__ = ["builtin_executors"]


def builtin_executors(
    files_root: Path,
    *,
    max_read_bytes: int = 1_048_576,
    max_write_bytes: int = 1_048_576,
) -> list[ToolExecutor]:
    """echo, time, json, and the file tools confined to ``files_root`` (created on first use)."""
    folder = ConfinedFolder(
        files_root, max_read_bytes=max_read_bytes, max_write_bytes=max_write_bytes
    )
    return [
        EchoTool(),
        TimeTool(),
        JsonTool(),
        ReadFileTool(folder),
        WriteFileTool(folder),
        ListDirTool(folder),
    ]
