"""Approval requests and "always allow" grants, as rows.

Every state change is one conditional ``UPDATE`` whose ``WHERE`` clause carries the whole
precondition (state, expiry and binding), and whose rowcount says whether it happened. There is
no read-then-write window: two deciders or two consumers racing for one request cannot both win,
and a request can never be consumed by a call other than the one it is bound to.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from bastion.store.database import Database

__all__ = [
    "ApprovalBinding",
    "ApprovalRepository",
    "ApprovalRequest",
    "ApprovalState",
    "Decider",
    "DecisionResult",
]


class ApprovalState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    CONSUMED = "consumed"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class ApprovalBinding:
    """The exact call an approval covers."""

    thread_id: str
    channel: str
    user: str
    tool: str
    digest: str  # SHA-256 of the canonical JSON arguments


@dataclass(frozen=True, slots=True)
class Decider:
    """Who decides. ``thread_id`` is None only for the local operator console (the CLI), which
    is not inside any thread; it is still bound to a channel and a user."""

    channel: str
    user: str
    thread_id: str | None
    via: str  # "repl", "cli", "web"…: recorded, never trusted for matching


@dataclass(frozen=True, slots=True)
class ApprovalRequest:
    id: str
    binding: ApprovalBinding
    risk: str
    summary: str
    reason: str
    state: ApprovalState
    created_at: float
    expires_at: float
    decided_at: float | None = None
    decided_channel: str | None = None
    decided_user: str | None = None
    decided_via: str | None = None
    consumed_at: float | None = None


@dataclass(frozen=True, slots=True)
class DecisionResult:
    ok: bool
    request: ApprovalRequest | None  # None: no request with that id
    refusal: str = ""  # one line when not ok


_COLUMNS = (
    "id, thread_id, channel, user_id, tool, digest, risk, summary, reason, state, created_at,"
    " expires_at, decided_at, decided_channel, decided_user, decided_via, consumed_at"
)


def _request(row: sqlite3.Row) -> ApprovalRequest:
    return ApprovalRequest(
        id=row["id"],
        binding=ApprovalBinding(
            row["thread_id"], row["channel"], row["user_id"], row["tool"], row["digest"]
        ),
        risk=row["risk"],
        summary=row["summary"],
        reason=row["reason"],
        state=ApprovalState(row["state"]),
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        decided_at=row["decided_at"],
        decided_channel=row["decided_channel"],
        decided_user=row["decided_user"],
        decided_via=row["decided_via"],
        consumed_at=row["consumed_at"],
    )


_BINDING_MATCH = "thread_id = ? AND channel = ? AND user_id = ? AND tool = ? AND digest = ?"


def _binding_params(binding: ApprovalBinding) -> tuple[str, str, str, str, str]:
    return (binding.thread_id, binding.channel, binding.user, binding.tool, binding.digest)


# A request ``decider`` may decide now: still pending, unexpired, its own channel and user (and
# thread, when the decider is inside one).
_DECIDABLE = (
    "id = ? AND state = 'pending' AND expires_at > ?"
    " AND channel = ? AND user_id = ? AND (? IS NULL OR thread_id = ?)"
)


def _decidable(approval_id: str, decider: Decider, now: float) -> tuple[object, ...]:
    return (
        approval_id,
        now,
        decider.channel,
        decider.user,
        decider.thread_id,
        decider.thread_id,
    )


def _decision(decider: Decider, now: float) -> tuple[object, ...]:
    """decided_at, decided_channel, decided_user, decided_via."""
    return (now, decider.channel, decider.user, decider.via)


class ApprovalRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def create(
        self,
        approval_id: str,
        binding: ApprovalBinding,
        *,
        risk: str,
        summary: str,
        reason: str,
        now: float,
        expires_at: float,
    ) -> ApprovalRequest:
        with self._db.transaction() as db:
            db.execute(
                "INSERT INTO approvals (id, thread_id, channel, user_id, tool, digest, risk,"
                " summary, reason, state, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
                (approval_id, *_binding_params(binding), risk, summary, reason, now, expires_at),
            )
        created = self.get(approval_id)
        if created is None:  # the INSERT committed, so this would be a store fault
            raise LookupError(approval_id)
        return created

    def get(self, approval_id: str) -> ApprovalRequest | None:
        row = self._db.query_one(f"SELECT {_COLUMNS} FROM approvals WHERE id = ?", (approval_id,))
        return _request(row) if row else None

    def find_open(self, binding: ApprovalBinding, now: float) -> ApprovalRequest | None:
        """The newest unexpired request for this exact call that is still pending, approved, or
        denied (a denial stands until it expires, so a retry is not a way to nag)."""
        row = self._db.query_one(
            f"SELECT {_COLUMNS} FROM approvals WHERE {_BINDING_MATCH}"
            " AND state IN ('pending', 'approved', 'denied') AND expires_at > ?"
            " ORDER BY created_at DESC, rowid DESC LIMIT 1",
            (*_binding_params(binding), now),
        )
        return _request(row) if row else None

    def requests(
        self, now: float, states: Collection[ApprovalState] | None = None
    ) -> list[ApprovalRequest]:
        """Every request, oldest first (expiring the overdue ones first), optionally filtered."""
        self.expire_due(now)
        rows = self._db.query(f"SELECT {_COLUMNS} FROM approvals ORDER BY created_at, rowid")
        found = [_request(row) for row in rows]
        return [r for r in found if states is None or r.state in states]

    def expire_due(self, now: float) -> int:
        with self._db.transaction() as db:
            cursor = db.execute(
                "UPDATE approvals SET state = 'expired'"
                " WHERE state IN ('pending', 'approved') AND expires_at <= ?",
                (now,),
            )
            return int(cursor.rowcount)

    def decide(
        self, approval_id: str, *, approve: bool, decider: Decider, now: float
    ) -> DecisionResult:
        """pending -> approved|denied, only for the request's own channel and user (and thread,
        when the decider is inside one). One conditional UPDATE; rowcount 1 means it happened."""
        new_state = ApprovalState.APPROVED if approve else ApprovalState.DENIED
        with self._db.transaction() as db:
            cursor = db.execute(
                "UPDATE approvals SET state = ?, decided_at = ?, decided_channel = ?,"
                f" decided_user = ?, decided_via = ? WHERE {_DECIDABLE}",
                (new_state.value, *_decision(decider, now), *_decidable(approval_id, decider, now)),
            )
            changed = cursor.rowcount == 1
        request = self.get(approval_id)
        if changed:
            return DecisionResult(ok=True, request=request)
        return DecisionResult(ok=False, request=request, refusal=_why_not(request, decider, now))

    def approve_and_consume(
        self, approval_id: str, binding: ApprovalBinding, *, decider: Decider, now: float
    ) -> DecisionResult:
        """pending -> consumed for this exact call in one conditional UPDATE: an inline "yes"
        for the call being run now. There is no moment at which the request is approved but
        unspent, so a parallel identical call cannot take it first. Durable, as ``consume``."""
        with self._db.transaction(durable=True) as db:
            cursor = db.execute(
                "UPDATE approvals SET state = 'consumed', decided_at = ?, decided_channel = ?,"
                " decided_user = ?, decided_via = ?, consumed_at = ?"
                f" WHERE {_DECIDABLE} AND {_BINDING_MATCH}",
                (
                    *_decision(decider, now),
                    now,
                    *_decidable(approval_id, decider, now),
                    *_binding_params(binding),
                ),
            )
            changed = cursor.rowcount == 1
        request = self.get(approval_id)
        if changed:
            return DecisionResult(ok=True, request=request)
        refusal = _why_not(request, decider, now)
        if request is not None and request.binding != binding:
            refusal = f"request {request.id} covers another call"
        return DecisionResult(ok=False, request=request, refusal=refusal)

    def consume(
        self, binding: ApprovalBinding, now: float, approval_id: str | None = None
    ) -> str | None:
        """approved -> consumed for this exact call; returns the consumed id, or None.

        The UPDATE re-states the whole binding, expiry and state, so even with the id known a
        call with other arguments, or from another thread, channel or user, consumes nothing.
        Durable even inside a turn's deferred_sync(): a power cut must not hand a spent,
        single-use approval back for a second run of the call.
        """
        with self._db.transaction(durable=True) as db:
            if approval_id is None:
                row = db.query_one(
                    f"SELECT id FROM approvals WHERE {_BINDING_MATCH}"
                    " AND state = 'approved' AND expires_at > ?"
                    " ORDER BY created_at, rowid LIMIT 1",
                    (*_binding_params(binding), now),
                )
                if row is None:
                    return None
                approval_id = str(row["id"])
            cursor = db.execute(
                "UPDATE approvals SET state = 'consumed', consumed_at = ?"
                f" WHERE id = ? AND state = 'approved' AND expires_at > ? AND {_BINDING_MATCH}",
                (now, approval_id, now, *_binding_params(binding)),
            )
            return approval_id if cursor.rowcount == 1 else None

    # -- "always allow" -----------------------------------------------------------------------
    def grant(self, tool: str, *, scope: str, channel: str, user: str, now: float) -> None:
        with self._db.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO approval_grants (tool, scope, channel, user_id, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (tool, scope, channel, user, now),
            )

    def has_grant(self, tool: str, *, thread_id: str, channel: str, user: str) -> bool:
        row = self._db.query_one(
            "SELECT 1 FROM approval_grants WHERE tool = ? AND scope IN (?, '*')"
            " AND channel = ? AND user_id = ? LIMIT 1",
            (tool, thread_id, channel, user),
        )
        return row is not None


def _why_not(request: ApprovalRequest | None, decider: Decider, now: float) -> str:
    if request is None:
        return "no such approval request"
    binding = request.binding
    if request.state is not ApprovalState.PENDING:
        return f"request {request.id} is already {request.state.value}"
    if request.expires_at <= now:
        return f"request {request.id} has expired"
    if binding.channel != decider.channel:
        return (
            f"request {request.id} belongs to channel {binding.channel!r}; it can only be"
            f" decided from that channel, not from {decider.channel!r}"
        )
    if binding.user != decider.user:
        return f"request {request.id} belongs to another user; only that user can decide it"
    return f"request {request.id} belongs to another thread; decide it from its own thread"
