"""Every dispatched call leaves one exact record, findable by thread and by turn."""

from __future__ import annotations

import pytest

from bastion.contracts.errors import StoreError
from bastion.store.database import Database
from bastion.store.repositories import ToolCallRecord
from bastion.store.tool_calls import SqliteToolCallRepository


def _record(n: int, thread: str = "th", turn: str | None = "tu", ok: bool = True) -> ToolCallRecord:
    return ToolCallRecord(
        thread_id=thread,
        tool="echo",
        arguments_digest=f"{n:064x}",
        redacted_arguments='{"text": "[REDACTED:github_token]"}',
        ok=ok,
        result_text=f"result {n}",
        duration_ms=1.5 * n,
        turn_id=turn,
        call_id=f"call_{n}",
        decisions=("schema:ok", "policy:allow"),
        error=None if ok else "boom",
    )


def test_records_round_trip(tool_calls: SqliteToolCallRepository) -> None:
    first = tool_calls.record(_record(1))
    second = tool_calls.record(_record(2, ok=False))
    stored = tool_calls.for_thread("th")
    assert [s.id for s in stored] == [first, second]
    assert [s.record for s in stored] == [_record(1), _record(2, ok=False)]
    assert stored[0].created_at.endswith("Z")


def test_lookup_by_turn_and_recency(tool_calls: SqliteToolCallRepository) -> None:
    tool_calls.record(_record(1, turn="a"))
    tool_calls.record(_record(2, turn=None))  # a one-off call outside any turn
    tool_calls.record(_record(3, thread="other", turn="b"))
    assert [s.record.call_id for s in tool_calls.for_turn("a")] == ["call_1"]
    assert [s.record.call_id for s in tool_calls.recent(2)] == ["call_3", "call_2"]
    assert tool_calls.for_thread("th", limit=1)[0].record.call_id == "call_1"


def test_damaged_decisions_are_reported(tool_calls: SqliteToolCallRepository, db: Database) -> None:
    tool_calls.record(_record(1))
    db.execute("UPDATE tool_calls SET decisions = '[1, 2]'")
    with pytest.raises(StoreError, match="decisions"):
        tool_calls.recent()
