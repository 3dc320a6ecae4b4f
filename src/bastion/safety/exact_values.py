"""Exact-value detection of known secrets (the vault's), in every common encoding.

This runs before any pattern: a stored secret is found whatever its format. Besides the raw
value it looks for its hex (lower and upper), URL-encoded and base64 forms (standard and
URL-safe, padded or not). A secret embedded in a longer base64 stream encodes differently
depending on its byte offset modulo 3, so for each of the three alignments the characters that
depend only on the secret are searched for too.

All forms go into one RE2 alternation of escaped literals: one linear pass over the text,
however many secrets there are.
"""

from __future__ import annotations

import base64
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

import re2

from bastion.safety.encoded_text import EncodedText

__all__ = ["MIN_SECRET_LENGTH", "ExactValueMatcher", "encoded_forms"]

# Shorter values would match ordinary words; such a "secret" cannot be protected by search.
MIN_SECRET_LENGTH = 6
# The shortest encoded fragment worth searching for (6 bytes of the secret).
_MIN_FRAGMENT = 8
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.max_mem = 64 << 20


def _base64_forms(raw: bytes) -> set[str]:
    forms: set[str] = set()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        whole = encode(raw).decode("ascii")
        forms.update((whole, whole.rstrip("=")))
        for offset in (0, 1, 2):
            encoded = encode(b"\0" * offset + raw).decode("ascii")
            # Drop the group mixing the prefix's bytes, and a trailing partial group.
            start = 4 if offset else 0
            end = len(encoded) if (offset + len(raw)) % 3 == 0 else len(encoded) - 4
            fragment = encoded[start:end]
            if len(fragment) >= _MIN_FRAGMENT:
                forms.add(fragment)
    return forms


def encoded_forms(secret: str) -> set[str]:
    """Every string under which ``secret`` may appear in output."""
    raw = secret.encode("utf-8")
    forms = {secret, unicodedata.normalize("NFKC", secret), raw.hex(), raw.hex().upper()}
    forms.update((quote(secret, safe=""), quote(secret), quote_plus(secret)))
    forms |= _base64_forms(raw)
    return {f for f in forms if len(f) >= MIN_SECRET_LENGTH}


class ExactValueMatcher:
    """Finds any encoded form of any known secret; add values at any time."""

    __slots__ = ("_forms", "_regex")

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._forms: set[str] = set()
        self._regex: re2._Regexp | None = None
        for secret in secrets:
            self.add(secret)

    def __len__(self) -> int:
        return len(self._forms)

    def add(self, secret: str) -> bool:
        """Remember ``secret``; False when it is too short to be searched for safely."""
        if len(secret) < MIN_SECRET_LENGTH:
            return False
        self._forms |= encoded_forms(secret)
        self._regex = None
        return True

    def find(self, text: EncodedText) -> list[tuple[int, int]]:
        """Character spans of every known form in ``text``."""
        if not self._forms:
            return []
        if self._regex is None:
            # Longest first: leftmost-first alternation then prefers the complete form.
            ordered = sorted(self._forms, key=lambda f: (-len(f), f))
            self._regex = re2.compile("|".join(re2.escape(f) for f in ordered), _RE2_OPTIONS)
        return [text.span(*m.span()) for m in self._regex.finditer(text.data)]
