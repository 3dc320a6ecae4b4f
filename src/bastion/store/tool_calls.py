"""SQLite implementation of ``ToolCallRepository``: one row per call the dispatcher handled."""

from __future__ import annotations

import json
import sqlite3

from bastion.contracts.errors import StoreError
from bastion.store.clock import utc_now
from bastion.store.database import Database
from bastion.store.repositories import StoredToolCall, ToolCallRecord

__all__ = ["SqliteToolCallRepository"]


def _decisions(raw: str) -> tuple[str, ...]:
    try:
        items = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise StoreError(f"corrupt decisions column: {exc}") from exc
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise StoreError("corrupt decisions column: not a list of strings")
    return tuple(items)


def _stored(row: sqlite3.Row) -> StoredToolCall:
    return StoredToolCall(
        id=int(row["id"]),
        created_at=row["created_at"],
        record=ToolCallRecord(
            thread_id=row["thread_id"],
            tool=row["tool"],
            arguments_digest=row["arguments_digest"],
            redacted_arguments=row["redacted_arguments"],
            ok=bool(row["ok"]),
            result_text=row["result_text"],
            duration_ms=float(row["duration_ms"]),
            turn_id=row["turn_id"],
            call_id=row["call_id"],
            decisions=_decisions(row["decisions"]),
            error=row["error"],
        ),
    )


class SqliteToolCallRepository:
    """The record of every tool call, in the embedded database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, call: ToolCallRecord) -> int:
        with self._db.transaction() as db:
            cursor = db.execute(
                "INSERT INTO tool_calls(thread_id, turn_id, call_id, tool, arguments_digest,"
                " redacted_arguments, ok, result_text, duration_ms, decisions, error, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    call.thread_id,
                    call.turn_id,
                    call.call_id,
                    call.tool,
                    call.arguments_digest,
                    call.redacted_arguments,
                    int(call.ok),
                    call.result_text,
                    max(0.0, call.duration_ms),
                    json.dumps(list(call.decisions), ensure_ascii=False),
                    call.error,
                    utc_now(),
                ),
            )
            row_id = cursor.lastrowid
        if row_id is None:
            raise StoreError("tool call record was not stored")
        return int(row_id)

    def for_thread(self, thread_id: str, limit: int = 1000) -> list[StoredToolCall]:
        rows = self._db.query(
            "SELECT * FROM tool_calls WHERE thread_id = ? ORDER BY id LIMIT ?",
            (thread_id, max(0, limit)),
        )
        return [_stored(row) for row in rows]

    def for_turn(self, turn_id: str) -> list[StoredToolCall]:
        rows = self._db.query("SELECT * FROM tool_calls WHERE turn_id = ? ORDER BY id", (turn_id,))
        return [_stored(row) for row in rows]

    def recent(self, limit: int = 50) -> list[StoredToolCall]:
        rows = self._db.query("SELECT * FROM tool_calls ORDER BY id DESC LIMIT ?", (max(0, limit),))
        return [_stored(row) for row in rows]
