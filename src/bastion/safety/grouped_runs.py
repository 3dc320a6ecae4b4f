"""Credentials written in groups: ``AKIA IOSF ODNN 7EXA MPLE``, ``AKIA-IOSF-ODNN-7EXA-MPLE``,
``AKIA_IOSF_ODNN_7EXA_MPLE``.

A model told to "put a space every four characters" gets a key past every pattern, as spelling
it out a character at a time would. A grouped run is a lead (a short word, which may be the
first group itself), then at least two groups of one length L (3-8 characters; the first two
each hold a character that is not a lowercase letter, so that prose lines up only by rare
chance), then a last group no longer than L, all separated by one and the same character: a
space, a tab, a dash or an underscore. The leak detector reads the groups joined, once with
the lead joined to them (``ghp_aBcD 1234 …``) and once with the lead apart (``key AKIA …``).

The runs separated by spaces or tabs are found by an RE2 pass of ``PATTERN`` of their own (as
an alternative of the base64 pass, a grouped run would hide base64 and spelt runs that begin
inside it); dashes and underscores are base64 characters, so a run grouped by them is a base64
run that ``grouped_runs`` splits.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PATTERN", "GroupedRun", "grouped_runs"]

_MIN_GROUP = 3
_MAX_GROUP = 8
_MAX_LEAD = 40  # "aws_secret_access_key=wJal rXUt …": a lead may hold its keyword
_MAX_EARLIER = 8  # groups before the pattern's match that are read with it
_MAX_BEGINS = 4  # places the groups are read from, between the widest and the pattern's
_MAX_DROPPED = 2  # lowercase words after a key that are read as not part of it
_ANY = rb"[A-Za-z0-9_+/=\-]"
_NOT_LOWER = rb"[A-Z0-9_+/=\-]"
_GROUP_CHARACTERS = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/=-"
)
_LOWER = frozenset(b"abcdefghijklmnopqrstuvwxyz")


def _group(length: int) -> bytes:
    """``length`` group characters, at least one of them not a lowercase letter."""
    placements = [
        b"[a-z]{%d}%s%s{%d}" % (lower, _NOT_LOWER, _ANY, length - 1 - lower)
        for lower in range(length)
    ]
    return b"(?:" + b"|".join(placements) + b")"


# Whole words only: the character before the run and the one after it (if any) are taken
# with it, as RE2 has no lookaround; ``grouped_runs`` leaves them out. Without them, every log
# line's "4411 200 12ms" would be a candidate ("411 200 12m").
_EDGE = rb"[^A-Za-z0-9_+/=\-]"
PATTERN = rb"(?:^|%s)(?:%s{1,%d}[ \t])?(?:%s)(?:%s|$)" % (
    _EDGE,
    _ANY,
    _MAX_LEAD,
    b"|".join(
        rb"%s[ \t]%s[ \t](?:%s{%d}[ \t])*%s{1,%d}"
        % (_group(length), _group(length), _ANY, length, _ANY, length)
        for length in range(_MIN_GROUP, _MAX_GROUP + 1)
    ),
    _EDGE,
)


@dataclass(frozen=True, slots=True)
class GroupedRun:
    """Byte offsets: the run is [start, end); its equal groups begin at ``groups`` (``start``
    when the lead is the first group itself)."""

    start: int
    groups: int
    end: int
    separator: int

    def joined(self, data: bytes, context: int, *, lead_apart: bool, limit: int) -> list[int]:
        """Offsets of the bytes a leak rule reads: ``data[context:start]`` as it stands, the
        lead (with its separator if ``lead_apart``), then the groups without separators, at
        most ``limit`` of their bytes."""
        joined_lead = not lead_apart and self.groups > self.start
        offsets = list(range(context, self.groups - 1 if joined_lead else self.groups))
        separator = self.separator
        stop = min(self.end, self.groups + limit + limit // _MIN_GROUP)
        offsets += [i for i in range(self.groups, stop) if data[i] != separator][:limit]
        return offsets


def grouped_runs(data: bytes, start: int, end: int, separator: int) -> list[GroupedRun]:
    """The readings of the grouped run that [start, end) of ``data`` may hold, the widest
    first. Where a key begins and ends among words that line up with it is a guess: it is
    also read from later groups, and without up to two lowercase words at its end ("… XwPE
    from the dashboard")."""
    # The pattern's edges: one character each, which RE2 reads whole, so one that is not
    # ASCII ("/日本", a Cyrillic letter) is two to four bytes, not one.
    while start < end and data[start] not in _GROUP_CHARACTERS:
        start += 1
    while end > start and data[end - 1] not in _GROUP_CHARACTERS:
        end -= 1
    if end < len(data) and data[end] in _GROUP_CHARACTERS:
        end = data.rfind(bytes((separator,)), start, end)  # the last group was cut from a word
        if end < 0:
            return []
    # Words apart by the other separator ("set ASIA2YZ2\tVSHX…\tNDLH in") are not the run's.
    first_gap = data.find(bytes((separator,)), start, end)
    last_gap = data.rfind(bytes((separator,)), start, end)
    if first_gap < 0:
        return []
    other = b"\t" if separator == ord(" ") else b" "
    start = max(start, data.rfind(other, start, first_gap) + 1)
    tail = data.find(other, last_gap, end)
    end = end if tail < 0 else tail
    parts: list[tuple[int, int]] = []
    cursor = start
    while cursor <= end:
        gap = data.find(bytes((separator,)), cursor, end)
        stop = end if gap < 0 else gap
        parts.append((cursor, stop))
        cursor = stop + 1
    runs: list[GroupedRun] = []
    for dropped in range(_MAX_DROPPED + 1):
        kept = parts[: len(parts) - dropped]
        if dropped and _not_lowercase(data, *parts[len(parts) - dropped]):
            break
        runs += [run for run in _run_of(data, kept, separator) if run not in runs]
    return runs


def _run_of(data: bytes, parts: list[tuple[int, int]], separator: int) -> list[GroupedRun]:
    """The runs that ``parts`` (separated by ``separator``) make: with the groups from as far
    back as groups of their length go (``glpa t-rP lifj 8zrz``), from where their first two
    hold a character that is not a lowercase letter (as the pattern found them), and from a
    few places between (``I set uvM sgg _rm``: "set" is a group of three too)."""
    if len(parts) < 3:
        return []
    length = parts[-2][1] - parts[-2][0]
    last = parts[-1][1] - parts[-1][0]
    if not (_MIN_GROUP <= length <= _MAX_GROUP) or not 1 <= last <= length:
        return []
    parts = _earlier_parts(data, parts[0][0], separator) + parts
    first = len(parts) - 1
    while first > 0 and _is_group(data, *parts[first - 1], length):
        first -= 1
    widest = first
    while first + 1 < len(parts) - 1 and not (
        _not_lowercase(data, *parts[first]) and _not_lowercase(data, *parts[first + 1])
    ):
        first += 1
    runs: list[GroupedRun] = []
    for begin in sorted({*range(widest, min(first, widest + _MAX_BEGINS - 1)), first}):
        if len(parts) - 1 - begin < 2:
            continue
        if begin == 0:
            runs.append(GroupedRun(parts[0][0], parts[0][0], parts[-1][1], separator))
            continue
        lead_start, lead_end = parts[begin - 1]
        if 1 <= lead_end - lead_start <= _MAX_LEAD:
            runs.append(GroupedRun(lead_start, parts[begin][0], parts[-1][1], separator))
    return runs


def _earlier_parts(data: bytes, start: int, separator: int) -> list[tuple[int, int]]:
    """Up to ``_MAX_EARLIER`` words of group characters before ``start``, each followed by
    ``separator``: the pattern's match begins at the first two groups it accepts."""
    parts: list[tuple[int, int]] = []
    while len(parts) < _MAX_EARLIER and start >= 2 and data[start - 1] == separator:
        end = start - 1
        begin = end
        while begin > 0 and end - begin < _MAX_LEAD and data[begin - 1] in _GROUP_CHARACTERS:
            begin -= 1
        if begin == end:
            break
        parts.insert(0, (begin, end))
        start = begin
    return parts


def _is_group(data: bytes, start: int, end: int, length: int) -> bool:
    return end - start == length and all(byte in _GROUP_CHARACTERS for byte in data[start:end])


def _not_lowercase(data: bytes, start: int, end: int) -> bool:
    return not all(byte in _LOWER for byte in data[start:end])
