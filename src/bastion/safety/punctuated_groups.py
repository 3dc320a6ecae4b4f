"""Credentials written in groups set apart by punctuation: ``AKIA.Q3EG.T5L6.NRWJ.DPVK``,
``AKIA | Q3EG | T5L6 …`` (a table's cells), ``'AKIA', 'Q3EG', …``, ``[AKIA][Q3EG]…``.

``grouped_runs`` reads groups apart by a space, a tab, a dash or an underscore; a model told
to slip a key past a scanner can as well be told to put a dot, a slash, a comma or a bar
between them, or to write each group in quotes or brackets. A punctuated run is a lead (1-40
characters), then at least two groups of one length L (3-8), then a last group no longer than
L, every two apart by one and the same separator: a mark (``. / : ; , | +``, a middle dot, a
bullet, an ellipsis, ``', '`` between quoted items, ``][`` between bracketed ones) with up to
two spaces either side (a separator of spaces, dashes or underscores alone is
``grouped_runs``' to read).

Two of the groups after the lead must hold a character that is not a lowercase letter: a
path's and a dotted name's seldom do, and would only use up the runs read in one text.
``TRIGGER`` is in the leak detector's set of triggers: only text with such groups pays for
reading them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import re2

from bastion.safety import byte_runs

__all__ = ["TRIGGER", "PunctuatedRun", "punctuated_runs"]

_MIN_GROUP = 3
_MAX_GROUP = 8
_MAX_LEAD = 40
_MAX_RUNS = 256  # runs read in one text (then no more: bounded work on a page of paths)
_MAX_GROUPS = 64  # groups of one run read joined (a key is 8 groups of 4 at most, or so)
_GROUP = r"[A-Za-z0-9_\-]"  # a key's own dashes are in its groups
# The marks between groups, each alone or with up to two spaces either side: punctuation, a
# middle dot, a bullet, an ellipsis, quoted items of a list, bracketed groups side by side.
_SEPARATORS = (
    ".", "/", ":", ";", ",", "|", "+", "\u00b7", "\u2022", "...",
    "', '", '", "', "','", '","', "][", "] [", ")(", ") (",
)  # fmt: skip
# Two groups of one length, then a third no longer, each two apart by the same separator:
# with the lead before them, a key of 4 * 3 characters at least. Code and prose have marks
# between words everywhere ("json.load(fh", "a, b and c"); the same mark between words of one
# length three times over is rare.
TRIGGER = "|".join(
    rf"(?:^|[^A-Za-z0-9_\-]){_GROUP}{{{n}}}{gap}{_GROUP}{{{n}}}{gap}{_GROUP}{{1,{n}}}"
    for gap in (rf"[ \t]{{0,2}}{re2.escape(mark)}[ \t]{{0,2}}" for mark in _SEPARATORS)
    for n in range(_MIN_GROUP, _MAX_GROUP + 1)
)
# Read around a candidate: back to where its lead may begin, on to where its run may end.
_BEFORE = _MAX_LEAD + 8
_AFTER = _MAX_GROUPS * (_MAX_GROUP + 8)
_GROUP_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


@dataclass(frozen=True, slots=True)
class PunctuatedRun:
    """The groups of a run (byte spans; the first is the lead), in order."""

    groups: tuple[tuple[int, int], ...]

    @property
    def start(self) -> int:
        return self.groups[0][0]

    @property
    def end(self) -> int:
        return self.groups[-1][1]


def punctuated_runs(data: bytes) -> Iterator[PunctuatedRun]:
    """The punctuated runs in ``data``: around each candidate, the longest stretches of words
    that keep to the rules above."""
    windows = byte_runs.merged(
        (_line_start(data, m.start()), _line_end(data, m.end()))
        for m in _candidates().finditer(data)
    )
    runs = (run for start, end in windows for run in _runs_in(data, start, end))
    yield from itertools.islice(runs, _MAX_RUNS)


@cache
def _candidates() -> re2._Regexp:
    """``TRIGGER`` compiled on first use: ~10 ms that a process reading no such text keeps."""
    return re2.compile(TRIGGER.encode())


def _line_start(data: bytes, at: int) -> int:
    floor = max(0, at - _BEFORE)
    return max(floor, data.rfind(b"\n", floor, at) + 1)


def _line_end(data: bytes, at: int) -> int:
    ceiling = min(len(data), at + _AFTER)
    stop = data.find(b"\n", at, ceiling)
    return ceiling if stop < 0 else stop


def _runs_in(data: bytes, start: int, end: int) -> Iterator[PunctuatedRun]:
    words: list[tuple[int, int]] = []
    cursor = start
    while cursor < end:
        stop = byte_runs.run_end(data, cursor, _GROUP_BYTES, end - cursor)
        words.append((cursor, stop))
        cursor = stop
        while cursor < end and data[cursor] not in _GROUP_BYTES:
            cursor += 1
    first = 0
    while first + 2 < len(words):
        last = _run_end(data, words, first)
        if last is None:
            first += 1
            continue
        groups = words[first : last + 1]
        # A key's groups hold capitals or digits; a path's or a dotted name's, seldom.
        if sum(not _lowercase(data[s:e]) for s, e in groups[1:]) >= 2:
            yield PunctuatedRun(tuple(groups))
        first = last + 1


def _lowercase(group: bytes) -> bool:
    return group.isalpha() and group.islower()


def _run_end(data: bytes, words: list[tuple[int, int]], first: int) -> int | None:
    """The last word of the run that begins at ``words[first]`` (its lead), or None."""
    length = words[first + 1][1] - words[first + 1][0]
    lead = words[first][1] - words[first][0]
    if not _MIN_GROUP <= length <= _MAX_GROUP or lead > _MAX_LEAD:
        return None
    separator = data[words[first][1] : words[first + 1][0]]
    last = first + 1
    while last + 1 < len(words) and last - first < _MAX_GROUPS:
        start, end = words[last + 1]
        if data[words[last][1] : start] != separator or end - start > length:
            break
        last += 1
        if end - start < length:
            break  # a shorter group ends the run
    return last if last - first >= 2 else None
