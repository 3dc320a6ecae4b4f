"""The exact bytes the audit log hashes and signs, defined once for writer and verifier."""

from __future__ import annotations

import hashlib

from bastion.contracts.authorization import canonical_json

__all__ = ["entry_hash", "head_message"]


def entry_hash(seq: int, ts: str, kind: str, payload: str, prev_hash: str) -> str:
    """SHA-256 over canonical JSON ``[seq, ts, kind, payload, prev_hash]``; ``payload`` is the
    stored JSON text itself, so even a whitespace edit changes the hash."""
    material = canonical_json([seq, ts, kind, payload, prev_hash])
    return hashlib.sha256(material.encode()).hexdigest()


def head_message(seq: int, digest: str) -> bytes:
    """What the head checkpoint's signature covers."""
    return canonical_json(["head", seq, digest]).encode()
