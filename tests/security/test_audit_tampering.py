"""Audit tampering done directly in the SQLite file, as an attacker with the file would:
every edit, deletion, insertion, reordering, cut-off tail and key swap is named by verify."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from approval_world import MemoryKeys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bastion.kernel.audit_chain import entry_hash, head_message
from bastion.kernel.audit_log import AuditLog
from bastion.kernel.audit_verify import AuditReport
from bastion.store.audit import AuditRepository
from bastion.store.database import Database

ENTRIES = 6
Tamper = Callable[[sqlite3.Connection], None]


@pytest.fixture
def logged(tmp_path: Path) -> tuple[Path, MemoryKeys]:
    path = tmp_path / "bastion.db"
    keys = MemoryKeys()
    db = Database(path)
    log = AuditLog(AuditRepository(db), keys)
    for i in range(1, ENTRIES + 1):
        log.append("user.input", {"text": f"message {i}"})
    assert log.verify().ok
    db.close()
    return path, keys


def _tamper(path: Path, change: Tamper) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        connection.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        change(connection)
        connection.commit()
    finally:
        connection.close()


def _verify(path: Path, keys: MemoryKeys) -> AuditReport:
    db = Database(path)
    try:
        return AuditLog(AuditRepository(db), keys).verify()
    finally:
        db.close()


def _edit_payload(c: sqlite3.Connection) -> None:
    c.execute("""UPDATE audit_log SET payload = '{"text":"nothing to see"}' WHERE seq = 3""")


def _delete_row(c: sqlite3.Connection) -> None:
    c.execute("DELETE FROM audit_log WHERE seq = 3")


def _insert_forged(c: sqlite3.Connection) -> None:
    """A well-formed row that links and hashes correctly, signed with the attacker's key."""
    last_hash = c.execute("SELECT hash FROM audit_log WHERE seq = ?", (ENTRIES,)).fetchone()[0]
    seq, ts, kind, payload = ENTRIES + 1, "2026-01-01T00:00:00Z", "user.input", '{"text":"x"}'
    digest = entry_hash(seq, ts, kind, payload, last_hash)
    signature = Ed25519PrivateKey.generate().sign(digest.encode()).hex()
    c.execute(
        "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?)",
        (seq, ts, kind, payload, last_hash, digest, signature),
    )


def _swap_rows(c: sqlite3.Connection) -> None:
    columns = "ts, kind, payload, prev_hash, hash, signature"
    two = c.execute(f"SELECT {columns} FROM audit_log WHERE seq = 2").fetchone()
    three = c.execute(f"SELECT {columns} FROM audit_log WHERE seq = 3").fetchone()
    sets = "ts = ?, kind = ?, payload = ?, prev_hash = ?, hash = ?, signature = ?"
    c.execute(f"UPDATE audit_log SET {sets} WHERE seq = 2", three)
    c.execute(f"UPDATE audit_log SET {sets} WHERE seq = 3", two)


def _renumber_after_delete(c: sqlite3.Connection) -> None:
    """Delete entry 3 and renumber the rest, so there is no gap in seq."""
    c.execute("DELETE FROM audit_log WHERE seq = 3")
    for seq in range(4, ENTRIES + 1):
        c.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (seq - 1, seq))


def _cut_tail(c: sqlite3.Connection) -> None:
    c.execute("DELETE FROM audit_log WHERE seq > 4")


def _cut_tail_and_head(c: sqlite3.Connection) -> None:
    c.execute("DELETE FROM audit_log WHERE seq > 4")
    c.execute("DELETE FROM audit_head")


def _replace_public_key(c: sqlite3.Connection) -> None:
    attacker = Ed25519PrivateKey.generate().public_key().public_bytes_raw().hex()
    c.execute("UPDATE audit_keys SET public_key = ?", (attacker,))


def _re_sign_everything(c: sqlite3.Connection) -> None:
    """The strongest attack without the vault: rewrite entry 2, then re-hash and re-sign the
    whole chain and head with the attacker's own key, and put that key in the database."""
    attacker = Ed25519PrivateKey.generate()
    c.execute("""UPDATE audit_log SET payload = '{"text":"rewritten"}' WHERE seq = 2""")
    prev = "0" * 64
    rows = c.execute("SELECT seq, ts, kind, payload FROM audit_log ORDER BY seq").fetchall()
    for seq, ts, kind, payload in rows:
        digest = entry_hash(seq, ts, kind, payload, prev)
        c.execute(
            "UPDATE audit_log SET prev_hash = ?, hash = ?, signature = ? WHERE seq = ?",
            (prev, digest, attacker.sign(digest.encode()).hex(), seq),
        )
        prev = digest
    c.execute(
        "UPDATE audit_head SET hash = ?, signature = ?",
        (prev, attacker.sign(head_message(len(rows), prev)).hex()),
    )
    public = attacker.public_key().public_bytes_raw().hex()
    c.execute("UPDATE audit_keys SET public_key = ?", (public,))


@pytest.mark.parametrize(
    ("tamper", "bad_entry", "words"),
    [
        (_edit_payload, 3, "do not match its hash"),
        (_delete_row, 3, "missing"),
        (_insert_forged, ENTRIES + 1, "signature"),
        (_swap_rows, 2, "do not match its hash"),
        (_renumber_after_delete, 3, "do not match its hash"),
        (_cut_tail, 5, "cut off"),
        (_cut_tail_and_head, 4, "head checkpoint is missing"),
        (_replace_public_key, 1, "replaced"),
        (_re_sign_everything, 1, "replaced"),
    ],
)
def test_tampering_is_named(
    logged: tuple[Path, MemoryKeys], tamper: Tamper, bad_entry: int, words: str
) -> None:
    path, keys = logged
    _tamper(path, tamper)
    report = _verify(path, keys)
    assert not report.ok
    assert report.bad_seq == bad_entry, report.reason
    assert words in report.reason
    assert f"entry {bad_entry}" in report.describe()


def test_the_triggers_refuse_a_careless_edit(logged: tuple[Path, MemoryKeys]) -> None:
    path, _ = logged
    connection = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("UPDATE audit_log SET kind = 'x' WHERE seq = 1")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("DELETE FROM audit_log")
    finally:
        connection.close()


def test_an_old_head_replayed_is_caught(logged: tuple[Path, MemoryKeys]) -> None:
    """Cutting the tail and pointing the head at the new last entry needs a new signature."""
    path, keys = logged

    def cut_and_repoint(c: sqlite3.Connection) -> None:
        c.execute("DELETE FROM audit_log WHERE seq > 4")
        last = c.execute("SELECT hash FROM audit_log WHERE seq = 4").fetchone()[0]
        c.execute("UPDATE audit_head SET seq = 4, hash = ?", (last,))

    _tamper(path, cut_and_repoint)
    report = _verify(path, keys)
    assert not report.ok
    assert "head checkpoint's signature" in report.reason
