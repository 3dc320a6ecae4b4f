"""Exact-value leak scan of traffic: every known secret, and its common encodings.

This is the floor the architecture demands ("exact value, and base64/hex/URL-encoded forms"),
kept inside egress so that it works before and without the safety layer's pattern rules. The
``TrafficScanner`` protocol is the seam where a richer detector can be plugged in.
"""

from __future__ import annotations

import base64
from collections.abc import Collection, Iterable
from typing import Protocol
from urllib.parse import quote, quote_plus

__all__ = ["ExactValueScanner", "TrafficScanner"]

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
