"""Leak scan of traffic: every known secret and its common encodings, plus credential patterns.

``ExactValueScanner`` is the floor the architecture demands ("exact value, and
base64/hex/URL-encoded forms"), kept inside egress so that it works without the safety layer
and whatever the leak-rule settings say; ``EgressClient`` always runs it. ``DetectorScanner``
puts the safety layer's ``LeakDetector`` (the vault's values and every credential pattern, such
as an AWS key in a query string) behind the same ``TrafficScanner`` protocol; the app passes it
as the client's ``scanner``. ``CombinedScanner`` runs several.
"""

from __future__ import annotations

import base64
from collections.abc import Collection, Iterable, Sequence
from typing import Protocol
from urllib.parse import quote, quote_plus

from bastion.safety import LeakAction, LeakDetector

__all__ = ["CombinedScanner", "DetectorScanner", "ExactValueScanner", "TrafficScanner"]

REDACTION = b"[REDACTED:secret]"
_MIN_SECRET_LEN = 6  # shorter values would match ordinary text; vault secrets are longer


class TrafficScanner(Protocol):
    def contains_secret(self, data: bytes) -> bool: ...

    def redact(self, data: bytes) -> bytes: ...


def _forms(value: str) -> Iterable[bytes]:
    raw = value.encode()
    yield raw
    yield base64.b64encode(raw)
    yield base64.b64encode(raw).rstrip(b"=")
    yield base64.urlsafe_b64encode(raw).rstrip(b"=")
    yield raw.hex().encode()
    yield raw.hex().upper().encode()
    yield quote(value, safe="").encode()
    yield quote_plus(value, safe="").encode()
    yield quote(value, safe="").lower().encode()


class ExactValueScanner:
    """Finds and redacts known secret values in bytes, case-sensitively (hex also upper)."""

    def __init__(self, values: Collection[str]) -> None:
        forms = {form for v in values if len(v) >= _MIN_SECRET_LEN for form in _forms(v)}
        # Longest first, so a longer encoding is redacted whole before a substring of it.
        self._forms = sorted(forms, key=len, reverse=True)

    def contains_secret(self, data: bytes) -> bool:
        return any(form in data for form in self._forms)

    def redact(self, data: bytes) -> bytes:
        for form in self._forms:
            data = data.replace(form, REDACTION)
        return data


_SECRET_ACTIONS = frozenset({LeakAction.REDACT, LeakAction.BLOCK})


def _as_text(data: bytes) -> tuple[str, str]:
    """``data`` as text and the codec that turns it back into the very same bytes: UTF-8 when
    it is, else Latin-1 (which maps every byte, so binary bodies round-trip unchanged)."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


class DetectorScanner:
    """The safety layer's ``LeakDetector`` over bytes. A finding the detector would redact or
    block in text counts as a secret in traffic: a request holding one is not sent, a response
    holding one is redacted (``[REDACTED:rule]``). Warn-level findings pass."""

    def __init__(self, detector: LeakDetector) -> None:
        self._detector = detector

    def contains_secret(self, data: bytes) -> bool:
        scan = self._detector.scan(_as_text(data)[0])
        return any(f.action in _SECRET_ACTIONS for f in scan.findings)

    def redact(self, data: bytes) -> bytes:
        text, codec = _as_text(data)
        scan = self._detector.scan(text)
        if not any(f.action in _SECRET_ACTIONS for f in scan.findings):
            return data
        return scan.redacted.encode(codec, "replace")


class CombinedScanner:
    """Several scanners as one: a secret to any of them is a secret; each redacts in turn."""

    def __init__(self, scanners: Sequence[TrafficScanner]) -> None:
        self._scanners = tuple(scanners)

    def contains_secret(self, data: bytes) -> bool:
        return any(s.contains_secret(data) for s in self._scanners)

    def redact(self, data: bytes) -> bytes:
        for scanner in self._scanners:
            data = scanner.redact(data)
        return data
