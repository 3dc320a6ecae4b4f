"""Text encoded to UTF-8 once, with byte → character offset conversion.

RE2 matches UTF-8 bytes; handing it a ``str`` re-encodes the whole text on every call. The
scanners encode once and run every pattern over the bytes. For ASCII (the common case) byte
and character offsets coincide; otherwise a checkpoint table keeps each conversion short.
"""

from __future__ import annotations

import re2

__all__ = ["MIN_BASE64_RUN", "EncodedText"]

_STEP = 4096
_CONTINUATION = bytes(range(0x80, 0xC0))
MIN_BASE64_RUN = 16  # characters: 12 bytes of base64, the least that can hold a credential
# A maximal run of the base64 alphabet (standard and URL-safe) and its padding.
_BASE64_RUN = re2.compile(rb"[A-Za-z0-9+/_\-]{%d,}={0,2}" % MIN_BASE64_RUN)


class EncodedText:
    __slots__ = ("_base64_runs", "_checkpoints", "data", "is_ascii", "text")

    def __init__(self, text: str, data: bytes | None = None) -> None:
        """``data``: ``text`` already encoded (UTF-8, errors replaced) by the caller."""
        self.text = text
        self.data = text.encode("utf-8", "replace") if data is None else data
        self.is_ascii = len(self.data) == len(text)
        self._checkpoints: list[int] | None = None
        self._base64_runs: list[tuple[int, int]] | None = None

    def base64_runs(self) -> list[tuple[int, int]]:
        """Byte spans of the maximal runs of ``[A-Za-z0-9+/_-]`` of at least
        ``MIN_BASE64_RUN`` characters, each with up to two ``=`` after it, left to right.

        The leak detector and the sanitizer both look for encoded text in the same text: one
        RE2 pass serves both (a run of at least N characters is a match of ``X{N,}={0,2}``).
        """
        if self._base64_runs is None:
            self._base64_runs = [m.span() for m in _BASE64_RUN.finditer(self.data)]
        return self._base64_runs

    def char_offset(self, byte_offset: int) -> int:
        if self.is_ascii:
            return byte_offset
        if self._checkpoints is None:
            counts = [0]
            for start in range(0, len(self.data), _STEP):
                chunk = self.data[start : start + _STEP]
                counts.append(counts[-1] + len(chunk.translate(None, _CONTINUATION)))
            self._checkpoints = counts
        base = byte_offset // _STEP * _STEP
        partial = self.data[base:byte_offset].translate(None, _CONTINUATION)
        return self._checkpoints[byte_offset // _STEP] + len(partial)

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.char_offset(start), self.char_offset(end)
