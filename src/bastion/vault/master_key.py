"""Where the vault's master key comes from, strongest first:

1. ``BASTION_MASTER_KEY`` (hex or base64, at least 32 bytes once decoded);
2. the OS keyring (service ``bastion``, account ``master_key``);
3. the key file ``$BASTION_HOME/master.key`` (mode 0600).

A new key is generated only when none of these holds one AND the vault holds no secrets: it goes
to the keyring when one is usable, else to a new key file with a warning. With secrets present
and no key to be found, resolution fails with the fix, so a missing keyring never turns into a
fresh, empty vault sitting over secrets nobody can read any more.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import re
import stat
from enum import StrEnum
from pathlib import Path

from bastion.contracts.errors import VaultKeyError

__all__ = [
    "KEYRING_ACCOUNT",
    "KEYRING_SERVICE",
    "KEY_FILE_NAME",
    "KeySource",
    "MasterKey",
    "parse_master_key",
    "resolve_master_key",
]

logger = logging.getLogger(__name__)

KEYRING_SERVICE = "bastion"
KEYRING_ACCOUNT = "master_key"
KEY_FILE_NAME = "master.key"
MIN_KEY_BYTES = 32
_MIN_DISTINCT_BYTES = 8  # 32 random bytes have ~30 distinct values; "0000…" has one
_HEX = re.compile(r"[0-9a-fA-F]+")
_GENERATE_HINT = "generate one with: python -c 'import secrets; print(secrets.token_hex(32))'"


class KeySource(StrEnum):
    ENV = "BASTION_MASTER_KEY"
    KEYRING = "the OS keyring"
    FILE = "the key file"


class MasterKey:
    """The master key's bytes, kept out of every repr and log line."""

    __slots__ = ("_material", "source")

    def __init__(self, material: bytes, source: KeySource) -> None:
        self._material = material
        self.source = source

    @property
    def material(self) -> bytes:
        return self._material

    def __repr__(self) -> str:
        return f"MasterKey(source={self.source.value!r})"


def parse_master_key(text: str, origin: str) -> bytes:
    """Decode hex or base64 (standard or URL-safe); refuse short or obviously weak keys.
    Messages name ``origin`` but never echo the key."""
    raw = text.strip()
    material: bytes | None = None
    if _HEX.fullmatch(raw) and len(raw) % 2 == 0:
        material = bytes.fromhex(raw)
    else:
        padded = raw + "=" * (-len(raw) % 4)
        for alphabet in (b"+/", b"-_"):
            try:
                material = base64.b64decode(padded, altchars=alphabet, validate=True)
                break
            except (binascii.Error, ValueError):
                continue
    if material is None:
        raise VaultKeyError(f"{origin} is neither hex nor base64; {_GENERATE_HINT}")
    if len(material) < MIN_KEY_BYTES:
        raise VaultKeyError(
            f"{origin} decodes to {len(material)} bytes; it needs at least {MIN_KEY_BYTES} "
            f"(64 hex characters); {_GENERATE_HINT}"
        )
    if len(set(material)) < _MIN_DISTINCT_BYTES:
        raise VaultKeyError(f"{origin} is too regular to be a random key; {_GENERATE_HINT}")
    return material


def resolve_master_key(configured: str | None, home: Path, *, vault_has_secrets: bool) -> MasterKey:
    """Find (or, for an empty vault, create) the master key. Raises ``VaultKeyError``."""
    if configured:
        return MasterKey(parse_master_key(configured, "BASTION_MASTER_KEY"), KeySource.ENV)
    usable, stored, reason = _keyring_read()
    if stored is not None:
        origin = f"the OS keyring entry {KEYRING_SERVICE}/{KEYRING_ACCOUNT}"
        return MasterKey(parse_master_key(stored, origin), KeySource.KEYRING)
    key_file = home / KEY_FILE_NAME
    if key_file.exists():
        return MasterKey(_read_key_file(key_file), KeySource.FILE)
    if vault_has_secrets:
        where = (
            "the OS keyring has no entry" if usable else f"the OS keyring is unavailable ({reason})"
        )
        raise VaultKeyError(
            f"the vault holds secrets but no master key was found: BASTION_MASTER_KEY is not "
            f"set, {where} and {key_file} does not exist. Set BASTION_MASTER_KEY to the key the "
            "secrets were stored with (or make the keyring that holds it available again); "
            "Bastion will not start a new vault over them"
        )
    material = os.urandom(MIN_KEY_BYTES)
    if usable and _keyring_write(material.hex()):
        logger.info("generated a new vault master key in the OS keyring")
        return MasterKey(material, KeySource.KEYRING)
    return MasterKey(_create_key_file(key_file, material), KeySource.FILE)


def _keyring_read() -> tuple[bool, str | None, str]:
    """(usable, stored key or None, why unusable)."""
    try:
        import keyring

        value = keyring.get_password(KEYRING_SERVICE, KEYRING_ACCOUNT)
    # Keyring backends raise their own exception types (D-Bus, Keychain, …); whichever it is,
    # it means "no usable keyring", which the caller turns into a clear decision.
    except Exception as exc:  # noqa: BLE001
        return False, None, f"{type(exc).__name__}: {str(exc)[:120]}"
    return True, value if isinstance(value, str) and value else None, ""


def _keyring_write(value: str) -> bool:
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, KEYRING_ACCOUNT, value)
        # Read it back: a backend that accepts and forgets would lose every secret later.
        return keyring.get_password(KEYRING_SERVICE, KEYRING_ACCOUNT) == value
    except Exception as exc:  # noqa: BLE001 - as in _keyring_read
        logger.warning("could not store the master key in the OS keyring: %s", type(exc).__name__)
        return False


def _read_key_file(path: Path) -> bytes:
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise VaultKeyError(f"cannot read the master key file {path}: {exc}") from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise VaultKeyError(
            f"the master key file {path} is accessible to other users (mode "
            f"{stat.S_IMODE(mode):04o}); run `chmod 600 {path}`"
        )
    return parse_master_key(text, f"the master key file {path}")


def _create_key_file(path: Path, material: bytes) -> bytes:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return _read_key_file(path)
    except OSError as exc:
        raise VaultKeyError(f"cannot create the master key file {path}: {exc.strerror}") from exc
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(material.hex() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    logger.warning(
        "no OS keyring available: generated the vault master key in %s (mode 0600). Anyone "
        "who can read this file can read your secrets; back it up, or set BASTION_MASTER_KEY",
        path,
    )
    return material
