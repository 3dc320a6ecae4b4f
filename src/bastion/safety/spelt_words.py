"""Words spelt out a character at a time among ordinary words, read as the words they spell.

``ignore all previous i.n.s.t.r.u.c.t.i.o.n.s``, ``(i g n o r e) (a l l) (p r e v i o u s)``,
``i/g/n/o/r/e a:l:l``: each spelt word uses one separator of its own (a space, a punctuation
mark, optionally with a space either side), words may differ, and brackets or quotes may wrap
them (they are left out of the reading). The spelt-run reading (``spaced_out_text``) needs
one run of twelve characters or more with one separator; these are the short words and the
mixed phrases it misses.

One RE2 pass finds the spelt words, in text where a set pass has reported ``TRIGGER``. Words
no more than ``_GAP`` bytes apart make a cluster; a cluster with a word of ``MIN_WORD``
characters or more is read with ``_CONTEXT`` bytes of the text on either side, every word
collapsed to its characters and the brackets, quotes and spaces between two words to one
space. The sanitizer runs its rules on that reading.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import re2

__all__ = ["MIN_WORD", "TRIGGER", "SpeltCluster", "spelt_clusters"]

MIN_WORD = 4  # characters: a cluster of only shorter words ("a b c", "x, y, z") is not read
_GAP = 24  # bytes between two spelt words of one phrase ("i.g.n.o.r.e all a.b.o.v.e")
_CONTEXT = 80  # bytes of the text read with a cluster ("ignore all previous" before it)
_MAX_CLUSTERS = 64  # clusters read in one text (then no more: bounded work on code or tables)
# One character between the characters of a spelt word: a space, or a mark with an optional
# space either side. Letters, digits and the characters that join words in identifiers
# ("_", "-") are left to the base64 and dashed readings, except as a word's own separator.
_MARKS = ".,:;|/\\+*~^=#'`_\\-"
_SEPARATORS = (
    [" ", "\t"] + [f" ?{re2.escape(mark)} ?" for mark in _MARKS] + [" ?\u00b7 ?", " ?\u2022 ?"]
)


def _spelt_word(characters: int) -> str:
    """RE2 for a word of at least ``characters`` characters spelt out, one separator in it."""
    return "|".join(
        rf"\b[A-Za-z0-9](?:{sep}[A-Za-z0-9]){{{characters - 1},}}\b" for sep in _SEPARATORS
    )


# For a rule set: text it does not report holds no cluster that is read. As one more pattern
# of the set the sanitizer runs anyway, it costs nothing measurable; a pass of its own costs
# ~18 instructions a byte.
TRIGGER = _spelt_word(MIN_WORD)
_SPELT_WORD = re2.compile(_spelt_word(3).encode())
_FILLER_BETWEEN = re2.compile(rb"[\s()\[\]{}\"'<>]*")
_OPENING = b"([{\"'<"
_CLOSING = b")]}\"'>"
_CHARACTER = re2.compile(rb"[A-Za-z0-9]")


@dataclass(frozen=True, slots=True)
class SpeltCluster:
    """Spelt words at byte offsets [start, end) of the text, and what the text around them
    reads with them collapsed."""

    start: int
    end: int
    reading: str
    words: tuple[int, int]  # where the collapsed words are in ``reading``, in characters


def spelt_clusters(data: bytes) -> Iterator[SpeltCluster]:
    """The clusters of spelt words in ``data`` (UTF-8), left to right, at most
    ``_MAX_CLUSTERS`` of them."""
    spans = [match.span() for match in _SPELT_WORD.finditer(data)]
    clusters: list[list[tuple[int, int]]] = []
    for span in spans:
        if clusters and span[0] - clusters[-1][-1][1] <= _GAP:
            clusters[-1].append(span)
        else:
            clusters.append([span])
    read = 0
    for cluster in clusters:
        if read == _MAX_CLUSTERS:
            return
        letters = [_CHARACTER.findall(data[s:e]) for s, e in cluster]
        if max(len(word) for word in letters) < MIN_WORD:
            continue
        read += 1
        start, end = cluster[0][0], cluster[-1][1]
        before = data[max(0, start - _CONTEXT) : start].rstrip(_OPENING).decode("utf-8", "ignore")
        collapsed = _collapsed(data, cluster, letters)
        after = data[end : end + _CONTEXT].lstrip(_CLOSING).decode("utf-8", "ignore")
        shown = (len(before), len(before) + len(collapsed))
        yield SpeltCluster(start, end, before + collapsed + after, shown)


def _unwrapped(gap: bytes) -> bytes:
    """``gap`` between two spelt words without the brackets and quotes that close the first
    and open the second."""
    return gap.lstrip(_CLOSING).rstrip(_OPENING)


def _collapsed(data: bytes, cluster: list[tuple[int, int]], letters: list[list[bytes]]) -> str:
    """The cluster's words as their characters, the brackets, quotes and spaces between two
    of them as one space, and anything else between them as it stands."""
    parts: list[bytes] = []
    for i, ((_, word_end), word) in enumerate(zip(cluster, letters, strict=True)):
        parts.append(b"".join(word))
        if i + 1 < len(cluster):
            gap = data[word_end : cluster[i + 1][0]]
            # Brackets and quotes wrapping a spelt word go: ``(n/o/t) summarize "t.h.i.s"``.
            parts.append(b" " if _FILLER_BETWEEN.fullmatch(gap) else _unwrapped(gap))
    return b"".join(parts).decode("utf-8", "ignore")
