"""``Vault``: named secrets, encrypted at rest, handed out only by exact name.

Values exist in plaintext only in this object's return values; the store holds ciphertexts, and
nothing here logs or reprs a value. Opening a ``Vault`` proves the master key first (against an
encrypted canary), so a wrong key fails at once with the fix instead of failing secret by secret
or, worse, sealing new secrets under a second key.
"""

from __future__ import annotations

import builtins
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bastion.contracts.errors import UsageError, VaultError, VaultKeyError
from bastion.store.repositories import SecretRow, SecretStore
from bastion.vault.crypto import Sealed, open_sealed, seal
from bastion.vault.master_key import MasterKey
from bastion.vault.names import MAX_VALUE_BYTES, check_hosts, check_name, is_valid_name

__all__ = ["SecretInfo", "Vault"]

logger = logging.getLogger(__name__)

# Not a valid secret name, so no user secret can ever share the canary's associated data.
_CANARY_NAME = "__bastion_vault_canary__"
_CANARY_PLAINTEXT = b"bastion vault key check v1"


@dataclass(frozen=True, slots=True)
class SecretInfo:
    """What may be shown about a secret: everything except its value."""

    name: str
    hosts: tuple[str, ...]
    created_at: str
    updated_at: str


def _sealed(row: SecretRow) -> Sealed:
    return Sealed(row.salt, row.nonce, row.ciphertext)


class Vault:
    """Encrypted secrets over a ``SecretStore``. Raises ``VaultKeyError`` at construction when
    ``key`` is not the key the stored secrets were sealed with."""

    def __init__(self, store: SecretStore, key: MasterKey) -> None:
        self._store = store
        self._key = key
        self._check_key()

    def __repr__(self) -> str:
        return f"Vault(key={self._key!r})"

    # -- writing -----------------------------------------------------------------------------
    def set(self, name: str, value: str, hosts: Sequence[str] = ()) -> None:
        """Store or replace a secret. ``hosts`` are the patterns it may be sent to."""
        check_name(name)
        if not value:
            raise UsageError(f"the value for secret {name!r} is empty; nothing was stored")
        plaintext = value.encode("utf-8")
        if len(plaintext) > MAX_VALUE_BYTES:
            raise UsageError(
                f"the value for secret {name!r} is {len(plaintext)} bytes; "
                f"the limit is {MAX_VALUE_BYTES}"
            )
        patterns = check_hosts(hosts)
        sealed = seal(self._key.material, name, plaintext)
        self._store.put(name, sealed.salt, sealed.nonce, sealed.ciphertext, patterns)
        logger.info("stored secret %s", name)

    def delete(self, name: str) -> None:
        check_name(name)
        if not self._store.delete(name):
            raise VaultError(f"no secret named {name}; see `bastion secret list`")
        logger.info("deleted secret %s", name)

    # -- reading -----------------------------------------------------------------------------
    def get(self, name: str) -> str:
        row = self._row(name)
        return open_sealed(self._key.material, name, _sealed(row)).decode("utf-8")

    def exists(self, name: str) -> bool:
        """False for names that cannot be valid, rather than an error: callers such as a
        tool's ``secret-exists`` pass names they did not choose."""
        return is_valid_name(name) and self._store.get(name) is not None

    def hosts_for(self, name: str) -> tuple[str, ...]:
        return self._row(name).hosts

    def list(self) -> list[SecretInfo]:
        return [
            SecretInfo(row.name, row.hosts, row.created_at, row.updated_at)
            for row in self._store.list()
        ]

    def all_values(self) -> builtins.list[str]:
        """Every stored value, for exact-value redaction by the safety layer. A damaged row
        raises rather than being skipped: a skipped value would silently go unredacted."""
        return [
            open_sealed(self._key.material, row.name, _sealed(row)).decode("utf-8")
            for row in self._store.list()
        ]

    def _row(self, name: str) -> SecretRow:
        check_name(name)
        row = self._store.get(name)
        if row is None:
            raise VaultError(f"no secret named {name}; see `bastion secret list`")
        return row

    # -- key check ---------------------------------------------------------------------------
    def _check_key(self) -> None:
        canary = self._store.get_canary()
        if canary is not None:
            try:
                open_sealed(self._key.material, _CANARY_NAME, Sealed(*canary))
            except VaultError:
                self._refuse_unless_empty()
                logger.warning("the vault master key changed; the vault held no secrets")
            else:
                return
        else:
            rows = self._store.list()
            if rows:  # no canary (damaged or older database): prove the key on a real secret
                try:
                    open_sealed(self._key.material, rows[0].name, _sealed(rows[0]))
                except VaultError:
                    self._refuse_unless_empty()
        sealed = seal(self._key.material, _CANARY_NAME, _CANARY_PLAINTEXT)
        self._store.put_canary(sealed.salt, sealed.nonce, sealed.ciphertext)

    def _refuse_unless_empty(self) -> None:
        count = self._store.count()
        if count:
            raise VaultKeyError(
                f"the master key from {self._key.source.value} does not open this vault, which "
                f"holds {count} secret(s). Set BASTION_MASTER_KEY to the key they were stored "
                "with, or restore that key to the OS keyring or the key file"
            )
