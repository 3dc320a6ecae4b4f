"""Vault fixtures: the secret store over the suite's database file, and an in-memory OS keyring.

The suite-wide default keyring is keyring's own "fail" backend (no keyring at all); tests that
need a working keyring take ``memory_keyring``, a backend implementing keyring's interface.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

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
def store(db: Database) -> SqliteSecretStore:
    return SqliteSecretStore(db)


@pytest.fixture
def key_hex() -> str:
    return secrets.token_hex(32)
