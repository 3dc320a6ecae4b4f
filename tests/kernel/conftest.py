"""Kernel tests run their coroutines on asyncio (the loop Bastion runs on)."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
