"""Rows of the audit log, its signed head checkpoint and its verification key.

This module only stores; hashing and signing belong to ``bastion.kernel.audit_log``, which hands
``append`` a builder. The builder runs inside the same ``BEGIN IMMEDIATE`` transaction that reads
the current head and writes the new row and head, so appends from many threads (or processes)
keep the chain linear: each one sees the previous one's head.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from bastion.contracts.errors import StoreError
from bastion.store.database import Database

__all__ = ["GENESIS_HASH", "AuditEntry", "AuditHead", "AuditRepository"]

GENESIS_HASH = "0" * 64  # prev_hash of the first entry


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    ts: str
    kind: str
    payload: str  # canonical JSON text, exactly as hashed
    prev_hash: str
    hash: str
    signature: str  # hex


@dataclass(frozen=True, slots=True)
class AuditHead:
    seq: int
    hash: str
    signature: str  # hex, over the canonical ["head", seq, hash]


# Given (next seq, previous hash), return the new entry and the head that will point at it.
EntryBuilder = Callable[[int, str], tuple[AuditEntry, AuditHead]]


def _entry(row: sqlite3.Row) -> AuditEntry:
    return AuditEntry(
        seq=int(row["seq"]),
        ts=str(row["ts"]),
        kind=str(row["kind"]),
        payload=str(row["payload"]),
        prev_hash=str(row["prev_hash"]),
        hash=str(row["hash"]),
        signature=str(row["signature"]),
    )


class AuditRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def append(self, build: EntryBuilder) -> AuditEntry:
        with self._db.transaction() as db:
            last = db.query_one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            seq, prev_hash = (
                (int(last["seq"]) + 1, str(last["hash"])) if last else (1, GENESIS_HASH)
            )
            entry, head = build(seq, prev_hash)
            db.execute(
                "INSERT INTO audit_log (seq, ts, kind, payload, prev_hash, hash, signature)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.seq,
                    entry.ts,
                    entry.kind,
                    entry.payload,
                    entry.prev_hash,
                    entry.hash,
                    entry.signature,
                ),
            )
            db.execute(
                "INSERT INTO audit_head (id, seq, hash, signature) VALUES (1, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,"
                " signature = excluded.signature",
                (head.seq, head.hash, head.signature),
            )
        return entry

    def entries(self, *, after_seq: int = 0, limit: int | None = None) -> list[AuditEntry]:
        """Entries in storage order of ``seq`` (the verifier checks that order is the chain's)."""
        sql = "SELECT seq, ts, kind, payload, prev_hash, hash, signature FROM audit_log"
        sql += " WHERE seq > ? ORDER BY seq"
        params: list[int] = [after_seq]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_entry(row) for row in self._db.query(sql, params)]

    def count(self) -> int:
        row = self._db.query_one("SELECT COUNT(*) AS n FROM audit_log")
        return int(row["n"]) if row else 0

    def head(self) -> AuditHead | None:
        row = self._db.query_one("SELECT seq, hash, signature FROM audit_head WHERE id = 1")
        if row is None:
            return None
        return AuditHead(int(row["seq"]), str(row["hash"]), str(row["signature"]))

    def public_key(self) -> str | None:
        row = self._db.query_one("SELECT public_key FROM audit_keys WHERE id = 1")
        return str(row["public_key"]) if row else None

    def save_public_key(self, public_key_hex: str, created_at: str) -> None:
        """Record the verification key once; a different key later is refused, not replaced."""
        with self._db.transaction() as db:
            existing = db.query_one("SELECT public_key FROM audit_keys WHERE id = 1")
            if existing is None:
                db.execute(
                    "INSERT INTO audit_keys (id, public_key, created_at) VALUES (1, ?, ?)",
                    (public_key_hex, created_at),
                )
            elif existing["public_key"] != public_key_hex:
                raise StoreError("the audit log already has a different verification key")
