"""Mapping between contract ``Message`` values and ``messages`` rows.

Tool calls are kept as a JSON list of ``{"id", "name", "arguments_json"}`` objects. Reading is
strict: a row that does not decode to the contract's types is reported as a corrupt store, never
passed on half-parsed.
"""

from __future__ import annotations

import json
import sqlite3
from typing import cast, get_args

from bastion.contracts.errors import StoreError
from bastion.contracts.messages import Message, Role, ToolCallRequest

__all__ = ["decode_tool_calls", "encode_tool_calls", "message_from_row"]

_ROLES: frozenset[str] = frozenset(get_args(Role))


def encode_tool_calls(calls: tuple[ToolCallRequest, ...]) -> str:
    return json.dumps(
        [{"id": c.id, "name": c.name, "arguments_json": c.arguments_json} for c in calls],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def decode_tool_calls(raw: str) -> tuple[ToolCallRequest, ...]:
    try:
        items = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise StoreError(f"corrupt tool_calls column: {exc}") from exc
    if not isinstance(items, list):
        raise StoreError("corrupt tool_calls column: not a list")
    calls: list[ToolCallRequest] = []
    for item in items:
        if not isinstance(item, dict) or not all(
            isinstance(item.get(key), str) for key in ("id", "name", "arguments_json")
        ):
            raise StoreError("corrupt tool_calls column: entry is not {id, name, arguments_json}")
        calls.append(ToolCallRequest(item["id"], item["name"], item["arguments_json"]))
    return tuple(calls)


def message_from_row(row: sqlite3.Row) -> Message:
    role = row["role"]
    if role not in _ROLES:
        raise StoreError(f"corrupt message row: unknown role {role!r}")
    return Message(
        role=cast(Role, role),
        content=row["content"],
        tool_calls=decode_tool_calls(row["tool_calls"]),
        tool_call_id=row["tool_call_id"],
        name=row["name"],
    )
