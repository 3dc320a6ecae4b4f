"""Spans taken out of a text, and the map from offsets in what is left back to the text.

Views that read a text as it is shown (inline tags out of a word, markup out of a key) are
the text with some spans removed; a finding in the view is reported on the text itself.
Offsets are in whatever unit the spans were given in (bytes or characters).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import AnyStr

__all__ = ["Removals", "remove_spans"]


@dataclass(frozen=True, slots=True)
class Removals:
    positions: tuple[int, ...]  # where each removed span sat, in the text left
    removed_before: tuple[int, ...]  # units removed before and with each span

    @classmethod
    def of(cls, spans: Iterable[tuple[int, int]]) -> Removals:
        """The map for removing ``spans`` (sorted, not overlapping) from a text."""
        positions: list[int] = []
        removed: list[int] = []
        total = 0
        for start, end in spans:
            positions.append(start - total)
            total += end - start
            removed.append(total)
        return cls(tuple(positions), tuple(removed))

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """The span of the text that the span [start, end) of what is left came from: a
        removal on its edge stays outside it, one inside it is part of it."""
        return (
            start + self._shift(bisect_right(self.positions, start)),
            end + self._shift(bisect_left(self.positions, end)),
        )

    def _shift(self, runs: int) -> int:
        return self.removed_before[runs - 1] if runs else 0


def remove_spans(text: AnyStr, spans: Iterable[tuple[int, int]]) -> AnyStr:
    """``text`` without ``spans`` (sorted, not overlapping)."""
    pieces: list[AnyStr] = []
    cursor = 0
    for start, end in spans:
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    return text[:0].join(pieces)
