"""Vault fixtures: a real database file, and an in-memory OS keyring for the keyring paths.

The suite-wide default keyring is keyring's own "fail" backend (no keyring at all); tests that
need a working keyring take ``memory_keyring``, a backend implementing keyring's interface.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from tests.vault.memory_keyring import MemoryKeyring

from bastion.store.database import Database
from bastion.store.secrets import SqliteSecretStore


@pytest.fixture(autouse=True)
def _no_keyring() -> Iterator[None]:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(keyring.backends.fail.Keyring())


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@pytest.fixture
def db(bastion_home: Path) -> Iterator[Database]:
    database = Database(bastion_home / "bastion.db")
    yield database
    database.close()


@pytest.fixture
def store(db: Database) -> SqliteSecretStore:
    return SqliteSecretStore(db)


@pytest.fixture
def key_hex() -> str:
    return secrets.token_hex(32)
