"""Credential patterns hidden in base64 or hex: the candidate spans and what they decode to.

An exfiltrating tool or model can send ``QUtJQUlPU0ZPRE5ON0VYQU1QTEU=`` (an AWS key id) in a
URL query, a header or a body, where no credential pattern matches the encoded text. The leak
detector runs its rules again on what such a span decodes to and reports the encoded span.

Candidates are runs of the base64 alphabet (standard and URL-safe, padded or not; a run of hex
digits is tried as hex first) and ``\\x41``-style escapes, found by one RE2 pass (linear).
Decoded text must be UTF-8 and printable, which random bytes (hashes, digests, image data,
public-key blobs) practically never are. The work per call is bounded by a ``DecodeBudget``:
at most so many decodes and so many characters decoded, shared by nested layers.
"""

from __future__ import annotations

import binascii
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import re2

from bastion.safety.encoded_text import MIN_BASE64_RUN, EncodedText

__all__ = [
    "MAX_DECODED_CHARS",
    "MAX_DECODES",
    "DecodeBudget",
    "DecodedCandidate",
    "decoded_candidates",
]

Encoding = Literal["base64", "hex"]

# 16 characters are 12 bytes of base64 or 8 of hex: shorter runs hold no credential.
_CANDIDATE = re2.compile(rb"(?:\\x[0-9A-Fa-f]{2}){8,}|[A-Za-z0-9+/_\-]{%d,}={0,2}" % MIN_BASE64_RUN)
_MIN_SEGMENT = MIN_BASE64_RUN
_GLUE = frozenset(b"-_")
_GLUED_TRIES = 2  # separators tried from each end
_MIN_DECODED_BYTES = 8
_HEX_DIGITS = b"0123456789abcdefABCDEF"

_URL_SAFE = bytes.maketrans(b"-_", b"+/")
_LINE_BREAKS = str.maketrans("", "", "\t\n\r")
# A stray control character in a decoded config file is tolerated, one in 32 at most.
_MAX_UNPRINTABLE_SHARE = 32

MAX_DECODES = 4096  # per call; a 64 KiB call holds at most ~3,900 candidates
MAX_DECODED_CHARS = 1 << 20  # per call, encoded characters handed to a decoder


@dataclass(slots=True)
class DecodeBudget:
    """What one scan may still decode (shared by every nested layer of that scan)."""

    decodes: int = MAX_DECODES
    chars: int = MAX_DECODED_CHARS

    @property
    def spent(self) -> bool:
        return self.decodes <= 0 or self.chars <= 0

    def take(self, token: bytes) -> bytes:
        """The part of ``token`` that may be decoded (all of it unless the budget runs out)."""
        self.decodes -= 1
        granted = token[: max(self.chars, 0)]
        self.chars -= len(granted)
        return granted


@dataclass(frozen=True, slots=True)
class DecodedCandidate:
    """``text[start:end]`` (character offsets into the text scanned) decodes to ``decoded``."""

    start: int
    end: int
    encoding: Encoding
    decoded: str


def _readable(raw: bytes | None) -> str | None:
    if raw is None or len(raw) < _MIN_DECODED_BYTES:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    visible = text.translate(_LINE_BREAKS)
    if visible.isprintable():
        return text
    unprintable = len(visible) - sum(map(str.isprintable, visible))
    return text if unprintable * _MAX_UNPRINTABLE_SHARE <= len(text) else None


def _hex(token: bytes) -> bytes | None:
    digits = token.replace(b"\\x", b"")
    try:
        return binascii.unhexlify(digits[: len(digits) - len(digits) % 2])
    except binascii.Error:
        return None


def _base64(token: bytes) -> bytes | None:
    """Standard or URL-safe (not both at once), padded or not."""
    body = token.rstrip(b"=")
    if len(body) % 4 == 1:
        body = body[:-1]
    if b"-" in body or b"_" in body:
        if b"+" in body or b"/" in body:
            return None
        body = body.translate(_URL_SAFE)
    try:
        return binascii.a2b_base64(body + b"=" * (-len(body) % 4), strict_mode=True)
    except binascii.Error:
        return None


def _decode(token: bytes, budget: DecodeBudget) -> tuple[Encoding, str] | None:
    if token.startswith(b"\\x"):
        text = _readable(_hex(budget.take(token)))
        return ("hex", text) if text is not None else None
    if not token.translate(None, _HEX_DIGITS):  # only hex digits: hex first
        text = _readable(_hex(budget.take(token)))
        if text is not None:
            return "hex", text
    text = _readable(_base64(budget.take(token)))
    return ("base64", text) if text is not None else None


def _pieces(token: bytes) -> list[tuple[int, bytes]]:
    """The token, then its ``/``-separated segments (base64 glued to a URL path,
    ``/upload/QUtJ…``, is misaligned as a whole), then what follows its first ``-``/``_``
    separators and what precedes its last ones (``id-QUtJ…``, ``QUtJ…_v2``): the URL-safe
    alphabet has those characters too, so a word glued on with one joins the run."""
    pieces = [(0, token)]
    offset = 0
    if b"/" in token:
        for segment in token.split(b"/"):
            if len(segment) >= _MIN_SEGMENT and len(segment) < len(token):
                pieces.append((offset, segment))
            offset += len(segment) + 1
    glue = [i for i, byte in enumerate(token) if byte in _GLUE]
    for at in glue[:_GLUED_TRIES]:
        if len(token) - at - 1 >= _MIN_SEGMENT:
            pieces.append((at + 1, token[at + 1 :]))
    for at in glue[-_GLUED_TRIES:]:
        if at >= _MIN_SEGMENT:
            pieces.append((0, token[:at]))
    return pieces


def _may_be_glued(token: bytes) -> bool:
    return b"/" in token or b"-" in token or b"_" in token


def _candidate_spans(text: EncodedText) -> Iterator[tuple[int, int]]:
    data = text.data
    if b"\\x" not in data:
        # No escape can start: the candidates are exactly the text's base64 runs, which the
        # sanitizer reads too.
        yield from text.base64_runs()
        return
    for match in _CANDIDATE.finditer(data):
        yield match.span()


def decoded_candidates(text: EncodedText, budget: DecodeBudget) -> Iterator[DecodedCandidate]:
    """Spans of ``text`` that decode (base64 or hex) to printable text: each run, then each
    block of wrapped lines read as one (``EncodedText.wrapped_blocks``: base64 as ``base64``
    writes it, hex as ``xxd -p`` does)."""
    yield from _run_candidates(text, budget)
    for start, end, joined in text.wrapped_blocks():
        if budget.spent:
            return
        decoded = _decode(joined, budget)
        if decoded is not None:
            yield DecodedCandidate(*text.span(start, end), *decoded)


def _run_candidates(text: EncodedText, budget: DecodeBudget) -> Iterator[DecodedCandidate]:
    data = text.data
    for start, end in _candidate_spans(text):
        token = data[start:end]
        if token.isdigit():
            continue  # a number: base64 of text always has letters
        for offset, piece in _pieces(token) if _may_be_glued(token) else ((0, token),):
            if budget.spent:
                return
            decoded = _decode(piece, budget)
            if decoded is not None:
                begin = start + offset
                yield DecodedCandidate(*text.span(begin, begin + len(piece)), *decoded)
                break
