"""SQLite implementation of ``ThreadRepository``: sessions, threads, turns, messages, summaries.

A turn is the unit of history: all the messages one user request produced (the user message,
assistant answers, tool calls and tool results) are written in one transaction, so a crash
leaves either the whole turn or none of it. Undo marks a turn instead of deleting it, so the raw
history stays for audit and debugging.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Sequence
from contextlib import AbstractContextManager

from bastion.contracts.errors import StoreError
from bastion.contracts.messages import Message, Usage
from bastion.store.clock import utc_now
from bastion.store.database import Database
from bastion.store.message_rows import encode_tool_calls, message_from_row
from bastion.store.repositories import StoredTurn, ThreadRecord, ThreadSummary

__all__ = ["SqliteThreadRepository"]

_THREAD_COLUMNS = (
    "t.id, t.session_id, t.title, t.channel, t.user_name, t.created_at, t.updated_at,"
    " (SELECT COUNT(*) FROM turns u WHERE u.thread_id = t.id AND u.undone_at IS NULL)"
    " AS turn_count"
)


def _new_id() -> str:
    return uuid.uuid4().hex


def _thread(row: sqlite3.Row) -> ThreadRecord:
    return ThreadRecord(
        id=row["id"],
        session_id=row["session_id"],
        title=row["title"],
        channel=row["channel"],
        user=row["user_name"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        turn_count=int(row["turn_count"]),
    )


class SqliteThreadRepository:
    """Conversation history in the embedded database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def deferred_sync(self) -> AbstractContextManager[None]:
        return self._db.deferred_sync()

    def sync(self) -> None:
        self._db.sync()

    # -- sessions and threads ----------------------------------------------------------------
    def create_session(self, channel: str, user: str) -> str:
        session_id = _new_id()
        with self._db.transaction() as db:
            db.execute(
                "INSERT INTO sessions(id, channel, user_name, created_at) VALUES (?, ?, ?, ?)",
                (session_id, channel, user, utc_now()),
            )
        return session_id

    def create_thread(
        self, title: str, channel: str, user: str, session_id: str | None = None
    ) -> str:
        thread_id = _new_id()
        now = utc_now()
        with self._db.transaction() as db:
            if session_id is None:
                session_id = _new_id()
                db.execute(
                    "INSERT INTO sessions(id, channel, user_name, created_at) VALUES (?, ?, ?, ?)",
                    (session_id, channel, user, now),
                )
            elif db.query_one("SELECT 1 FROM sessions WHERE id = ?", (session_id,)) is None:
                raise StoreError(f"no session {session_id}")
            db.execute(
                "INSERT INTO threads(id, session_id, title, channel, user_name, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (thread_id, session_id, title, channel, user, now, now),
            )
        return thread_id

    def get_thread(self, thread_id: str) -> ThreadRecord | None:
        row = self._db.query_one(
            f"SELECT {_THREAD_COLUMNS} FROM threads t WHERE t.id = ?", (thread_id,)
        )
        return None if row is None else _thread(row)

    def list_threads(
        self, channel: str | None = None, user: str | None = None, limit: int = 50
    ) -> list[ThreadRecord]:
        rows = self._db.query(
            f"SELECT {_THREAD_COLUMNS} FROM threads t"
            " WHERE (?1 IS NULL OR t.channel = ?1) AND (?2 IS NULL OR t.user_name = ?2)"
            " ORDER BY t.updated_at DESC, t.rowid DESC LIMIT ?3",
            (channel, user, max(0, limit)),
        )
        return [_thread(row) for row in rows]

    def rename_thread(self, thread_id: str, title: str) -> None:
        with self._db.transaction() as db:
            cursor = db.execute(
                "UPDATE threads SET title = ?, updated_at = ? WHERE id = ?",
                (title, utc_now(), thread_id),
            )
            if cursor.rowcount == 0:
                raise StoreError(f"no thread {thread_id}")

    # -- turns -------------------------------------------------------------------------------
    def append_turn(
        self,
        thread_id: str,
        messages: Sequence[Message],
        usage: Usage,
        model: str,
        turn_id: str | None = None,
    ) -> str:
        if not messages:
            raise StoreError("a turn needs at least one message")
        turn_id = turn_id or _new_id()
        now = utc_now()
        # Durable even inside deferred_sync(): this fsync is what the turn's earlier deferred
        # writes (its audit entries, tool-call records) wait for.
        with self._db.transaction(durable=True) as db:
            if db.query_one("SELECT 1 FROM threads WHERE id = ?", (thread_id,)) is None:
                raise StoreError(f"no thread {thread_id}")
            seq_row = db.query_one(
                "SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM turns WHERE thread_id = ?",
                (thread_id,),
            )
            seq = int(seq_row["next"]) if seq_row else 1
            db.execute(
                "INSERT INTO turns(id, thread_id, seq, model, input_tokens, output_tokens,"
                " cost_usd, message_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    turn_id,
                    thread_id,
                    seq,
                    model,
                    usage.input_tokens,
                    usage.output_tokens,
                    usage.cost_usd,
                    len(messages),
                    now,
                ),
            )
            db.executemany(
                "INSERT INTO messages(turn_id, position, role, content, tool_calls,"
                " tool_call_id, name) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        turn_id,
                        position,
                        message.role,
                        message.content,
                        encode_tool_calls(message.tool_calls),
                        message.tool_call_id,
                        message.name,
                    )
                    for position, message in enumerate(messages)
                ],
            )
            db.execute("UPDATE threads SET updated_at = ? WHERE id = ?", (now, thread_id))
        return turn_id

    def load_messages(self, thread_id: str, after_seq: int = 0) -> list[Message]:
        rows = self._db.query(
            "SELECT m.* FROM messages m JOIN turns t ON t.id = m.turn_id"
            " WHERE t.thread_id = ? AND t.undone_at IS NULL AND t.seq > ?"
            " ORDER BY t.seq, m.position",
            (thread_id, after_seq),
        )
        return [message_from_row(row) for row in rows]

    def load_turns(self, thread_id: str) -> list[StoredTurn]:
        with self._db.transaction() as db:  # one snapshot for turns and their messages
            turns = db.query(
                "SELECT * FROM turns WHERE thread_id = ? AND undone_at IS NULL ORDER BY seq",
                (thread_id,),
            )
            rows = db.query(
                "SELECT m.* FROM messages m JOIN turns t ON t.id = m.turn_id"
                " WHERE t.thread_id = ? AND t.undone_at IS NULL ORDER BY t.seq, m.position",
                (thread_id,),
            )
        by_turn: dict[str, list[Message]] = {}
        for row in rows:
            by_turn.setdefault(row["turn_id"], []).append(message_from_row(row))
        result: list[StoredTurn] = []
        for turn in turns:
            messages = tuple(by_turn.get(turn["id"], ()))
            if len(messages) != turn["message_count"]:
                raise StoreError(f"turn {turn['id']} is incomplete: the store is corrupt")
            result.append(
                StoredTurn(
                    id=turn["id"],
                    thread_id=thread_id,
                    seq=int(turn["seq"]),
                    model=turn["model"],
                    usage=Usage(turn["input_tokens"], turn["output_tokens"], turn["cost_usd"]),
                    messages=messages,
                    created_at=turn["created_at"],
                )
            )
        return result

    def undo_last_turn(self, thread_id: str) -> str | None:
        with self._db.transaction() as db:
            row = db.query_one(
                "SELECT id, seq FROM turns WHERE thread_id = ? AND undone_at IS NULL"
                " ORDER BY seq DESC LIMIT 1",
                (thread_id,),
            )
            if row is None:
                return None
            now = utc_now()
            db.execute("UPDATE turns SET undone_at = ? WHERE id = ?", (now, row["id"]))
            # A summary that covers the undone turn would bring it back into the context.
            db.execute(
                "DELETE FROM thread_summaries WHERE thread_id = ? AND through_seq >= ?",
                (thread_id, row["seq"]),
            )
            db.execute("UPDATE threads SET updated_at = ? WHERE id = ?", (now, thread_id))
            turn_id: str = row["id"]
        return turn_id

    # -- compaction summaries ----------------------------------------------------------------
    def save_summary(self, thread_id: str, through_turn_id: str, text: str) -> None:
        with self._db.transaction() as db:
            row = db.query_one(
                "SELECT seq FROM turns WHERE id = ? AND thread_id = ? AND undone_at IS NULL",
                (through_turn_id, thread_id),
            )
            if row is None:
                raise StoreError(f"no live turn {through_turn_id} in thread {thread_id}")
            db.execute(
                "INSERT INTO thread_summaries(thread_id, through_turn_id, through_seq, text,"
                " created_at) VALUES (?, ?, ?, ?, ?)",
                (thread_id, through_turn_id, row["seq"], text, utc_now()),
            )

    def latest_summary(self, thread_id: str) -> ThreadSummary | None:
        row = self._db.query_one(
            "SELECT * FROM thread_summaries WHERE thread_id = ?"
            " ORDER BY through_seq DESC, id DESC LIMIT 1",
            (thread_id,),
        )
        if row is None:
            return None
        return ThreadSummary(
            thread_id=thread_id,
            through_turn_id=row["through_turn_id"],
            through_seq=int(row["through_seq"]),
            text=row["text"],
            created_at=row["created_at"],
        )
