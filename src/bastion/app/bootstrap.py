"""Opening Bastion's stateful parts from validated settings: the database, its repositories and
the vault. Every command and server uses these, so there is one way to get each."""

from __future__ import annotations

import logging
from pathlib import Path

from bastion.app.settings import Settings
from bastion.contracts.errors import ConfigError
from bastion.store.database import Database
from bastion.store.repositories import SecretStore, ThreadRepository, ToolCallRepository
from bastion.vault.vault import Vault

__all__ = [
    "ensure_home",
    "llm_api_key",
    "open_database",
    "open_vault",
    "secret_store",
    "thread_repository",
    "tool_call_repository",
]

logger = logging.getLogger(__name__)


def ensure_home(settings: Settings) -> Path:
    """Create ``$BASTION_HOME`` readable by its owner only (an existing folder is left as is)."""
    home = settings.home
    try:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create BASTION_HOME {home}: {exc.strerror}") from exc
    return home


def open_database(settings: Settings) -> Database:
    """The configured database with every migration applied. Raises ``ConfigError`` for a URL
    this build cannot open and ``StoreError`` for a damaged database file."""
    ensure_home(settings)
    path = settings.sqlite_path
    if path is None:
        scheme = settings.database_url.split(":", 1)[0]
        raise ConfigError(
            f"BASTION_DATABASE_URL: {scheme} is not supported yet; "
            "use sqlite:///PATH or leave it unset"
        )
    return Database(path.expanduser())


def thread_repository(db: Database) -> ThreadRepository:
    from bastion.store.threads import SqliteThreadRepository

    return SqliteThreadRepository(db)


def tool_call_repository(db: Database) -> ToolCallRepository:
    from bastion.store.tool_calls import SqliteToolCallRepository

    return SqliteToolCallRepository(db)


def secret_store(db: Database) -> SecretStore:
    from bastion.store.secrets import SqliteSecretStore

    return SqliteSecretStore(db)


def open_vault(settings: Settings, db: Database) -> Vault:
    """The vault, with its master key resolved and proven against the stored secrets."""
    from bastion.vault.master_key import resolve_master_key

    store = secret_store(db)
    key = resolve_master_key(
        settings.master_key, ensure_home(settings), vault_has_secrets=store.count() > 0
    )
    return Vault(store, key)


def llm_api_key(settings: Settings, vault: Vault) -> str | None:
    """``BASTION_LLM_API_KEY`` wins; else the vault secret named by ``llm.api_key_secret``."""
    if settings.llm_api_key:
        return settings.llm_api_key
    name = settings.llm.api_key_secret
    return vault.get(name) if vault.exists(name) else None
