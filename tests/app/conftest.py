"""Fixtures shared by the CLI tests."""

from __future__ import annotations

import secrets

import pytest


@pytest.fixture
def master_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh random ``BASTION_MASTER_KEY`` for the test's home."""
    monkeypatch.setenv("BASTION_MASTER_KEY", secrets.token_hex(32))
