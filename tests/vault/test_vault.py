"""The vault as an attacker would probe it: bad names, swapped and tampered rows, the wrong key,
and looking for the plaintext anywhere on disk, in reprs and in logs."""

from __future__ import annotations

import logging
import secrets
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bastion.contracts.errors import UsageError, VaultError, VaultKeyError
from bastion.store.database import Database
from bastion.store.secrets import SqliteSecretStore
from bastion.vault.master_key import KeySource, MasterKey
from bastion.vault.vault import Vault


def _key() -> MasterKey:
    return MasterKey(secrets.token_bytes(32), KeySource.ENV)


@pytest.fixture
def key() -> MasterKey:
    return _key()


@pytest.fixture
def vault(store: SqliteSecretStore, key: MasterKey) -> Vault:
    return Vault(store, key)


def test_set_get_list_delete(vault: Vault) -> None:
    vault.set("github_token", "ghp_value-1", ["api.github.com", "*.github.com", "api.github.com"])
    vault.set("other", "ünïcode ✓ value")
    assert vault.get("github_token") == "ghp_value-1"
    assert vault.get("other") == "ünïcode ✓ value"
    assert vault.hosts_for("github_token") == ("api.github.com", "*.github.com")
    assert [info.name for info in vault.list()] == ["github_token", "other"]
    assert sorted(vault.all_values()) == ["ghp_value-1", "ünïcode ✓ value"]
    vault.set("github_token", "ghp_value-2")
    assert vault.get("github_token") == "ghp_value-2"
    assert vault.hosts_for("github_token") == ()
    vault.delete("other")
    assert not vault.exists("other")
    with pytest.raises(VaultError, match="no secret named other; see `bastion secret list`"):
        vault.get("other")
    with pytest.raises(VaultError, match="no secret named other"):
        vault.delete("other")


@pytest.mark.parametrize(
    "name",
    ["", "Upper", "1starts_with_digit", "_under", "has-dash", "has space", "a" * 65, "é", "a\n"],
)
def test_bad_names_are_usage_errors(vault: Vault, name: str) -> None:
    with pytest.raises(UsageError, match="invalid secret name"):
        vault.set(name, "v")
    with pytest.raises(UsageError):
        vault.get(name)
    with pytest.raises(UsageError):
        vault.delete(name)
    assert not vault.exists(name)
    assert vault.list() == []


def test_longest_valid_name(vault: Vault) -> None:
    vault.set("a" + "_9" * 31 + "z", "v")
    assert vault.exists("a" + "_9" * 31 + "z")


@pytest.mark.parametrize(
    "host", ["https://api.x.com", "api.x.com:443", "api.x.com/path", "API.X.COM", "*", "a..b", ""]
)
def test_bad_host_patterns_are_usage_errors(vault: Vault, host: str) -> None:
    with pytest.raises(UsageError, match="invalid host pattern"):
        vault.set("token", "v", [host])
    assert not vault.exists("token")


def test_empty_and_oversized_values_are_refused(vault: Vault) -> None:
    with pytest.raises(UsageError, match="empty"):
        vault.set("token", "")
    with pytest.raises(UsageError, match="limit"):
        vault.set("token", "x" * 65_537)
    assert vault.list() == []


def test_swapped_rows_do_not_decrypt(vault: Vault, db: Database) -> None:
    vault.set("alpha", "value-of-alpha")
    vault.set("beta", "value-of-beta")
    # An attacker with write access to the file swaps the encrypted columns between rows,
    # through a connection of their own.
    with closing(sqlite3.connect(db.path)) as attacker, attacker:
        rows = {
            name: (salt, nonce, ciphertext)
            for name, salt, nonce, ciphertext in attacker.execute(
                "SELECT name, salt, nonce, ciphertext FROM secrets"
            )
        }
        for name, other in (("alpha", "beta"), ("beta", "alpha")):
            attacker.execute(
                "UPDATE secrets SET salt = ?, nonce = ?, ciphertext = ? WHERE name = ?",
                (*rows[other], name),
            )
    with pytest.raises(VaultError, match="moved from another row"):
        vault.get("alpha")
    with pytest.raises(VaultError):
        vault.get("beta")
    with pytest.raises(VaultError):
        vault.all_values()  # never silently skips a row it cannot redact


def test_renamed_row_does_not_decrypt(vault: Vault, db: Database) -> None:
    vault.set("alpha", "value-of-alpha")
    db.execute("UPDATE secrets SET name = 'gamma' WHERE name = 'alpha'")
    with pytest.raises(VaultError, match="gamma"):
        vault.get("gamma")


def test_tampered_ciphertext_is_a_clear_error(vault: Vault, db: Database) -> None:
    vault.set("alpha", "value-of-alpha")
    row = db.query_one("SELECT ciphertext FROM secrets WHERE name = 'alpha'")
    assert row is not None
    blob = bytearray(row[0])
    blob[3] ^= 0x80
    db.execute("UPDATE secrets SET ciphertext = ? WHERE name = 'alpha'", (bytes(blob),))
    with pytest.raises(VaultError, match="altered"):
        vault.get("alpha")


def test_wrong_master_key_is_refused_at_open(vault: Vault, store: SqliteSecretStore) -> None:
    vault.set("alpha", "value-of-alpha")
    with pytest.raises(VaultKeyError, match="does not open this vault") as info:
        Vault(store, _key())
    assert "BASTION_MASTER_KEY" in str(info.value)
    assert store.count() == 1  # nothing was replaced or re-keyed


def test_wrong_key_is_refused_even_when_the_canary_is_deleted(
    vault: Vault, store: SqliteSecretStore, db: Database, key: MasterKey
) -> None:
    vault.set("alpha", "value-of-alpha")
    db.execute("DELETE FROM vault_meta")
    with pytest.raises(VaultKeyError):
        Vault(store, _key())
    assert Vault(store, key).get("alpha") == "value-of-alpha"  # the right key restores it
    assert store.get_canary() is not None


def test_an_empty_vault_may_take_a_new_key(vault: Vault, store: SqliteSecretStore) -> None:
    vault.set("alpha", "v")
    vault.delete("alpha")
    fresh = Vault(store, _key())
    fresh.set("beta", "w")
    assert fresh.get("beta") == "w"


def test_value_never_in_files_reprs_or_logs(
    vault: Vault, db: Database, bastion_home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    value = "sk-live-" + secrets.token_hex(16)
    with caplog.at_level(logging.DEBUG):
        vault.set("api_key", value, ["api.example.com"])
        assert vault.get("api_key") == value
        vault.list()
    db.execute("PRAGMA wal_checkpoint(PASSIVE)")
    assert value not in caplog.text
    assert value not in repr(vault)
    assert value not in repr(vault.list())
    assert value not in repr(db.query("SELECT * FROM secrets"))
    files = [path for path in bastion_home.rglob("*") if path.is_file()]
    assert any(path.name.endswith("-wal") for path in files)
    for path in files:
        data = path.read_bytes()
        for form in (value.encode(), value.encode("utf-16-le"), value[8:].encode()):
            assert form not in data, f"plaintext in {path.name}"
