"""Canonical form of text for matching, with a map back to the text as given.

Evasions this undoes before any rule runs: compatibility forms (fullwidth letters, ligatures),
invisible characters inside a key or a phrase (zero-width spaces and joiners, bidi controls,
BOM, soft hyphens, variation selectors, Unicode tag characters, C0/C1 control characters), and
percent-encoding (``AKIA%49OSFODNN7EXAMPLE``). A control character never belongs inside a
credential or a sentence, so dropping it only rejoins what an attacker split.

Plain printable ASCII is copied as it is; only the runs that need work are rebuilt, so the
common case costs one linear-time search. Each run is normalised character by character so a
finding's offsets can be mapped back exactly (a combining sequence is therefore not composed).
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from urllib.parse import unquote

import re2

__all__ = ["NormalizedText", "is_invisible", "normalize"]

# Runs that may change: anything outside printable ASCII/tab/newline, and percent-escapes.
_SPECIAL_RUN = re2.compile(r"[^\t\n\r\x20-\x7e]+|(?:%[0-9A-Fa-f]{2})+")


def is_invisible(char: str) -> bool:
    """Format and control characters (except tab/newline/CR) and variation selectors."""
    if char in "\t\n\r":
        return False
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
        return True
    return unicodedata.category(char) in ("Cf", "Cc", "Co", "Cn") and not char.isspace()


def _normalize_char(char: str) -> str:
    if is_invisible(char):
        return ""
    folded = unicodedata.normalize("NFKC", char)
    return "".join(c for c in folded if not is_invisible(c))


@dataclass(slots=True)
class _Segment:
    norm_start: int
    orig_start: int
    norm_len: int
    orig_len: int

    @property
    def is_copy(self) -> bool:
        return self.norm_len == self.orig_len


class NormalizedText:
    """The normalised ``text`` of ``original`` plus an exact offset map back to it."""

    __slots__ = ("_norm_starts", "_segments", "original", "text")

    def __init__(self, original: str, text: str, segments: list[_Segment]) -> None:
        self.original = original
        self.text = text
        self._segments = segments
        self._norm_starts = [seg.norm_start for seg in segments]

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span [start, end) to the smallest original span that produced it."""
        if not self.changed:
            return start, end
        if end <= start:
            pos = self._start(start)
            return pos, pos
        return self._start(start), self._end(end)

    def _segment(self, pos: int) -> _Segment:
        index = max(bisect_right(self._norm_starts, pos) - 1, 0)
        return self._segments[index]

    def _start(self, pos: int) -> int:
        if not self._segments:
            return 0
        seg = self._segment(pos)
        if pos >= seg.norm_start + seg.norm_len:
            return seg.orig_start + seg.orig_len
        return seg.orig_start + (pos - seg.norm_start) if seg.is_copy else seg.orig_start

    def _end(self, pos: int) -> int:
        if not self._segments:
            return 0
        seg = self._segment(pos - 1)
        if seg.is_copy:
            return seg.orig_start + min(pos - seg.norm_start, seg.orig_len)
        return seg.orig_start + seg.orig_len


def _decode_percent_run(run: str) -> str:
    return unquote(run, errors="replace")


def normalize(original: str) -> NormalizedText:
    """Normalise ``original`` for matching (NFKC, invisible characters out, %XX decoded)."""
    segments: list[_Segment] = []
    parts: list[str] = []
    norm_pos = 0
    orig_pos = 0

    def copy(upto: int) -> None:
        nonlocal norm_pos, orig_pos
        if upto > orig_pos:
            length = upto - orig_pos
            last = segments[-1] if segments else None
            if (
                last is not None
                and last.is_copy
                and last.orig_start + last.orig_len == orig_pos
                and last.norm_start + last.norm_len == norm_pos
            ):
                last.norm_len += length
                last.orig_len += length
            else:
                segments.append(_Segment(norm_pos, orig_pos, length, length))
            parts.append(original[orig_pos:upto])
            norm_pos += length
            orig_pos = upto

    def replace(orig_len: int, replacement: str) -> None:
        nonlocal norm_pos, orig_pos
        if replacement:
            segments.append(_Segment(norm_pos, orig_pos, len(replacement), orig_len))
            parts.append(replacement)
            norm_pos += len(replacement)
        orig_pos += orig_len

    for match in _SPECIAL_RUN.finditer(original):
        copy(match.start())
        run = match.group(0)
        if run[0] == "%":
            decoded = _decode_percent_run(run)
            replace(len(run), "".join(_normalize_char(c) for c in decoded))
            continue
        for char in run:
            out = _normalize_char(char)
            if out == char:
                copy(orig_pos + 1)
            else:
                replace(1, out)
    if not segments:
        return NormalizedText(original, original, [_Segment(0, 0, len(original), len(original))])
    copy(len(original))
    return NormalizedText(original, "".join(parts), segments)
