"""Verification of the audit chain: names the first bad entry and why.

Checked, in order: the stored public key against the vault's key; then for each entry in
``seq`` order: no gap in the numbering (deletion), its hash over its own contents (edit, swap),
its link to the previous entry's hash (insertion, reordering), its signature (forgery); and at
the end the signed head checkpoint, which catches a cut-off tail and unsigned additions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from bastion.contracts.json_types import JsonObject
from bastion.kernel.audit_chain import entry_hash, head_message
from bastion.store.audit import GENESIS_HASH, AuditEntry, AuditHead

__all__ = ["AuditReport", "public_key_hex", "verify_entries"]


@dataclass(frozen=True, slots=True)
class AuditReport:
    ok: bool
    entries: int
    bad_seq: int | None = None  # the first bad entry
    reason: str = ""

    def to_json(self) -> JsonObject:
        if self.ok:
            return {"ok": True, "entries": self.entries}
        return {
            "ok": False,
            "entries": self.entries,
            "bad_entry": self.bad_seq,
            "reason": self.reason,
        }

    def describe(self) -> str:
        if self.ok:
            return f"audit log intact: {self.entries} entries"
        return f"audit log broken at entry {self.bad_seq}: {self.reason}"


def public_key_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes_raw().hex()


def _hash(entry: AuditEntry) -> str:
    return entry_hash(entry.seq, entry.ts, entry.kind, entry.payload, entry.prev_hash)


def _signed(key: Ed25519PublicKey, signature_hex: str, message: bytes) -> bool:
    try:
        key.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def _bad(entries: int, seq: int, reason: str) -> AuditReport:
    return AuditReport(ok=False, entries=entries, bad_seq=seq, reason=reason)


def verify_entries(
    entries: Sequence[AuditEntry],
    head: AuditHead | None,
    *,
    stored_public_key: str | None,
    expected_public_key: str | None,
    anchor: tuple[int, str] | None = None,
) -> AuditReport:
    """``expected_public_key`` comes from the vault; None when the vault holds no audit key.

    ``anchor`` is a head (seq, hash) recorded earlier outside this machine's reach: the log
    must still hold that entry. A log rolled back to an older, validly signed state passes
    every other check; only a memory of where it had got to can tell.
    """
    count = len(entries)
    if stored_public_key is None and not entries and head is None:
        # Nothing was ever recorded. The vault may already hold the key: it is made (or
        # provisioned) before the database is told, so a crash before the first entry leaves
        # exactly this, and it is no sign of tampering. A wiped log is the anchor's to catch.
        return _anchor_problem(entries, anchor) or AuditReport(ok=True, entries=0)
    key_or_report = _verification_key(count, stored_public_key, expected_public_key)
    if isinstance(key_or_report, AuditReport):
        return key_or_report
    return (
        _first_bad_entry(key_or_report, entries)
        or _head_problem(key_or_report, entries, head)
        or _anchor_problem(entries, anchor)
        or AuditReport(ok=True, entries=count)
    )


def _anchor_problem(
    entries: Sequence[AuditEntry], anchor: tuple[int, str] | None
) -> AuditReport | None:
    if anchor is None:
        return None
    count = len(entries)
    seq, expected_hash = anchor
    if seq > count:
        return _bad(count, count + 1, f"the anchored entry {seq} is gone: the log was rolled back")
    if seq >= 1 and entries[seq - 1].hash != expected_hash:
        return _bad(count, seq, "it is not the anchored entry: the log was rewritten from there")
    return None


def _verification_key(
    count: int, stored: str | None, expected: str | None
) -> Ed25519PublicKey | AuditReport:
    if stored is None:
        return _bad(count, 1, "the verification key is missing from the database")
    if expected is not None and stored != expected:
        return _bad(count, 1, "the verification key was replaced: it is not the vault's audit key")
    try:
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(stored))
    except ValueError:
        return _bad(count, 1, "the verification key is malformed")


def _first_bad_entry(key: Ed25519PublicKey, entries: Sequence[AuditEntry]) -> AuditReport | None:
    count = len(entries)
    prev_hash = GENESIS_HASH
    for expected_seq, entry in enumerate(entries, start=1):
        if entry.seq != expected_seq:
            return _bad(count, expected_seq, f"entry {expected_seq} is missing (deleted)")
        if _hash(entry) != entry.hash:
            return _bad(count, entry.seq, "its contents do not match its hash (edited or moved)")
        if entry.prev_hash != prev_hash:
            return _bad(count, entry.seq, "it does not link to the entry before it")
        if not _signed(key, entry.signature, entry.hash.encode()):
            return _bad(count, entry.seq, "its signature is not valid (forged)")
        prev_hash = entry.hash
    return None


def _head_problem(
    key: Ed25519PublicKey, entries: Sequence[AuditEntry], head: AuditHead | None
) -> AuditReport | None:
    count = len(entries)
    if head is None:
        return _bad(count, max(count, 1), "the signed head checkpoint is missing")
    if not _signed(key, head.signature, head_message(head.seq, head.hash)):
        return _bad(count, head.seq, "the head checkpoint's signature is not valid")
    if head.seq > count:
        return _bad(count, count + 1, f"entries {count + 1}..{head.seq} were cut off the end")
    if head.seq < count:
        return _bad(count, head.seq + 1, "entries after the signed head were added without it")
    if count and entries[-1].hash != head.hash:
        return _bad(count, count, "the last entry is not the one the head checkpoint signed")
    return None
