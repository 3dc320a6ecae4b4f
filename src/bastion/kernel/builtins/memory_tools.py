"""The agent's memory tools: memory_search, memory_read, memory_tree, memory_write, identity_write.

Each is a ``BuiltinTool``: it spends its ``Authorized`` before anything else and checks the
permit names this tool. What they read back (documents, snippets) is outside content: memory can
hold text that came from anywhere, so the kernel wraps it and taints the thread.

Writes to AGENTS.md, SOUL.md and IDENTITY.md change how the agent behaves on every later turn,
so ``memory_write`` refuses them and ``identity_write`` does them, under
``ApprovalRequirement.ALWAYS`` (unless the user turned ``identity_writes_need_approval`` off):
a spec is fixed per tool, so the approval rule needs a tool of its own.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping

from bastion.contracts.errors import BastionError, CapabilityDenied, ToolError
from bastion.contracts.json_types import JsonObject, JsonValue
from bastion.contracts.tools import (
    ApprovalRequirement,
    RiskLevel,
    SideEffect,
    ToolOutput,
    ToolSchema,
    ToolSpec,
)
from bastion.kernel.builtins.builtin_tool import BuiltinTool
from bastion.memory.identity import PROTECTED_IDENTITY_FILES, is_protected_identity_path
from bastion.memory.paths import normalize_path
from bastion.memory.workspace import Workspace

__all__ = ["MemoryTool", "memory_tools"]

_PATH: JsonObject = {
    "type": "string",
    "minLength": 1,
    "maxLength": 512,
    "description": "e.g. notes/db.md",
}
_CONTENT: JsonObject = {"type": "string", "maxLength": 200_000}
_WRITE_PARAMETERS: JsonObject = {
    "type": "object",
    "properties": {
        "path": _PATH,
        "content": _CONTENT,
        "append": {"type": "boolean", "description": "Add to the end instead of replacing."},
    },
    "required": ["path", "content"],
    "additionalProperties": False,
}

Runner = Callable[[Workspace, Mapping[str, JsonValue]], str]


class MemoryTool(BuiltinTool):
    """One memory tool: a spec and a synchronous body run off the event loop."""

    def __init__(self, spec: ToolSpec, workspace: Workspace, body: Runner) -> None:
        self._spec = spec
        self._workspace = workspace
        self._body = body

    async def run(self, arguments: Mapping[str, JsonValue]) -> ToolOutput:
        call: Awaitable[str] = asyncio.to_thread(self._body, self._workspace, arguments)
        try:
            return ToolOutput(True, await call)
        except CapabilityDenied:
            raise
        except BastionError as exc:
            raise ToolError(str(exc)) from exc


def _search(workspace: Workspace, arguments: Mapping[str, JsonValue]) -> str:
    limit = arguments.get("limit", 5)
    response = workspace.search(
        str(arguments["query"]), int(limit) if isinstance(limit, int) else 5
    )
    return json.dumps(response.to_json(), ensure_ascii=False)


def _read(workspace: Workspace, arguments: Mapping[str, JsonValue]) -> str:
    path = str(arguments["path"])
    content = workspace.read(path)
    if content is None:
        raise ToolError(f"no document at {normalize_path(path)}; memory_tree lists them")
    return content


def _tree(workspace: Workspace, arguments: Mapping[str, JsonValue]) -> str:
    return "\n".join(workspace.tree()) or "(the workspace is empty)"


def _write(workspace: Workspace, arguments: Mapping[str, JsonValue], *, identity: bool) -> str:
    path = normalize_path(str(arguments["path"]))
    if is_protected_identity_path(path) != identity:
        if identity:
            raise ToolError(f"{path} is not an identity file; use memory_write")
        raise CapabilityDenied(
            "memory_write", f"{path} is an identity file; use identity_write (asks the user)"
        )
    content = str(arguments["content"])
    if arguments.get("append") is True:
        result = workspace.append(path, content)
    else:
        result = workspace.write(path, content)
    if not result.changed:
        return f"{result.path} unchanged (version {result.version})"
    return f"wrote {result.path} (version {result.version}, {result.chunks} chunks)"


def memory_tools(
    workspace: Workspace, *, identity_writes_need_approval: bool = True
) -> list[MemoryTool]:
    """The five memory tools over ``workspace``, ready for the kernel's registry."""
    search = ToolSpec(
        ToolSchema(
            "memory_search",
            "Search the memory workspace (hybrid full-text + semantic). Returns JSON results "
            "with path, score, snippet and chunk; read a document with memory_read.",
            {
                "type": "object",
                "properties": {
                    "query": {"type": "string", "minLength": 1, "maxLength": 2000},
                    "limit": {"type": "integer", "minimum": 1, "maximum": 50},
                },
                "required": ["query"],
                "additionalProperties": False,
            },
        ),
        reads_outside_content=True,  # snippets are stored text, whoever wrote it
        timeout_s=20.0,
    )
    read = ToolSpec(
        ToolSchema(
            "memory_read",
            "Read one workspace document by path.",
            {
                "type": "object",
                "properties": {"path": _PATH},
                "required": ["path"],
                "additionalProperties": False,
            },
        ),
        reads_outside_content=True,
        timeout_s=10.0,
    )
    tree = ToolSpec(
        ToolSchema(
            "memory_tree",
            "List the paths of every workspace document.",
            {"type": "object", "properties": {}, "additionalProperties": False},
        ),
        timeout_s=10.0,
    )
    write = ToolSpec(
        ToolSchema(
            "memory_write",
            "Write (or append to) a Markdown document in the workspace, e.g. MEMORY.md for "
            "durable facts, USER.md about the user, daily/YYYY-MM-DD.md for the day's log. "
            f"Not for {', '.join(sorted(PROTECTED_IDENTITY_FILES))}: use identity_write.",
            _WRITE_PARAMETERS,
        ),
        risk=RiskLevel.MEDIUM,
        side_effects=frozenset({SideEffect.MEMORY_WRITE}),
        timeout_s=30.0,
    )
    identity = ToolSpec(
        ToolSchema(
            "identity_write",
            f"Change one of the identity files {', '.join(sorted(PROTECTED_IDENTITY_FILES))}. "
            "The user is asked to approve every change.",
            _WRITE_PARAMETERS,
        ),
        risk=RiskLevel.HIGH,
        approval=(
            ApprovalRequirement.ALWAYS
            if identity_writes_need_approval
            else ApprovalRequirement.NEVER
        ),
        side_effects=frozenset({SideEffect.IDENTITY_WRITE, SideEffect.MEMORY_WRITE}),
        timeout_s=30.0,
    )
    return [
        MemoryTool(search, workspace, _search),
        MemoryTool(read, workspace, _read),
        MemoryTool(tree, workspace, _tree),
        MemoryTool(write, workspace, lambda ws, args: _write(ws, args, identity=False)),
        MemoryTool(identity, workspace, lambda ws, args: _write(ws, args, identity=True)),
    ]
