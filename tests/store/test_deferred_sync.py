"""``Database.deferred_sync``: inside it, commits skip their fsync (``synchronous=NORMAL``) and
the durable commit or the scope's end makes them durable; everywhere else every commit is FULL.

SQLite reports the safety level a transaction commits with through ``PRAGMA synchronous``
(1 NORMAL, 2 FULL) read inside that transaction.
"""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest

from bastion.contracts.messages import Message, Usage
from bastion.store.approvals import ApprovalBinding, ApprovalRepository, Decider
from bastion.store.database import Database
from bastion.store.threads import SqliteThreadRepository

NORMAL, FULL = 1, 2


def _level(db: Database, *, durable: bool = False) -> int:
    """The safety level a write transaction commits with (it writes a row, so it counts)."""
    with db.transaction(durable=durable) as tx:
        tx.execute(
            "INSERT INTO sessions(id, channel, user_name, created_at) VALUES (?, 'c', 'u', 'now')",
            (os.urandom(8).hex(),),
        )
        row = tx.query_one("PRAGMA synchronous")
    assert row is not None
    return int(row[0])


def _autocommit_level(db: Database) -> int:
    row = db.query_one("PRAGMA synchronous")
    assert row is not None
    return int(row[0])


def test_every_commit_is_full_outside_a_scope(db: Database) -> None:
    assert _level(db) == FULL
    assert _autocommit_level(db) == FULL


def test_inside_a_scope_commits_are_normal_unless_durable(db: Database) -> None:
    with db.deferred_sync():
        assert _level(db) == NORMAL
        # A statement outside any transaction() (autocommit) keeps FULL, even right after.
        assert _autocommit_level(db) == FULL
        assert _level(db, durable=True) == FULL
        assert _level(db) == NORMAL
    assert _level(db) == FULL


def test_a_rolled_back_transaction_restores_full(db: Database) -> None:
    with db.deferred_sync():
        with pytest.raises(RuntimeError), db.transaction():
            raise RuntimeError("boom")
        assert _autocommit_level(db) == FULL


def test_deferred_commits_are_real_commits(db: Database, db_path: Path) -> None:
    other = Database(db_path)  # another connection, as another process would see the file
    try:
        with db.deferred_sync():
            _level(db)
            row = other.query_one("SELECT COUNT(*) FROM sessions")
            assert row is not None
            assert row[0] == 1
    finally:
        other.close()


def test_a_scope_without_a_durable_commit_fsyncs_the_wal_at_its_end(
    db: Database, db_path: Path, fsyncs: list[str]
) -> None:
    with db.deferred_sync():
        _level(db)
        _level(db)
        assert fsyncs == []  # nothing synced while the scope runs
    assert fsyncs == [f"{db_path}-wal", str(db_path.parent)]


def test_a_durable_commit_last_makes_the_end_of_the_scope_free(
    db: Database, threads: SqliteThreadRepository, fsyncs: list[str]
) -> None:
    thread_id = threads.create_thread("t", "cli", "u")
    with threads.deferred_sync():
        _level(db)
        threads.append_turn(thread_id, [Message("user", "hi")], Usage(), "m")
    assert fsyncs == []  # the turn's FULL commit already fsynced the WAL, deferred frames too
    with threads.deferred_sync():
        threads.append_turn(thread_id, [Message("user", "again")], Usage(), "m")
        _level(db)  # a deferred write after the durable one still needs the final sync
    assert len(fsyncs) == 2


def test_nested_scopes_sync_once_at_the_outer_end(db: Database, fsyncs: list[str]) -> None:
    with db.deferred_sync():
        with db.deferred_sync():
            _level(db)
        assert fsyncs == []
        assert _level(db) == NORMAL  # still inside the outer scope
    assert len(fsyncs) == 2


def test_an_empty_scope_syncs_nothing(db: Database, fsyncs: list[str]) -> None:
    with db.deferred_sync():
        pass
    assert fsyncs == []


def test_a_failing_turn_still_ends_durable(db: Database, fsyncs: list[str]) -> None:
    def failing_turn() -> None:
        with db.deferred_sync():
            _level(db)
            raise RuntimeError("the model failed")

    with pytest.raises(RuntimeError):
        failing_turn()
    assert len(fsyncs) == 2


def test_the_scope_covers_its_tasks_and_worker_threads_only(db: Database) -> None:
    levels: dict[str, int] = {}
    outside_done = threading.Event()

    def elsewhere() -> None:  # a thread of its own, not started from the scope's context
        levels["other thread"] = _level(db)
        outside_done.set()

    async def turn() -> None:
        with db.deferred_sync():
            levels["task"] = await asyncio.create_task(_async_level(db))
            levels["to_thread"] = await asyncio.to_thread(_level, db)
            thread = threading.Thread(target=elsewhere)
            thread.start()
            await asyncio.to_thread(outside_done.wait, 5)
            thread.join()

    async def beside() -> None:  # another task of the same loop, started outside the scope
        await asyncio.sleep(0)
        levels["other task"] = _level(db)

    async def main() -> None:
        await asyncio.gather(turn(), beside())

    asyncio.run(main())
    assert levels == {"task": NORMAL, "to_thread": NORMAL, "other thread": FULL, "other task": FULL}


async def _async_level(db: Database) -> int:
    return _level(db)


def test_another_database_in_the_scope_stays_full(db: Database, tmp_path: Path) -> None:
    other = Database(tmp_path / "other.db")
    try:
        with db.deferred_sync():
            assert _level(other) == FULL
    finally:
        other.close()


def test_consuming_an_approval_is_durable_inside_a_turn(
    db: Database, threads: SqliteThreadRepository, fsyncs: list[str]
) -> None:
    thread_id = threads.create_thread("t", "cli", "u")
    approvals = ApprovalRepository(db)
    binding = ApprovalBinding(thread_id, "cli", "u", "http_post", "d" * 64)
    with db.deferred_sync():
        approvals.create("a1", binding, risk="high", summary="s", reason="r", now=1, expires_at=9)
        decider = Decider("cli", "u", thread_id, "repl")
        assert approvals.decide("a1", approve=True, decider=decider, now=2).ok
        assert approvals.consume(binding, now=3) == "a1"
    # The consume committed FULL, which fsynced the deferred writes before it as well.
    assert fsyncs == []


def test_the_wal_folder_is_fsynced_once_per_connection(
    db: Database, db_path: Path, fsyncs: list[str]
) -> None:
    for _ in range(2):
        with db.deferred_sync():
            _level(db)
    wal = f"{db_path}-wal"
    assert fsyncs == [wal, str(db_path.parent), wal]
