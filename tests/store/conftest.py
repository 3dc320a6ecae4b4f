"""A real database file per test, in the test's own BASTION_HOME."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bastion.store.database import Database
from bastion.store.threads import SqliteThreadRepository
from bastion.store.tool_calls import SqliteToolCallRepository


@pytest.fixture
def db_path(bastion_home: Path) -> Path:
    return bastion_home / "bastion.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = Database(db_path)
    yield database
    database.close()


@pytest.fixture
def threads(db: Database) -> SqliteThreadRepository:
    return SqliteThreadRepository(db)


@pytest.fixture
def tool_calls(db: Database) -> SqliteToolCallRepository:
    return SqliteToolCallRepository(db)
