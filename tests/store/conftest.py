"""The repositories over the per-test database file (``db``, from tests/conftest.py)."""

from __future__ import annotations

import pytest

from bastion.store.database import Database
from bastion.store.threads import SqliteThreadRepository
from bastion.store.tool_calls import SqliteToolCallRepository


@pytest.fixture
def threads(db: Database) -> SqliteThreadRepository:
    return SqliteThreadRepository(db)


@pytest.fixture
def tool_calls(db: Database) -> SqliteToolCallRepository:
    return SqliteToolCallRepository(db)
