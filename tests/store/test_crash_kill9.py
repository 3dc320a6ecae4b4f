"""A kill -9 at a random moment loses no committed turn and leaves no half-written one.

A real child process appends turns in a loop and reports each turn id only after its commit
returned; the parent kills it with SIGKILL at random moments, several rounds in a row, then
reopens the file and checks every reported turn, every stored turn, and SQLite's own integrity
check. The second variant writes each turn as the runner does: a tool-call record and a signed
audit entry committed without their own fsync (``deferred_sync``), then the durable turn; every
reported turn must keep those too, and the audit chain must verify.
"""

from __future__ import annotations

import os
import random
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.store.crash_writer import FixedKeys, turn_messages

from bastion.kernel.audit_log import AuditLog
from bastion.store.audit import AuditRepository
from bastion.store.database import Database
from bastion.store.threads import SqliteThreadRepository
from bastion.store.tool_calls import SqliteToolCallRepository

WRITER = Path(__file__).with_name("crash_writer.py")
ROUNDS = 6


def _run_and_kill(
    db_path: Path, thread_id: str, round_no: int, rng: random.Random, mode: tuple[str, ...]
) -> list[str]:
    """Start a writer, SIGKILL it at a random moment, return the complete lines it printed."""
    child = subprocess.Popen(
        [sys.executable, str(WRITER), str(db_path), thread_id, str(round_no), *mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    output = b""
    selector = selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ)
    kill_at: float | None = None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if kill_at is not None and time.monotonic() >= kill_at:
            break
        for _key, _mask in selector.select(timeout=0.005):
            chunk = os.read(child.stdout.fileno(), 65536)
            if not chunk:
                break
            output += chunk
        if kill_at is None and b"ready\n" in output:
            kill_at = time.monotonic() + rng.uniform(0.05, 0.35)
    child.send_signal(signal.SIGKILL)
    rest, errors = child.communicate(timeout=10)
    selector.close()
    assert child.returncode == -signal.SIGKILL, errors.decode(errors="replace")[-2000:]
    output += rest
    lines = output.split(b"\n")[:-1]  # the last piece may be a line cut short by the kill
    return [line.decode() for line in lines if line != b"ready"]


@pytest.mark.parametrize("deferred", [False, True], ids=["turns", "turns-with-deferred-writes"])
def test_kill9_loses_no_committed_turn(db_path: Path, deferred: bool) -> None:
    rng = random.Random()
    mode = ("deferred",) if deferred else ()
    setup = Database(db_path)
    thread_id = SqliteThreadRepository(setup).create_thread("crash", "cli", "local")
    setup.close()
    reported: dict[str, str] = {}
    for round_no in range(ROUNDS):
        for line in _run_and_kill(db_path, thread_id, round_no, rng, mode):
            turn_id, label = line.split(" ")
            reported[turn_id] = label

        db = Database(db_path)
        try:
            assert db.query_one("PRAGMA integrity_check")[0] == "ok"  # type: ignore[index]
            half_written = db.query(
                "SELECT t.id FROM turns t LEFT JOIN messages m ON m.turn_id = t.id"
                " GROUP BY t.id HAVING COUNT(m.id) != t.message_count"
            )
            assert half_written == []
            stored = {turn.id: turn for turn in SqliteThreadRepository(db).load_turns(thread_id)}
            if deferred:
                _check_deferred_writes(db, reported)
        finally:
            db.close()
        missing = set(reported) - set(stored)
        assert not missing, f"round {round_no}: committed turns lost: {sorted(missing)[:5]}"
        for turn in stored.values():
            # Every stored turn, reported or not (one may commit just before the kill), is whole.
            label = turn.messages[0].content.removeprefix("turn ")
            assert list(turn.messages) == turn_messages(label)
            if turn.id in reported:
                assert reported[turn.id] == label
        assert len(stored) - len(reported) <= round_no + 1  # at most one unreported per kill
    assert len(reported) >= ROUNDS  # the kills did land while turns were being written


def _check_deferred_writes(db: Database, reported: dict[str, str]) -> None:
    """The writes committed without their own fsync before each reported turn survived with
    it, and the signed audit chain is intact (no torn entry, head in step with the tail)."""
    calls = SqliteToolCallRepository(db)
    for turn_id, label in reported.items():
        assert [c.record.result_text for c in calls.for_turn(turn_id)] == [label]
    report = AuditLog(AuditRepository(db), FixedKeys()).verify()
    assert report.ok, report.describe()
    assert report.entries >= len(reported)
