"""The embedded database: one SQLite file in WAL mode, versioned migrations applied at open.

Repositories (one module per noun under ``bastion.store``) take a ``Database`` and use
``transaction()`` for every write, so a crash at any point leaves either the whole write or none
of it. Migrations are the ``NNNN_name.sql`` files of ``bastion/store/migrations``, applied in
order, each in its own transaction, and recorded in ``schema_migrations``.

Durability: every commit is fsynced (``synchronous=FULL``) except inside ``deferred_sync()``,
where the writes a turn makes on its way (audit entries, tool-call records) skip their fsync and
the turn's own durable commit, or the end of the scope, makes them all durable at once.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from bastion.contracts.errors import ConfigError, StoreError
from bastion.store.sqlite_driver import driver

__all__ = ["Database", "Row"]

logger = logging.getLogger(__name__)

Row = sqlite3.Row
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

# The databases whose commits may skip their fsync in this context (a turn's task, the tasks it
# starts and the threads it hands work to: they all copy the context).
_deferring: ContextVar[frozenset[int]] = ContextVar("bastion_store_deferring", default=frozenset())


def _vector_extension_path() -> str | None:
    """Where sqlite-vec's loadable library is, found without importing the ``sqlite_vec``
    package (its ``__init__`` imports numpy, a third of a second on every command)."""
    spec = importlib.util.find_spec("sqlite_vec")
    if spec is None or not spec.submodule_search_locations:
        return None
    return str(Path(next(iter(spec.submodule_search_locations))) / "vec0")


def _load_vector_extension(connection: sqlite3.Connection) -> bool:
    path = _vector_extension_path()
    if path is None:
        logger.warning("sqlite-vec is not installed, vector search disabled")
        return False
    try:
        connection.enable_load_extension(True)
        connection.load_extension(path)
        connection.enable_load_extension(False)
    except (AttributeError, driver.OperationalError) as exc:
        logger.warning("sqlite-vec unavailable, vector search disabled: %s", exc)
        return False
    return True


class Database:
    """A thread-safe handle on one SQLite database file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        _create_private(path)
        try:
            self._connection: sqlite3.Connection = driver.connect(
                str(path), check_same_thread=False, isolation_level=None, timeout=30.0
            )
        except driver.Error as exc:
            raise StoreError(f"cannot open database {path}: {exc}") from exc
        self._connection.row_factory = driver.Row
        self._lock = threading.RLock()
        self._depth = 0
        self._unsynced = False  # a deferred commit is not on disk yet
        self._wal_entry_synced = False  # sync() has fsynced the WAL's folder
        self.has_vectors = _load_vector_extension(self._connection)
        try:
            mode = self._connection.execute("PRAGMA journal_mode=WAL").fetchone()
            self._wal = mode is not None and str(mode[0]).lower() == "wal"
            # FULL: every COMMIT is on disk before it returns, so a committed turn survives a
            # power cut too, not only a killed process. Only transactions inside
            # deferred_sync() commit with NORMAL, and only for their own COMMIT.
            self._connection.execute("PRAGMA synchronous=FULL")
            self._connection.execute("PRAGMA foreign_keys=ON")
            self._connection.execute("PRAGMA busy_timeout=30000")
        except driver.DatabaseError as exc:
            raise StoreError(f"{path} is not a usable SQLite database: {exc}") from exc
        self._migrate()

    @classmethod
    def from_url(cls, url: str) -> Database:
        if url.startswith("sqlite:///"):
            return cls(Path(url.removeprefix("sqlite:///")))
        raise ConfigError(
            f"database URL {url.split(':', 1)[0]}://… is not supported yet; use sqlite:///PATH"
        )

    # -- queries -----------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        with self._lock:
            try:
                return self._connection.execute(sql, params)
            except driver.Error as exc:
                raise StoreError(f"database error: {exc}") from exc

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._lock:
            try:
                self._connection.executemany(sql, rows)
            except driver.Error as exc:
                raise StoreError(f"database error: {exc}") from exc

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self.execute(sql, params).fetchall()

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        with self._lock:
            row: sqlite3.Row | None = self.execute(sql, params).fetchone()
            return row

    @contextmanager
    def transaction(self, *, durable: bool = False) -> Iterator[Database]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception. Nested calls join the outer.

        The COMMIT is fsynced unless it runs inside ``deferred_sync()`` and is not ``durable``.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            deferred = self._wal and not durable and id(self) in _deferring.get()
            if deferred:
                # NORMAL in WAL mode: the commit reaches the WAL (a killed process loses
                # nothing) without an fsync; the next FULL commit fsyncs the WAL, and with it
                # this commit. The safety level cannot change inside a transaction: set it here.
                self._connection.execute("PRAGMA synchronous=NORMAL")
            try:
                changes = self._connection.total_changes
                self.execute("BEGIN IMMEDIATE")
                self._depth = 1
                try:
                    yield self
                except BaseException:
                    self._depth = 0
                    self._connection.execute("ROLLBACK")
                    raise
                self._depth = 0
                try:
                    self._connection.execute("COMMIT")
                except driver.Error as exc:
                    self._connection.execute("ROLLBACK")
                    raise StoreError(f"commit failed: {exc}") from exc
            finally:
                if deferred:
                    self._connection.execute("PRAGMA synchronous=FULL")
            if deferred:
                self._unsynced = True
            elif self._connection.total_changes != changes:
                self._unsynced = False  # a FULL commit that wrote a row fsynced the whole WAL

    @contextmanager
    def deferred_sync(self) -> Iterator[None]:
        """Let the commits made in this context skip their fsync until the scope ends.

        For the writes one turn makes before its own commit: that commit is ``durable``, and
        in WAL mode its fsync covers every earlier commit too. A scope that ends without one
        (the model failed) fsyncs the WAL itself. Kill -9 never loses a deferred commit; a
        power cut can lose the deferred commits of the turn in flight, never a finished turn.
        """
        token = _deferring.set(_deferring.get() | {id(self)})
        try:
            yield
        finally:
            _deferring.reset(token)
            if id(self) not in _deferring.get():  # the outermost scope
                self.sync()

    def sync(self) -> None:
        """Make every commit so far durable when a deferred one is not yet: fsync the WAL file
        (``<name>-wal``, SQLite's fixed name). Every commit is in the WAL or already
        checkpointed into the main file, which SQLite fsyncs before it resets the WAL."""
        with self._lock:
            if not self._unsynced:
                return
            wal = self.path.with_name(self.path.name + "-wal")
            # The folder once, in case the file is new: SQLite keeps the WAL file (never
            # unlinks it) while this connection is open.
            targets = (wal,) if self._wal_entry_synced else (wal, wal.parent)
            try:
                for target in targets:
                    descriptor = os.open(target, os.O_RDONLY)
                    try:
                        os.fsync(descriptor)
                    finally:
                        os.close(descriptor)
            except OSError as exc:
                raise StoreError(f"cannot sync {wal}: {exc.strerror}") from exc
            self._unsynced = False
            self._wal_entry_synced = True

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    # -- migrations --------------------------------------------------------------------------
    def _migrate(self) -> None:
        self.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
        )
        applied = {row["version"] for row in self.query("SELECT version FROM schema_migrations")}
        for version, name, sql in _migrations():
            if version in applied:
                continue
            if "vec0" in sql and not self.has_vectors:
                raise StoreError(f"migration {name} needs sqlite-vec, which did not load")
            with self.transaction():
                # Another process may have applied it while we waited for the write lock.
                if self.query_one("SELECT 1 FROM schema_migrations WHERE version = ?", (version,)):
                    continue
                for statement in _statements(sql):
                    self.execute(statement)
                self.execute(
                    "INSERT INTO schema_migrations(version, name) VALUES (?, ?)", (version, name)
                )
            logger.info("applied migration %s", name)

    @property
    def schema_version(self) -> int:
        row = self.query_one("SELECT MAX(version) AS v FROM schema_migrations")
        return int(row["v"]) if row and row["v"] is not None else 0


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only. It holds conversations and the
    vault's ciphertexts; SQLite gives its -wal and -shm files the same mode."""
    if str(path) == ":memory:":
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    except OSError as exc:
        raise StoreError(f"cannot create database {path}: {exc.strerror}") from exc


def _migrations() -> list[tuple[int, str, str]]:
    found: list[tuple[int, str, str]] = []
    for entry in importlib.resources.files("bastion.store.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [version for version, _, _ in found]
    if len(set(versions)) != len(versions):
        raise StoreError("two migrations share a version number; renumber one")
    return found


def _statements(sql: str) -> list[str]:
    """Split a migration into statements; ``sqlite3.complete_statement`` keeps triggers whole."""
    statements: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        if not buffer and line.strip().startswith("--"):
            continue
        buffer += line
        if driver.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
