"""The signed, hash-chained audit log: ``AuditLog`` implements ``kernel.hooks.AuditSink``.

Each entry is ``(seq, ts, kind, payload, prev_hash, hash, signature)`` where ``payload`` is the
redacted canonical JSON text, ``hash`` is SHA-256 over canonical JSON
``[seq, ts, kind, payload, prev_hash]`` and ``signature`` is Ed25519 over ``hash``. With every
append the head checkpoint (latest seq and hash, signed) is rewritten in the same transaction,
so deleting entries from the end is as visible as editing one in the middle.

The signing key is generated on first use and kept in the vault as secret ``audit_signing_key``
(through the small ``AuditKeyStore`` port); its public half is also stored in the database,
and verification checks that copy against the vault's key so replacing it is detected too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bastion.contracts.authorization import canonical_json
from bastion.contracts.errors import VaultError
from bastion.contracts.json_types import JsonValue
from bastion.kernel.audit_chain import entry_hash, head_message
from bastion.kernel.audit_redaction import Redactor, redact_payload
from bastion.kernel.audit_verify import AuditReport, public_key_hex, verify_entries
from bastion.store.audit import AuditEntry, AuditHead, AuditRepository

__all__ = [
    "AUDIT_KEY_SECRET",
    "AuditKeyStore",
    "AuditLog",
]

logger = logging.getLogger(__name__)

AUDIT_KEY_SECRET = "audit_signing_key"  # noqa: S105 - the name of a vault secret, not a value


class AuditKeyStore(Protocol):
    """Get and set one named secret. The vault backs it; nothing else should."""

    def get_secret(self, name: str) -> str | None: ...

    def set_secret(self, name: str, value: str) -> None: ...


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _no_redaction(text: str) -> str:
    return text


class AuditLog:
    """Appends redacted, signed entries; verifies the whole chain."""

    def __init__(
        self,
        repository: AuditRepository,
        keys: AuditKeyStore,
        *,
        redactor: Redactor | None = None,
        clock: Callable[[], str] = _now,
    ) -> None:
        self._repository = repository
        self._keys = keys
        self._redactor = redactor or _no_redaction
        self._clock = clock
        self._key_lock = threading.Lock()
        self._private_key: Ed25519PrivateKey | None = None

    # -- AuditSink ----------------------------------------------------------------------------
    def append(self, kind: str, payload: Mapping[str, JsonValue]) -> None:
        self.append_entry(kind, payload)

    def append_entry(self, kind: str, payload: Mapping[str, JsonValue]) -> AuditEntry:
        # Redacted here even though callers should have redacted already: the log is the last
        # place a leaked value could be made permanent.
        text = canonical_json(redact_payload(dict(payload), self._redactor))
        key = self._signing_key()
        ts = self._clock()

        def build(seq: int, prev_hash: str) -> tuple[AuditEntry, AuditHead]:
            digest = entry_hash(seq, ts, kind, text, prev_hash)
            signature = key.sign(digest.encode()).hex()
            head = AuditHead(seq, digest, key.sign(head_message(seq, digest)).hex())
            return AuditEntry(seq, ts, kind, text, prev_hash, digest, signature), head

        return self._repository.append(build)

    # -- verification -------------------------------------------------------------------------
    def verify(self, anchor: tuple[int, str] | None = None) -> AuditReport:
        """Check every entry, the head checkpoint and the stored key against the vault's key;
        with ``anchor`` (an earlier head's seq and hash), that the log still extends it."""
        stored = self._keys.get_secret(AUDIT_KEY_SECRET)
        expected = public_key_hex(_load_key(stored)) if stored else None
        return verify_entries(
            self._repository.entries(),
            self._repository.head(),
            stored_public_key=self._repository.public_key(),
            expected_public_key=expected,
            anchor=anchor,
        )

    def head(self) -> AuditHead | None:
        """The signed head checkpoint: the latest entry's seq and hash."""
        return self._repository.head()

    # -- key ----------------------------------------------------------------------------------
    def _signing_key(self) -> Ed25519PrivateKey:
        with self._key_lock:
            if self._private_key is not None:
                return self._private_key
            stored = self._keys.get_secret(AUDIT_KEY_SECRET)
            recorded = self._repository.public_key()
            if stored is None:
                if recorded is not None:
                    raise VaultError(
                        "the audit signing key is missing from the vault although the audit log"
                        " has entries; restore the vault or the key before appending"
                    )
                key = Ed25519PrivateKey.generate()
                self._keys.set_secret(AUDIT_KEY_SECRET, key.private_bytes_raw().hex())
                logger.info("generated a new audit signing key")
            else:
                key = _load_key(stored)
            if recorded is None:
                self._repository.save_public_key(public_key_hex(key), _now())
            self._private_key = key
            return key


def _load_key(stored: str) -> Ed25519PrivateKey:
    try:
        return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(stored))
    except ValueError as exc:
        raise VaultError("the vault's audit signing key is malformed") from exc
