"""The audit log's signing key in the vault, and the one way to open the log over a vault."""

from __future__ import annotations

from bastion.kernel.audit_log import AuditLog
from bastion.kernel.audit_redaction import ExactValueRedactor, Redactor
from bastion.store.audit import AuditRepository
from bastion.store.database import Database
from bastion.vault.vault import Vault

__all__ = ["VaultAuditKeys", "open_audit_log"]


class VaultAuditKeys:
    """``AuditKeyStore`` backed by the vault: the private key never leaves it unencrypted."""

    def __init__(self, vault: Vault) -> None:
        self._vault = vault

    def get_secret(self, name: str) -> str | None:
        return self._vault.get(name) if self._vault.exists(name) else None

    def set_secret(self, name: str, value: str) -> None:
        self._vault.set(name, value)


def open_audit_log(db: Database, vault: Vault, *, redactor: Redactor | None = None) -> AuditLog:
    """The audit log of ``db``, signing with the vault's key. Without a ``redactor`` (the safety
    layer's leak detector), every vault value is redacted by exact value and encodings."""
    return AuditLog(
        AuditRepository(db),
        VaultAuditKeys(vault),
        redactor=redactor or ExactValueRedactor(vault.all_values),
    )
