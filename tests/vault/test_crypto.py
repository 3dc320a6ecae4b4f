"""The sealing scheme is exactly AES-256-GCM under HKDF-SHA256(salt, master, info) with the
name as associated data; any change to key, name, salt, nonce or ciphertext fails to open."""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bastion.contracts.errors import VaultError
from bastion.vault.crypto import Sealed, open_sealed, seal

MASTER = os.urandom(32)


def test_round_trip_and_fresh_salt_and_nonce_each_time() -> None:
    first = seal(MASTER, "token", b"value")
    second = seal(MASTER, "token", b"value")
    assert open_sealed(MASTER, "token", first) == b"value"
    assert (len(first.salt), len(first.nonce)) == (32, 12)
    assert first.salt != second.salt
    assert first.nonce != second.nonce
    assert first.ciphertext != second.ciphertext
    assert b"value" not in first.ciphertext
    assert "value" not in repr(first)


def test_matches_the_documented_construction() -> None:
    sealed = seal(MASTER, "token", b"value")
    key = HKDF(hashes.SHA256(), 32, salt=sealed.salt, info=b"bastion-vault-v1").derive(MASTER)
    assert AESGCM(key).decrypt(sealed.nonce, sealed.ciphertext, b"token") == b"value"


def _flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda s: Sealed(s.salt, s.nonce, _flip(s.ciphertext, 0)),
        lambda s: Sealed(s.salt, s.nonce, _flip(s.ciphertext, len(s.ciphertext) - 1)),  # the tag
        lambda s: Sealed(_flip(s.salt, 5), s.nonce, s.ciphertext),
        lambda s: Sealed(s.salt, _flip(s.nonce, 3), s.ciphertext),
        lambda s: Sealed(s.salt, s.nonce, s.ciphertext[:-1]),
        lambda s: Sealed(s.salt[:16], s.nonce, s.ciphertext),
        lambda s: Sealed(s.salt, s.nonce + b"\x00", s.ciphertext),
    ],
    ids=["body", "tag", "salt", "nonce", "truncated", "short-salt", "long-nonce"],
)
def test_any_tampering_fails(tamper: object) -> None:
    sealed = seal(MASTER, "token", b"value")
    with pytest.raises(VaultError, match="token"):
        open_sealed(MASTER, "token", tamper(sealed))  # type: ignore[operator]


def test_wrong_key_or_other_name_fails() -> None:
    sealed = seal(MASTER, "token", b"value")
    with pytest.raises(VaultError):
        open_sealed(os.urandom(32), "token", sealed)
    with pytest.raises(VaultError, match="moved"):
        open_sealed(MASTER, "other", sealed)
