"""Exact-value detection of known secrets (the vault's), in every common encoding.

This runs before any pattern: a stored secret is found whatever its format. Besides the raw
value it looks for its hex (lower and upper), URL-encoded and base64 forms (standard and
URL-safe, padded or not), and for the forms a model told to hide it would write without any
tool: the value reversed and in ROT13, and a hex value in the other letter case. A secret
embedded in a longer base64 stream encodes differently depending on its byte offset modulo 3,
so for each of the three alignments the characters that depend only on the secret are searched
for too.

All forms go into one RE2 alternation of escaped literals: one linear pass over the text,
however many secrets there are.

A secret spelt out with separators (``s k - l i v e …``, one character per line, dots between
characters: what an injected model is told to do to slip a key past a scanner) is found by a
second alternation in which each secret, stripped of its own separators, allows any run of
separators between two of its characters.
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
# Separators an exfiltrating model may put between a secret's characters.
_SEPARATORS = " \t\n\r\x0b\x0c-_.,:;|/\\'\"`+*"
_SEPARATOR_CLASS = "[" + "".join(f"\\x{ord(c):02x}" for c in _SEPARATORS) + "]"
_DROP_SEPARATORS = str.maketrans("", "", _SEPARATORS)
# A secret shorter than this without its separators is not searched for spaced out: spelt
# with gaps it would match ordinary words.
_MIN_SPACED = 12
_ROT13 = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm",
)
_HEX_VALUE = re2.compile(r"[0-9A-Fa-f\-]+")
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


def _rewritten(secret: str) -> set[str]:
    """``secret`` as a model can rewrite it in its head: as it is, reversed, in ROT13, and,
    for a value of hex digits (where case carries nothing), in either case."""
    forms = {secret, secret[::-1], secret.translate(_ROT13)}
    if _HEX_VALUE.fullmatch(secret):
        forms |= {f.lower() for f in forms} | {f.upper() for f in forms}
    return forms


def encoded_forms(secret: str) -> set[str]:
    """Every string under which ``secret`` may appear in output."""
    raw = secret.encode("utf-8")
    forms = {unicodedata.normalize("NFKC", secret), raw.hex(), raw.hex().upper()}
    forms |= _rewritten(secret)
    forms.update((quote(secret, safe=""), quote(secret), quote_plus(secret)))
    forms |= _base64_forms(raw)
    return {f for f in forms if len(f) >= MIN_SECRET_LENGTH}


class ExactValueMatcher:
    """Finds any encoded form of any known secret; add values at any time."""

    __slots__ = ("_forms", "_regex", "_spaced", "_spaced_regex")

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._forms: set[str] = set()
        self._regex: re2._Regexp | None = None
        self._spaced: set[str] = set()  # secrets without their separators
        self._spaced_regex: re2._Regexp | None = None
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
        for form in _rewritten(secret) | {unicodedata.normalize("NFKC", secret)}:
            bare = form.translate(_DROP_SEPARATORS)
            if len(bare.encode()) >= _MIN_SPACED:
                self._spaced.add(bare)
                self._spaced_regex = None
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

    def find_spaced(self, text: EncodedText) -> list[tuple[int, int]]:
        """Character spans of ``text`` that spell a known secret with separators between
        its characters (any number, or none)."""
        if not self._spaced:
            return []
        if self._spaced_regex is None:
            ordered = sorted(self._spaced, key=lambda f: (-len(f), f))
            self._spaced_regex = re2.compile("|".join(map(_spaced_pattern, ordered)), _RE2_OPTIONS)
        return [text.span(*m.span()) for m in self._spaced_regex.finditer(text.data)]


def _spaced_pattern(bare: str) -> str:
    """RE2 for ``bare`` with any run of separators between two of its characters."""
    return f"{_SEPARATOR_CLASS}*".join(re2.escape(c) for c in bare)
