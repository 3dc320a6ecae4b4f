"""Words split by HTML inline tags, read as a browser shows them: ``ig<b></b>nore``.

A browser renders ``ig<span>nore</span>`` as "ignore", and a model reading the page's source
reads it so too, but every phrase rule sees two words. Tags that render as nothing (inline
formatting without a ``style``, ``<wbr>``, comments without words) with no space on either
side, so inside a word or a URL (``https:<b></b>//``), are taken out of a view the rules read;
the offsets found in it are mapped back. Block tags (``<p>``, ``<td>``, ``<br>``) separate
words on screen and stay.

Speed: text without ``<`` costs a byte search; otherwise one RE2 pass that skips from ``<`` to
``<``, and the view is built only when such a tag is there.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import re2

from bastion.safety.encoded_text import EncodedText

__all__ = ["TagJoinedText", "join_tagged_words"]

_INLINE = (
    "a|abbr|b|bdi|bdo|big|cite|code|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|"
    "strike|strong|sub|sup|tt|u|var|wbr"
)
# A comment is taken out only when it says nothing (no letters): a model reads what a comment
# says, and the comment rules must see it.
_TAG = rf"<(?:/?(?i:{_INLINE})(?:\s[^<>]*)?/?|!--[^<>A-Za-z]*?--)>"
# One tag; RE2 skips from "<" to "<" at memchr speed. Runs of them, and what stands on either
# side, are checked here: a pattern with those in it reads every byte, ~7x the cost on
# ordinary text.
_ONE_TAG = re2.compile(_TAG.encode())
_SPACES = frozenset(b" \t\n\r\x0b\x0c")


@dataclass(frozen=True, slots=True)
class TagJoinedText:
    """``view``: the text without the tags, and where they were (all offsets in bytes)."""

    view: EncodedText
    _source: EncodedText
    _positions: tuple[int, ...]  # where each removed run sat, in ``view``
    _removed_before: tuple[int, ...]  # bytes removed before and with each run

    def source_chars(self, start: int, end: int) -> tuple[int, int]:
        """The character span of the source that the byte span [start, end) of ``view``
        came from."""
        return self._source.span(*self.to_source(start, end))

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """The byte span of the source that the byte span [start, end) of ``view`` came from."""
        return (
            start + self._shift(bisect_right(self._positions, start)),
            end + self._shift(bisect_left(self._positions, end)),
        )

    def _shift(self, runs: int) -> int:
        return self._removed_before[runs - 1] if runs else 0


def join_tagged_words(source: EncodedText) -> TagJoinedText | None:
    """``source`` with inline tags between two non-space characters taken out, or None if
    there is no such tag."""
    data = source.data
    if b"<" not in data:
        return None
    runs: list[list[int]] = []
    for match in _ONE_TAG.finditer(data):
        start, end = match.span()
        if b"style" in match.group(0).lower():
            continue  # a styled tag may hide text, which the hidden-text rule must see
        if runs and runs[-1][1] == start:
            runs[-1][1] = end
        else:
            runs.append([start, end])
    size = len(data)
    pieces: list[bytes] = []
    positions: list[int] = []
    removed: list[int] = []
    cursor = total = 0
    for start, end in runs:
        if not start or end == size or data[start - 1] in _SPACES or data[end] in _SPACES:
            continue
        pieces.append(data[cursor:start])
        positions.append(start - total)
        total += end - start
        removed.append(total)
        cursor = end
    if not positions:
        return None
    pieces.append(data[cursor:])
    # Tags are ASCII and lie between whole characters, so the bytes left are valid UTF-8.
    joined = b"".join(pieces)
    view = EncodedText(joined.decode("utf-8", "replace"), joined)
    return TagJoinedText(view, source, tuple(positions), tuple(removed))
