"""Where the master key comes from, and the refusals that keep a lost or wrong key from ever
turning into a fresh vault over existing secrets."""

from __future__ import annotations

import base64
import logging
import os
import secrets
import stat
from pathlib import Path

import pytest
from tests.vault.memory_keyring import MemoryKeyring

from bastion.contracts.errors import ConfigError, VaultKeyError
from bastion.vault.master_key import KeySource, parse_master_key, resolve_master_key


def test_hex_and_both_base64_alphabets_are_accepted() -> None:
    raw = os.urandom(32) + b"\xfb\xff"  # bytes that need + / or - _ in base64
    assert parse_master_key(raw.hex(), "k") == raw
    assert parse_master_key(raw.hex().upper() + "\n", "k") == raw
    assert parse_master_key(base64.b64encode(raw).decode(), "k") == raw
    assert parse_master_key(base64.urlsafe_b64encode(raw).decode().rstrip("="), "k") == raw


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "0 bytes"),
        ("not a key!!", "neither hex nor base64"),
        ("ab" * 31, "31 bytes"),  # one byte short
        (base64.b64encode(b"x" * 20).decode(), "20 bytes"),
        ("00" * 32, "too regular"),
        ("0123" * 16, "too regular"),
        (base64.b64encode(b"password" * 8).decode(), "too regular"),
    ],
)
def test_short_weak_and_malformed_keys_are_refused(text: str, reason: str) -> None:
    with pytest.raises(VaultKeyError, match=reason) as info:
        parse_master_key(text, "BASTION_MASTER_KEY")
    assert isinstance(info.value, ConfigError)  # exit code 2
    if text:
        assert text not in str(info.value)  # the key is never echoed back


def test_environment_wins_over_keyring_and_file(
    bastion_home: Path, memory_keyring: MemoryKeyring, key_hex: str
) -> None:
    memory_keyring.set_password("bastion", "master_key", secrets.token_hex(32))
    key = resolve_master_key(key_hex, bastion_home, vault_has_secrets=True)
    assert key.source is KeySource.ENV
    assert key.material == bytes.fromhex(key_hex)
    assert key_hex not in repr(key)


def test_without_keyring_a_private_key_file_is_created_with_a_warning(
    bastion_home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        key = resolve_master_key(None, bastion_home, vault_has_secrets=False)
    path = bastion_home / "master.key"
    assert key.source is KeySource.FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert bytes.fromhex(path.read_text().strip()) == key.material
    assert "master.key" in caplog.text
    assert key.material.hex() not in caplog.text
    again = resolve_master_key(None, bastion_home, vault_has_secrets=True)
    assert again.material == key.material


def test_a_key_file_readable_by_others_is_refused(bastion_home: Path) -> None:
    resolve_master_key(None, bastion_home, vault_has_secrets=False)
    path = bastion_home / "master.key"
    path.chmod(0o644)
    with pytest.raises(VaultKeyError, match="chmod 600"):
        resolve_master_key(None, bastion_home, vault_has_secrets=True)


def test_a_working_keyring_gets_the_new_key_not_a_file(
    bastion_home: Path, memory_keyring: MemoryKeyring
) -> None:
    key = resolve_master_key(None, bastion_home, vault_has_secrets=False)
    assert key.source is KeySource.KEYRING
    assert memory_keyring.entries[("bastion", "master_key")] == key.material.hex()
    assert not (bastion_home / "master.key").exists()
    again = resolve_master_key(None, bastion_home, vault_has_secrets=True)
    assert again.material == key.material


def test_keyring_gone_with_secrets_present_is_an_error_not_a_new_key(bastion_home: Path) -> None:
    # The suite's default keyring is keyring's "fail" backend: as if D-Bus went away.
    with pytest.raises(VaultKeyError, match="unavailable") as info:
        resolve_master_key(None, bastion_home, vault_has_secrets=True)
    assert "BASTION_MASTER_KEY" in str(info.value)
    assert not (bastion_home / "master.key").exists()


def test_keyring_emptied_with_secrets_present_is_an_error(
    bastion_home: Path, memory_keyring: MemoryKeyring
) -> None:
    with pytest.raises(VaultKeyError, match="no entry"):
        resolve_master_key(None, bastion_home, vault_has_secrets=True)
    assert memory_keyring.entries == {}
    assert not (bastion_home / "master.key").exists()


def test_a_malformed_keyring_entry_is_refused(
    bastion_home: Path, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.set_password("bastion", "master_key", "short")
    with pytest.raises(VaultKeyError, match="OS keyring entry"):
        resolve_master_key(None, bastion_home, vault_has_secrets=False)
