"""The database file: WAL mode, private permissions, migrations applied once, damaged files and
unsupported URLs refused with a clear error."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bastion.app.bootstrap import open_database
from bastion.app.settings import load_settings
from bastion.contracts.errors import ConfigError, StoreError
from bastion.store.database import Database
from bastion.store.threads import SqliteThreadRepository


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_wal_mode_and_migrations_recorded_once(db_path: Path) -> None:
    db = Database(db_path)
    try:
        assert db.query_one("PRAGMA journal_mode")[0] == "wal"  # type: ignore[index]
        assert db.query_one("PRAGMA synchronous")[0] == 2  # type: ignore[index]  # FULL
        assert db.schema_version >= 2
        names = [row["name"] for row in db.query("SELECT name FROM schema_migrations")]
        assert "0001_core.sql" in names
        assert "0002_vault.sql" in names
    finally:
        db.close()
    again = Database(db_path)  # reopening applies nothing twice
    try:
        rows = again.query("SELECT version FROM schema_migrations")
        assert len(rows) == len({row["version"] for row in rows})
    finally:
        again.close()


def test_database_and_wal_files_are_private(db_path: Path) -> None:
    db = Database(db_path)
    try:
        SqliteThreadRepository(db).create_thread("t", "cli", "local")
        wal = db_path.with_name(db_path.name + "-wal")
        assert wal.exists()
        assert _mode(db_path) == 0o600
        assert _mode(wal) == 0o600
    finally:
        db.close()


def test_open_database_creates_a_private_home(tmp_path: Path) -> None:
    home = tmp_path / "fresh" / "home"
    settings = load_settings({"BASTION_HOME": str(home)})
    db = open_database(settings)
    try:
        assert _mode(home) == 0o700
        assert db.path == home / "bastion.db"
    finally:
        db.close()


def test_database_url_elsewhere_is_used(tmp_path: Path, bastion_home: Path) -> None:
    target = tmp_path / "elsewhere" / "x.db"
    settings = load_settings(
        {"BASTION_HOME": str(bastion_home), "BASTION_DATABASE_URL": f"sqlite:///{target}"}
    )
    open_database(settings).close()
    assert target.exists()


def test_postgres_is_refused_as_configuration(bastion_home: Path) -> None:
    settings = load_settings(
        {"BASTION_HOME": str(bastion_home), "BASTION_DATABASE_URL": "postgresql://u@h/db"}
    )
    with pytest.raises(ConfigError, match="not supported yet"):
        open_database(settings)


@pytest.mark.parametrize(
    "garbage",
    [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000],
)
def test_a_corrupt_file_is_a_store_error(db_path: Path, garbage: bytes) -> None:
    db_path.write_bytes(garbage)
    with pytest.raises(StoreError, match=str(db_path)):
        Database(db_path)
    assert db_path.read_bytes() == garbage  # nothing "repaired" over the user's file


def test_processes_opening_a_fresh_file_together_migrate_it_once(db_path: Path) -> None:
    # `bastion serve` and `bastion chat` started at the same moment on a new home.
    script = (
        "import sys; from pathlib import Path; from bastion.store.database import Database;"
        "db = Database(Path(sys.argv[1])); print(db.schema_version); db.close()"
    )
    children = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(db_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [child.communicate(timeout=60) for child in children]
    assert [child.returncode for child in children] == [0] * 4, [err for _, err in results]
    assert len({out.strip() for out, _ in results}) == 1
    db = Database(db_path)
    try:
        rows = db.query("SELECT version FROM schema_migrations")
        assert len(rows) == len({row["version"] for row in rows}) >= 2
    finally:
        db.close()
