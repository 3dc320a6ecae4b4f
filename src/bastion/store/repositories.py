"""The store's interfaces: what the rest of Bastion may ask of persistence.

The runner, kernel and vault depend on these Protocols and on the frozen records below, never on
SQLite. The SQLite implementations live in one module per noun (``threads``, ``tool_calls``,
``secrets``); a PostgreSQL backend adds its own modules implementing the same Protocols.

Every write method is one transaction: it happens entirely or not at all, and is on disk when
it returns, except inside ``ThreadRepository.deferred_sync()`` (see there).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from bastion.contracts.messages import Message, Usage

__all__ = [
    "SecretRow",
    "SecretStore",
    "StoredToolCall",
    "StoredTurn",
    "ThreadRecord",
    "ThreadRepository",
    "ThreadSummary",
    "ToolCallRecord",
    "ToolCallRepository",
]


# -- threads ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ThreadRecord:
    id: str
    session_id: str
    title: str
    channel: str
    user: str
    created_at: str  # ISO 8601, UTC
    updated_at: str
    turn_count: int = 0  # live (not undone) turns


@dataclass(frozen=True, slots=True)
class StoredTurn:
    """One committed turn: the messages it added to the thread, in order."""

    id: str
    thread_id: str
    seq: int  # 1, 2, 3… within the thread; undone turns keep their number
    model: str
    usage: Usage
    messages: tuple[Message, ...]
    created_at: str


@dataclass(frozen=True, slots=True)
class ThreadSummary:
    """A compaction summary: ``text`` stands for every live turn with ``seq <= through_seq``.
    The raw turns stay in the store; the summary only replaces them in the model's context."""

    thread_id: str
    through_turn_id: str
    through_seq: int
    text: str
    created_at: str


class ThreadRepository(Protocol):
    def deferred_sync(self) -> AbstractContextManager[None]:
        """A scope for one turn: the store's writes inside it (audit entries, tool-call
        records) may skip their own fsync; ``append_turn`` inside it, or else the end of the
        scope, makes them all durable at once."""
        ...

    def sync(self) -> None:
        """Make every write so far durable now (a no-op when none is pending)."""
        ...

    def create_session(self, channel: str, user: str) -> str:
        """A new session (one sitting of one user on one channel); returns its id."""
        ...

    def create_thread(
        self, title: str, channel: str, user: str, session_id: str | None = None
    ) -> str:
        """A new, empty thread; a session is created for it when none is given."""
        ...

    def get_thread(self, thread_id: str) -> ThreadRecord | None: ...

    def list_threads(
        self, channel: str | None = None, user: str | None = None, limit: int = 50
    ) -> list[ThreadRecord]:
        """Most recently updated first."""
        ...

    def rename_thread(self, thread_id: str, title: str) -> None: ...

    def append_turn(
        self,
        thread_id: str,
        messages: Sequence[Message],
        usage: Usage,
        model: str,
        turn_id: str | None = None,
    ) -> str:
        """Store a whole turn in ONE transaction and return its id. ``turn_id`` lets the caller
        choose the id up front (so tool-call records made during the turn can name it)."""
        ...

    def load_messages(self, thread_id: str, after_seq: int = 0) -> list[Message]:
        """The thread's messages in order, skipping undone turns and turns ``<= after_seq``."""
        ...

    def load_turns(self, thread_id: str) -> list[StoredTurn]:
        """The live turns in order, each with its messages."""
        ...

    def undo_last_turn(self, thread_id: str) -> str | None:
        """Mark the newest live turn as undone (kept, but no longer in the history); returns
        its id, or ``None`` when there is nothing to undo. Summaries covering it are dropped."""
        ...

    def save_summary(self, thread_id: str, through_turn_id: str, text: str) -> None: ...

    def latest_summary(self, thread_id: str) -> ThreadSummary | None: ...


# -- tool calls ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ToolCallRecord:
    """What the dispatcher records about one call. ``redacted_arguments`` and ``result_text``
    must already be redacted: the store writes what it is given."""

    thread_id: str
    tool: str
    arguments_digest: str
    redacted_arguments: str
    ok: bool
    result_text: str
    duration_ms: float
    turn_id: str | None = None
    call_id: str | None = None  # the model's id for the call
    decisions: tuple[str, ...] = field(default_factory=tuple)  # e.g. "schema:ok", "approval:auto"
    error: str | None = None


@dataclass(frozen=True, slots=True)
class StoredToolCall:
    id: int
    created_at: str
    record: ToolCallRecord


class ToolCallRepository(Protocol):
    def record(self, call: ToolCallRecord) -> int:
        """Store one call record; returns its id."""
        ...

    def for_thread(self, thread_id: str, limit: int = 1000) -> list[StoredToolCall]:
        """Oldest first."""
        ...

    def for_turn(self, turn_id: str) -> list[StoredToolCall]: ...

    def recent(self, limit: int = 50) -> list[StoredToolCall]:
        """Newest first."""
        ...


# -- vault ciphertexts -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SecretRow:
    """A stored secret as the store sees it: ciphertext only, never a value."""

    name: str
    salt: bytes
    nonce: bytes
    ciphertext: bytes
    hosts: tuple[str, ...]
    created_at: str
    updated_at: str

    def __repr__(self) -> str:
        return f"SecretRow(name={self.name!r}, hosts={self.hosts!r})"


class SecretStore(Protocol):
    def put(
        self, name: str, salt: bytes, nonce: bytes, ciphertext: bytes, hosts: Sequence[str]
    ) -> None:
        """Insert or replace; a replaced secret keeps its ``created_at``."""
        ...

    def get(self, name: str) -> SecretRow | None: ...

    def list(self) -> list[SecretRow]:
        """By name."""
        ...

    def delete(self, name: str) -> bool:
        """True when a row was removed."""
        ...

    def count(self) -> int: ...

    def get_canary(self) -> tuple[bytes, bytes, bytes] | None:
        """(salt, nonce, ciphertext) of the vault's key check, if one was written."""
        ...

    def put_canary(self, salt: bytes, nonce: bytes, ciphertext: bytes) -> None: ...
