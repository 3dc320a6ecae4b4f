"""SQLite implementation of ``SecretStore``: the vault's ciphertext rows and its key canary.

This module never sees a secret value; encryption and decryption happen in ``bastion.vault``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from bastion.contracts.errors import StoreError
from bastion.store.clock import utc_now
from bastion.store.database import Database
from bastion.store.repositories import SecretRow

__all__ = ["SqliteSecretStore"]


def _hosts(raw: str) -> tuple[str, ...]:
    try:
        items = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise StoreError(f"corrupt hosts column: {exc}") from exc
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise StoreError("corrupt hosts column: not a list of strings")
    return tuple(items)


def _row(row: sqlite3.Row) -> SecretRow:
    return SecretRow(
        name=row["name"],
        salt=bytes(row["salt"]),
        nonce=bytes(row["nonce"]),
        ciphertext=bytes(row["ciphertext"]),
        hosts=_hosts(row["hosts"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


class SqliteSecretStore:
    """Encrypted secrets in the embedded database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def put(
        self, name: str, salt: bytes, nonce: bytes, ciphertext: bytes, hosts: Sequence[str]
    ) -> None:
        now = utc_now()
        with self._db.transaction() as db:
            db.execute(
                "INSERT INTO secrets(name, salt, nonce, ciphertext, hosts, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(name) DO UPDATE SET salt = excluded.salt, nonce = excluded.nonce,"
                " ciphertext = excluded.ciphertext, hosts = excluded.hosts,"
                " updated_at = excluded.updated_at",
                (name, salt, nonce, ciphertext, json.dumps(list(hosts)), now, now),
            )

    def get(self, name: str) -> SecretRow | None:
        row = self._db.query_one("SELECT * FROM secrets WHERE name = ?", (name,))
        return None if row is None else _row(row)

    def list(self) -> list[SecretRow]:
        return [_row(row) for row in self._db.query("SELECT * FROM secrets ORDER BY name")]

    def delete(self, name: str) -> bool:
        with self._db.transaction() as db:
            cursor = db.execute("DELETE FROM secrets WHERE name = ?", (name,))
            return cursor.rowcount > 0

    def count(self) -> int:
        row = self._db.query_one("SELECT COUNT(*) AS n FROM secrets")
        return int(row["n"]) if row else 0

    def get_canary(self) -> tuple[bytes, bytes, bytes] | None:
        row = self._db.query_one(
            "SELECT canary_salt, canary_nonce, canary_ciphertext FROM vault_meta WHERE id = 1"
        )
        if row is None:
            return None
        return bytes(row[0]), bytes(row[1]), bytes(row[2])

    def put_canary(self, salt: bytes, nonce: bytes, ciphertext: bytes) -> None:
        with self._db.transaction() as db:
            db.execute(
                "INSERT INTO vault_meta(id, canary_salt, canary_nonce, canary_ciphertext,"
                " created_at) VALUES (1, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET canary_salt = excluded.canary_salt,"
                " canary_nonce = excluded.canary_nonce,"
                " canary_ciphertext = excluded.canary_ciphertext,"
                " created_at = excluded.created_at",
                (salt, nonce, ciphertext, utc_now()),
            )
