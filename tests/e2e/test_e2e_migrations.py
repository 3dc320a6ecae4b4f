"""Migration 0006 owns the memory vector change journal: a new database has it from the start,
and a database from before the migration (the table made at run time) upgrades in place."""

from __future__ import annotations

import sqlite3

from tests.e2e.conftest import Bastion

JOURNAL = "memory_vector_changes"


def _tables(bastion: Bastion) -> set[str]:
    with sqlite3.connect(bastion.home / "bastion.db") as db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _versions(bastion: Bastion) -> list[int]:
    with sqlite3.connect(bastion.home / "bastion.db") as db:
        return [row[0] for row in db.execute("SELECT version FROM schema_migrations")]


def test_a_new_database_has_the_journal_from_its_migration(bastion: Bastion) -> None:
    assert bastion("audit", "verify").code == 0  # any command opens (and migrates) the database
    assert JOURNAL in _tables(bastion)
    assert 6 in _versions(bastion)


def test_a_database_with_the_journal_made_at_run_time_upgrades_and_keeps_its_entries(
    bastion: Bastion,
) -> None:
    assert bastion("audit", "verify").code == 0
    # Back to the shape of an older database: no migration 0006, the journal made at run time
    # (with the old statement) and holding entries.
    with sqlite3.connect(bastion.home / "bastion.db") as db:
        db.execute("DELETE FROM schema_migrations WHERE version = 6")
        db.execute(f"DROP TABLE {JOURNAL}")
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {JOURNAL} ("
            " seq INTEGER PRIMARY KEY AUTOINCREMENT, chunk_id INTEGER NOT NULL,"
            " added INTEGER NOT NULL)"
        )
        db.executemany(f"INSERT INTO {JOURNAL}(chunk_id, added) VALUES (?, 1)", [(7,), (8,)])
    note = bastion.home / "note.md"
    note.write_text("The migration keeps the journal.")
    assert bastion("memory", "write", "notes/m.md", str(note)).code == 0
    assert 6 in _versions(bastion)
    with sqlite3.connect(bastion.home / "bastion.db") as db:
        rows = db.execute(f"SELECT chunk_id FROM {JOURNAL} ORDER BY seq").fetchall()
    assert rows[:2] == [(7,), (8,)]
    found = bastion("memory", "search", "journal", "--json")
    assert found.code == 0, found.err
    assert [r["path"] for r in found.json()["results"]] == ["notes/m.md"]
