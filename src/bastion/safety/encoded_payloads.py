"""Decoding of text that may hide instructions: base64, hex, ROT13, Unicode tag characters and
text spelt out a character at a time.

The sanitizer re-checks whatever decodes to readable text, so "aWdub3JlIGFsbC..." is judged
by what it says. Candidates are found by RE2 (linear); each decode is bounded by the span.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

import re2

from bastion.safety.encoded_text import EncodedText

__all__ = [
    "DecodedSpan",
    "decode_base64",
    "decode_hex",
    "decoded_spans",
    "rot13",
    "spaced_out_text",
    "tag_smuggled_text",
]

_BASE64 = re2.compile(r"[A-Za-z0-9+/_\-]{24,}={0,2}")
_MIN_BASE64 = 24  # characters of a base64 run worth decoding as a possible instruction
_EQUALS = ord("=")
_HEX = re2.compile(rb"(?:[0-9A-Fa-f]{2}[ :]?){16,}|(?:\\x[0-9A-Fa-f]{2}){12,}")
# Unicode "tag" characters mirror ASCII and render as nothing: a known way to hide a prompt.
_TAGS = re2.compile("[\U000e0020-\U000e007e]{4,}")
_TAG_LEAD = "\U000e0020".encode()[:2]  # the first two UTF-8 bytes of every tag character
_ROT13 = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    b"NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm",
)
_TAB_NEWLINE = str.maketrans("", "", "\t\n")
_MAX_DECODE = 64 * 1024  # longer blobs are judged on their first 64 KiB


DecodedSpan = tuple[int, int, str, str]  # start, end, encoding, decoded text


def _readable(raw: bytes) -> str | None:
    """Decoded bytes that are text a model would read (printable, with spaces), or another
    layer of base64 to peel."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(text) < 12:
        return None
    if " " not in text and text.isascii():  # scripts such as CJK have no spaces
        return text if _BASE64.fullmatch(text) is not None else None
    rest = text.translate(_TAB_NEWLINE)  # tabs and newlines count as printable
    printable = (
        len(text)
        - len(rest)
        + (len(rest) if rest.isprintable() else sum(map(str.isprintable, rest)))
    )
    return text if printable >= 0.95 * len(text) else None


def decode_base64(token: str, limit: int = _MAX_DECODE) -> bytes | None:
    """Standard or URL-safe base64, padded or not, of at most ``limit`` characters; None if
    ``token`` is not base64."""
    token = token[:limit].rstrip("=")
    token = token[: len(token) - len(token) % 4] if len(token) % 4 == 1 else token
    alt = "-_" if ("-" in token or "_" in token) else None
    padded = token + "=" * (-len(token) % 4)
    try:
        return base64.b64decode(padded, altchars=b"-_" if alt else None, validate=True)
    except (binascii.Error, ValueError):
        return None


def decode_hex(token: str, limit: int = _MAX_DECODE) -> bytes | None:
    """Hex digits (``\\x``, space and colon separators dropped), at most ``limit`` of them."""
    digits = token.replace("\\x", "").replace(" ", "").replace(":", "")[:limit]
    try:
        return bytes.fromhex(digits[: len(digits) - len(digits) % 2])
    except ValueError:
        return None


def decoded_spans(text: EncodedText) -> Iterator[DecodedSpan]:
    """Character spans of ``text`` that decode (base64 or hex) to readable text."""
    for match in _HEX.finditer(text.data):
        raw = decode_hex(match.group(0).decode("ascii"))
        decoded = _readable(raw) if raw is not None else None
        if decoded is not None:
            yield (*text.span(*match.span()), "hex", decoded)
    data = text.data
    for start, end in text.base64_runs():
        if end - start - _padding(data, end) < _MIN_BASE64:
            continue  # the runs a search for ``[…]{24,}={0,2}`` would find, and no others
        token = data[start:end].decode("ascii")
        if token.isalnum() and (token.isdigit() or token.isalpha()):
            continue  # a word or a number, not an encoding
        raw = decode_base64(token)
        decoded = _readable(raw) if raw is not None else None
        if decoded is not None:
            yield (*text.span(start, end), "base64", decoded)
    for start, end, joined in text.wrapped_blocks():  # instructions wrapped at 76 columns
        raw = decode_base64(joined.decode("ascii"))
        decoded = _readable(raw) if raw is not None else None
        if decoded is not None:
            yield (*text.span(start, end), "base64", decoded)


def _padding(data: bytes, end: int) -> int:
    """How many ``=`` (at most two) end the run that ends at ``end``."""
    return (data[end - 1] == _EQUALS) + (end >= 2 and data[end - 2] == _EQUALS)


# Python's own engine here: a single class repeated is linear in any engine, and the RE2
# wrapper's per-match cost in Python is ~100x the work on a run of single letters.
_SEPARATORS = re.compile(rb"([^A-Za-z0-9_\-]+)")
_DASHED_SEPARATORS = re.compile(rb"([^A-Za-z0-9]+)")  # "S-e-n-d t-h-e": the dash joins


def spaced_out_text(text: EncodedText) -> Iterator[DecodedSpan]:
    """Character spans of ``text`` spelt out a character at a time, and what they read: the
    commonest separator joins letters, any other one parts words (``i g n o r e   a l l``
    reads "ignore all", as do ``i.g.n.o.r.e a.l.l`` and ``i-g-n-o-r-e a-l-l``)."""
    data = text.data
    for start, end in text.spaced_out():
        run = data[start:end]
        splitter = _DASHED_SEPARATORS if run[1:2] in (b"-", b"_") else _SEPARATORS
        pieces = splitter.split(run)  # letters and separators, alternating
        separators = pieces[1::2]
        joiner = max(set(separators), key=separators.count)
        # A space where a word ends, nothing where letters join: one join, linear.
        gaps = [b"" if separator == joiner else b" " for separator in separators]
        spelt = b"".join(
            piece for pair in zip(pieces[::2], [*gaps, b""], strict=True) for piece in pair
        )
        yield (*text.span(start, end), "spaced", spelt.decode("ascii"))


def rot13(data: bytes) -> bytes:
    """ROT13 of UTF-8 bytes (multi-byte sequences are untouched: only ASCII letters move)."""
    return data.translate(_ROT13)


def tag_smuggled_text(text: str, data: bytes | None = None) -> Iterator[tuple[int, int, str]]:
    """Runs of Unicode tag characters and the ASCII text they spell (``data``: ``text`` as
    UTF-8, if at hand, to skip the search when no tag character can be there)."""
    if data is not None and _TAG_LEAD not in data:
        return
    for match in _TAGS.finditer(text):
        yield match.start(), match.end(), "".join(chr(ord(c) - 0xE0000) for c in match.group(0))
