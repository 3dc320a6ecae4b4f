"""Security suites: a real database file per test, shared by the attack tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from approval_world import World


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    built = World(tmp_path / "bastion.db")
    yield built
    built.close()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
