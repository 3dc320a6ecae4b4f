"""Threads, turns and messages round-trip exactly, a turn is all-or-nothing, undo and summaries
behave as the loop expects, and a damaged row is reported instead of half-parsed."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest

from bastion.contracts.errors import StoreError
from bastion.contracts.messages import Message, Role, ToolCallRequest, Usage
from bastion.store.database import Database
from bastion.store.threads import SqliteThreadRepository


def _turn(n: int) -> list[Message]:
    call = ToolCallRequest(id=f"call_{n}", name="echo", arguments_json='{"text": "héllo ✓"}')
    return [
        Message("user", f"question {n}"),
        Message("assistant", "", tool_calls=(call,)),
        Message("tool", f"result {n}", tool_call_id=f"call_{n}", name="echo"),
        Message("assistant", f"answer {n}"),
    ]


def test_messages_round_trip_every_field(threads: SqliteThreadRepository) -> None:
    thread = threads.create_thread("first", "cli", "local")
    broken_json_call = ToolCallRequest("c2", "json", "{not json")  # raw model output is kept
    messages = [
        *_turn(1),
        Message("assistant", "two", tool_calls=(broken_json_call, ToolCallRequest("c3", "t", ""))),
    ]
    threads.append_turn(thread, messages, Usage(10, 20, 0.5), "model-a")
    assert threads.load_messages(thread) == messages
    [turn] = threads.load_turns(thread)
    assert (turn.seq, turn.model, turn.usage) == (1, "model-a", Usage(10, 20, 0.5))
    assert turn.messages == tuple(messages)


def test_turns_keep_their_order_and_after_seq_skips(threads: SqliteThreadRepository) -> None:
    thread = threads.create_thread("t", "cli", "local")
    ids = [threads.append_turn(thread, _turn(n), Usage(), "m") for n in range(3)]
    assert [t.id for t in threads.load_turns(thread)] == ids
    assert threads.load_messages(thread, after_seq=2) == _turn(2)
    record = threads.get_thread(thread)
    assert record is not None
    assert record.turn_count == 3


def test_caller_chosen_turn_id_and_duplicate_refused(threads: SqliteThreadRepository) -> None:
    thread = threads.create_thread("t", "cli", "local")
    assert threads.append_turn(thread, _turn(1), Usage(), "m", turn_id="turn-x") == "turn-x"
    with pytest.raises(StoreError):
        threads.append_turn(thread, _turn(2), Usage(), "m", turn_id="turn-x")
    assert threads.load_messages(thread) == _turn(1)


def test_a_failing_message_rolls_back_the_whole_turn(
    threads: SqliteThreadRepository, db: Database
) -> None:
    thread = threads.create_thread("t", "cli", "local")
    threads.append_turn(thread, _turn(1), Usage(), "m")
    # The third message violates the role CHECK: the turn row and the first two messages,
    # already inserted inside the transaction, must disappear with it.
    bad = [Message("user", "a"), Message("assistant", "b"), Message(cast(Role, "evil"), "c")]
    with pytest.raises(StoreError):
        threads.append_turn(thread, bad, Usage(), "m")
    assert threads.load_messages(thread) == _turn(1)
    assert db.query_one("SELECT COUNT(*) AS n FROM turns")["n"] == 1  # type: ignore[index]
    assert db.query_one("SELECT COUNT(*) AS n FROM messages")["n"] == 4  # type: ignore[index]


def test_unknown_thread_and_empty_turn_are_refused(threads: SqliteThreadRepository) -> None:
    with pytest.raises(StoreError, match="no thread"):
        threads.append_turn("missing", _turn(1), Usage(), "m")
    thread = threads.create_thread("t", "cli", "local")
    with pytest.raises(StoreError, match="at least one message"):
        threads.append_turn(thread, [], Usage(), "m")
    with pytest.raises(StoreError, match="no session"):
        threads.create_thread("t", "cli", "local", session_id="nope")
    assert threads.get_thread("missing") is None


def test_threads_list_newest_first_and_filter(threads: SqliteThreadRepository) -> None:
    session = threads.create_session("web", "ana")
    a = threads.create_thread("a", "web", "ana", session_id=session)
    b = threads.create_thread("b", "cli", "local")
    threads.append_turn(a, _turn(1), Usage(), "m")  # a becomes the most recently updated
    assert [t.id for t in threads.list_threads()] == [a, b]
    assert [t.id for t in threads.list_threads(channel="cli")] == [b]
    assert [t.id for t in threads.list_threads(user="ana")] == [a]
    assert threads.list_threads(limit=1)[0].session_id == session
    threads.rename_thread(b, "renamed")
    assert threads.get_thread(b).title == "renamed"  # type: ignore[union-attr]
    with pytest.raises(StoreError):
        threads.rename_thread("missing", "x")


def test_undo_hides_the_last_turn_but_keeps_numbering(
    threads: SqliteThreadRepository, db: Database
) -> None:
    thread = threads.create_thread("t", "cli", "local")
    assert threads.undo_last_turn(thread) is None
    first = threads.append_turn(thread, _turn(1), Usage(), "m")
    second = threads.append_turn(thread, _turn(2), Usage(), "m")
    assert threads.undo_last_turn(thread) == second
    assert threads.load_messages(thread) == _turn(1)
    third = threads.append_turn(thread, _turn(3), Usage(), "m")
    assert [t.seq for t in threads.load_turns(thread)] == [1, 3]
    assert threads.undo_last_turn(thread) == third
    assert threads.undo_last_turn(thread) == first
    assert threads.load_messages(thread) == []
    # Raw history stays in the store.
    assert db.query_one("SELECT COUNT(*) AS n FROM turns")["n"] == 3  # type: ignore[index]


def test_summaries_cover_turns_and_undo_drops_stale_ones(threads: SqliteThreadRepository) -> None:
    thread = threads.create_thread("t", "cli", "local")
    ids = [threads.append_turn(thread, _turn(n), Usage(), "m") for n in range(3)]
    assert threads.latest_summary(thread) is None
    threads.save_summary(thread, ids[0], "summary of one")
    threads.save_summary(thread, ids[1], "summary of two")
    latest = threads.latest_summary(thread)
    assert latest is not None
    assert (latest.text, latest.through_seq) == ("summary of two", 2)
    assert latest.through_turn_id == ids[1]
    threads.undo_last_turn(thread)  # turn 3: both summaries still valid
    assert threads.latest_summary(thread).text == "summary of two"  # type: ignore[union-attr]
    threads.undo_last_turn(thread)  # turn 2: its summary would resurrect it
    assert threads.latest_summary(thread).text == "summary of one"  # type: ignore[union-attr]
    with pytest.raises(StoreError, match="no live turn"):
        threads.save_summary(thread, ids[1], "covers an undone turn")
    other = threads.create_thread("other", "cli", "local")
    with pytest.raises(StoreError):
        threads.save_summary(other, ids[0], "a turn of another thread")


def test_history_survives_reopening(db_path: Path) -> None:
    first = Database(db_path)
    repo = SqliteThreadRepository(first)
    thread = repo.create_thread("t", "cli", "local")
    repo.append_turn(thread, _turn(7), Usage(1, 2), "m")
    first.close()
    again = Database(db_path)
    try:
        assert SqliteThreadRepository(again).load_messages(thread) == _turn(7)
    finally:
        again.close()


def test_damaged_rows_are_reported_not_half_parsed(
    threads: SqliteThreadRepository, db: Database
) -> None:
    thread = threads.create_thread("t", "cli", "local")
    turn = threads.append_turn(thread, _turn(1), Usage(), "m")
    db.execute("UPDATE messages SET tool_calls = '{\"id\": 1}' WHERE position = 1")
    with pytest.raises(StoreError, match="tool_calls"):
        threads.load_messages(thread)
    db.execute("UPDATE messages SET tool_calls = '[' WHERE position = 1")
    with pytest.raises(StoreError, match="tool_calls"):
        threads.load_messages(thread)
    db.execute("UPDATE messages SET tool_calls = '[]'")
    db.execute("DELETE FROM messages WHERE turn_id = ? AND position = 3", (turn,))
    with pytest.raises(StoreError, match="incomplete"):
        threads.load_turns(thread)
