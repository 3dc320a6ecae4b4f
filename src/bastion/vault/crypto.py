"""Sealing one value: AES-256-GCM under a per-secret key derived with HKDF-SHA256.

Each seal draws a fresh 32-byte salt (so every secret, and every version of it, has its own
key) and a fresh 12-byte nonce. The secret's name is the associated data, so a ciphertext moved
to another row fails authentication instead of decrypting under the wrong name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bastion.contracts.errors import VaultError

__all__ = ["HKDF_INFO", "NONCE_BYTES", "SALT_BYTES", "Sealed", "open_sealed", "seal"]

HKDF_INFO = b"bastion-vault-v1"
SALT_BYTES = 32
NONCE_BYTES = 12
KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class Sealed:
    salt: bytes
    nonce: bytes
    ciphertext: bytes  # includes the 16-byte GCM tag

    def __repr__(self) -> str:
        return f"Sealed({len(self.ciphertext)} bytes)"


def _derive(master: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=HKDF_INFO).derive(
        master
    )


def seal(master: bytes, name: str, plaintext: bytes) -> Sealed:
    salt = os.urandom(SALT_BYTES)
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(_derive(master, salt)).encrypt(nonce, plaintext, name.encode())
    return Sealed(salt, nonce, ciphertext)


def open_sealed(master: bytes, name: str, sealed: Sealed) -> bytes:
    """Decrypt and authenticate; any tampering, a swapped row or a wrong key raises."""
    if len(sealed.salt) != SALT_BYTES or len(sealed.nonce) != NONCE_BYTES:
        raise VaultError(f"secret {name!r} is damaged (bad salt or nonce length)")
    try:
        return AESGCM(_derive(master, sealed.salt)).decrypt(
            sealed.nonce, sealed.ciphertext, name.encode()
        )
    except InvalidTag as exc:
        raise VaultError(
            f"secret {name!r} failed authentication: its ciphertext was altered or moved "
            f"from another row; set it again with `bastion secret set {name}`"
        ) from exc
