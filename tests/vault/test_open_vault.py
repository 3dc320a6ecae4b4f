"""``bootstrap.open_vault`` and ``llm_api_key``: the wiring every command uses."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from tests.vault.memory_keyring import MemoryKeyring

from bastion.app.bootstrap import llm_api_key, open_database, open_vault
from bastion.app.settings import load_settings
from bastion.contracts.errors import VaultKeyError
from bastion.vault.master_key import KeySource


def _env(home: Path, **extra: str) -> dict[str, str]:
    return {"BASTION_HOME": str(home), **extra}


def test_first_open_without_keyring_uses_a_key_file(bastion_home: Path) -> None:
    settings = load_settings(_env(bastion_home))
    db = open_database(settings)
    try:
        vault = open_vault(settings, db)
        vault.set("alpha", "value")
        assert (bastion_home / "master.key").exists()
        assert open_vault(settings, db).get("alpha") == "value"
    finally:
        db.close()


def test_keyring_lost_after_secrets_were_stored_is_refused(
    bastion_home: Path, memory_keyring: MemoryKeyring
) -> None:
    settings = load_settings(_env(bastion_home))
    db = open_database(settings)
    try:
        vault = open_vault(settings, db)
        assert "source='the OS keyring'" in repr(vault)
        vault.set("alpha", "value")
        memory_keyring.entries.clear()  # the keyring was reset, or this is another login
        with pytest.raises(VaultKeyError, match="Bastion will not start a new vault"):
            open_vault(settings, db)
        assert not (bastion_home / "master.key").exists()
        assert db.query_one("SELECT COUNT(*) FROM secrets")[0] == 1  # type: ignore[index]
    finally:
        db.close()


def test_wrong_env_key_is_refused(bastion_home: Path) -> None:
    right = secrets.token_hex(32)
    settings = load_settings(_env(bastion_home, BASTION_MASTER_KEY=right))
    db = open_database(settings)
    try:
        open_vault(settings, db).set("alpha", "value")
        wrong = load_settings(_env(bastion_home, BASTION_MASTER_KEY=secrets.token_hex(32)))
        with pytest.raises(VaultKeyError, match="BASTION_MASTER_KEY does not open this vault"):
            open_vault(wrong, db)
    finally:
        db.close()


def test_llm_api_key_env_wins_then_vault(bastion_home: Path) -> None:
    settings = load_settings(_env(bastion_home))
    db = open_database(settings)
    try:
        vault = open_vault(settings, db)
        assert llm_api_key(settings, vault) is None
        vault.set(settings.llm.api_key_secret, "sk-from-vault")
        assert llm_api_key(settings, vault) == "sk-from-vault"
        from_env = load_settings(_env(bastion_home, BASTION_LLM_API_KEY="sk-from-env"))
        assert llm_api_key(from_env, vault) == "sk-from-env"
    finally:
        db.close()


def test_env_key_source_is_reported(bastion_home: Path) -> None:
    settings = load_settings(_env(bastion_home, BASTION_MASTER_KEY=secrets.token_hex(32)))
    db = open_database(settings)
    try:
        assert f"source='{KeySource.ENV.value}'" in repr(open_vault(settings, db))
    finally:
        db.close()
