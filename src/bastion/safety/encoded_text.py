"""Text encoded to UTF-8 once, with byte → character offset conversion, and the runs both
scanners look for in it.

RE2 matches UTF-8 bytes; handing it a ``str`` re-encodes the whole text on every call. The
scanners encode once and run every pattern over the bytes. For ASCII (the common case) byte
and character offsets coincide; otherwise a checkpoint table keeps each conversion short.
Base64 runs and text spelt out a character at a time are found in one pass, on first use,
for the leak detector and the sanitizer alike.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator

import re2

from bastion.safety.grouped_runs import PATTERN as _GROUPED_PATTERN
from bastion.safety.grouped_runs import GroupedRun
from bastion.safety.grouped_runs import grouped_runs as _readings_of
from bastion.safety.wrapped_lines import JUNCTION as _JUNCTION
from bastion.safety.wrapped_lines import breaks_next_to

__all__ = ["MIN_BASE64_RUN", "MIN_SPELLED_RUN", "EncodedText"]

_STEP = 4096
_CONTINUATION = bytes(range(0x80, 0xC0))
MIN_BASE64_RUN = 16  # characters: 12 bytes of base64, the least that can hold a credential
MIN_SPELLED_RUN = 12  # characters spelt out one by one ("A K I A ..."), the shortest key
# A maximal run of the base64 alphabet (standard and URL-safe) and its padding, or the
# characters of a token (letters, digits, "_", "-") spelt out one at a time, with spaces, dots,
# commas, bars or line breaks between them.
# One pass finds both: the second alternative costs nothing measurable on top of the first.
_SPELLED_SEPARATOR = rb"(?:[ \t.,|]{1,3}|\r?\n)"
# Words spelt with a dash or an underscore between their letters, spaces between the words
# ("S-e-n-d t-h-e k-e-y-s"): three words or more.
_DASHED_WORD = rb"(?:[A-Za-z0-9][\-_])+[A-Za-z0-9]"
_RUNS = re2.compile(
    rb"[A-Za-z0-9+/_\-]{%d,}={0,2}|(?:[A-Za-z0-9_\-]%s){%d,}[A-Za-z0-9_\-]|%s(?:[ \t]{1,3}%s){2,}"
    % (MIN_BASE64_RUN, _SPELLED_SEPARATOR, MIN_SPELLED_RUN - 1, _DASHED_WORD, _DASHED_WORD)
)
# Its own pass, read only by the leak detector: as an alternative of the pass above, a grouped
# run found where a base64 or spelt run begins would hide it.
# Breaks where a wrapped short token may be cut ride along: a grouped run holds no line break
# but at its edges, a junction has one inside.
_GROUPED = re2.compile(_GROUPED_PATTERN + b"|" + _JUNCTION)
_DASHED_GAP = re2.compile(rb"[ \t]+")
_LAST_LINE = re2.compile(rb"[A-Za-z0-9+/_\-]+={0,2}")
_NEWLINE = ord("\n")
_BASE64_RUN_AT = re2.compile(rb"[A-Za-z0-9+/_\-]{%d,}={0,2}" % MIN_BASE64_RUN)
_TOKEN_CHARACTERS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_BASE64_ALPHABET = _TOKEN_CHARACTERS | frozenset(b"+/")
# Spelt with a separator that is itself in the base64 alphabet ("A-K-I-A-..."): a base64 run.
_ALPHABET_SEPARATORS = (b"-", b"_", b"/")
_DASH = frozenset(b"-_")
# Base64 characters that may join groups: "AKIA-IOSF-…", "AKIA_IOSF_…".
_JOINERS = (ord("-"), ord("_"))


class EncodedText:
    __slots__ = (
        "_base64_runs",
        "_checkpoints",
        "_grouped",
        "_junctions",
        "_spaced_out",
        "_spelled_runs",
        "_wrapped",
        "data",
        "is_ascii",
        "text",
    )

    def __init__(self, text: str, data: bytes | None = None) -> None:
        """``data``: ``text`` already encoded (UTF-8, errors replaced) by the caller."""
        self.text = text
        self.data = text.encode("utf-8", "replace") if data is None else data
        self.is_ascii = len(self.data) == len(text)
        self._checkpoints: list[int] | None = None
        self._base64_runs: list[tuple[int, int]] | None = None
        self._spelled_runs: list[tuple[int, int]] | None = None
        self._spaced_out: list[tuple[int, int]] | None = None
        self._wrapped: list[tuple[int, int, bytes]] | None = None
        self._grouped: list[tuple[int, int]] | None = None
        self._junctions: list[int] = []

    def base64_runs(self) -> list[tuple[int, int]]:
        """Byte spans of the maximal runs of ``[A-Za-z0-9+/_-]`` of at least
        ``MIN_BASE64_RUN`` characters, each with up to two ``=`` after it, left to right.

        The leak detector and the sanitizer both look for encoded text in the same text: one
        RE2 pass serves both (a run of at least N characters is a match of ``X{N,}={0,2}``).
        """
        if self._base64_runs is None:
            self._base64_runs, self._spelled_runs, self._spaced_out = _find_runs(self.data)
        return self._base64_runs

    def spelled_characters(self, start: int, end: int) -> list[int]:
        """Byte offsets of the characters that the spelt run [start, end) spells."""
        data = self.data
        if data[start + 1 : start + 2] in _ALPHABET_SEPARATORS:
            return list(range(start, end, 2))  # "A-K-I-A": every other one
        return [i for i in range(start, end) if data[i] in _TOKEN_CHARACTERS]

    def spaced_out(self) -> list[tuple[int, int]]:
        """Byte spans of text spelt out a character at a time, word gaps included
        (``i g n o r e   a l l``): the spelt runs as found, before they are cut where the
        separator changes."""
        if self._spaced_out is None:
            self._base64_runs, self._spelled_runs, self._spaced_out = _find_runs(self.data)
        return self._spaced_out

    def spelled_runs(self) -> list[tuple[int, int]]:
        """Byte spans of letters and digits spelt out one by one, at least
        ``MIN_SPELLED_RUN`` of them, with a separator between every two: ``A K I A ...``,
        one per line, ``A.K.I.A``, ``A-K-I-A``. Found in the pass that finds base64 runs."""
        if self._spelled_runs is None:
            self._base64_runs, self._spelled_runs, self._spaced_out = _find_runs(self.data)
        return self._spelled_runs

    def grouped_runs(self) -> Iterator[list[GroupedRun]]:
        """Credentials written in groups (``AKIA IOSF ODNN ...``, ``AKIA-IOSF-ODNN-...``,
        ``AKIA_IOSF_...``; see ``grouped_runs``), left to right, each as its readings, the
        widest first. Spaced groups take a pass of their own (which also finds the breaks of
        ``line_breaks_in_tokens``); dashed ones are base64 runs split at their dashes or
        underscores. Read as they are asked for: a reader that stops early pays for no more
        readings."""
        data = self.data
        spaced = (
            _readings_of(data, start, end, _separator(data, start, end))
            for start, end in self._grouped_pass()
        )
        joined_by = (
            _readings_of(data, start, _padding_groups_end(data, end, separator), separator)
            for start, end in self.base64_runs()
            for separator in _JOINERS
            if separator in data[start:end]
        )
        return heapq.merge(filter(None, spaced), filter(None, joined_by), key=_first_start)

    def line_breaks_in_tokens(self) -> list[int]:
        """Byte offsets of the line breaks where a token may have been cut by wrapping (see
        ``wrapped_lines``): next to a base64 run, or a junction of two short parts."""
        self._grouped_pass()
        found = breaks_next_to(self.data, self.base64_runs()) + self._junctions
        return sorted(set(found))

    def _grouped_pass(self) -> list[tuple[int, int]]:
        """The spans of the grouped-run pattern's matches; its junctions are kept apart."""
        if self._grouped is None:
            data = self.data
            grouped: list[tuple[int, int]] = []
            for match in _GROUPED.finditer(data):
                start, end = match.span()
                newline = data.find(b"\n", start + 1, end - 1)
                if newline < 0:
                    grouped.append((start, end))
                else:
                    self._junctions.append(newline - 1 if data[newline - 1] == 13 else newline)
            self._grouped = grouped
        return self._grouped

    def wrapped_blocks(self) -> list[tuple[int, int, bytes]]:
        """Base64 wrapped at a fixed width (``base64`` and MIME at 76 columns, PEM at 64):
        two or more lines that are each one base64 run of one length, then a last line no
        longer, as byte spans with the lines joined. A credential in it straddles line
        breaks, and no line decodes to it alone. Found from the base64 runs, once."""
        if self._wrapped is None:
            self._wrapped = list(_wrapped_blocks(self.data, self.base64_runs()))
        return self._wrapped

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


_Spans = list[tuple[int, int]]


def _find_runs(data: bytes) -> tuple[_Spans, _Spans, _Spans]:
    """The base64 runs, the spelt runs and the spaced-out text of ``data``, in one RE2 pass.

    A spelt run's last character may be the first of a base64 run ("A K I A QUJD..."): the
    pass gave it to the spelt run, so the base64 run is read again from that character, as
    a search for base64 alone finds it.
    """
    base64: _Spans = []
    spelled: _Spans = []
    spaced: _Spans = []
    for match in _RUNS.finditer(data):
        start, end = match.span()
        if data[start + 1] not in _BASE64_ALPHABET:  # the second alternative: spelt out
            unglued = _unglued(data, start, end)
            spelled += _same_separator_runs(data, *unglued)
            spaced.append(unglued)
            _take_back(data, end - 1, end, base64)
        elif data[start + 1] in _DASH and _DASHED_GAP.search(data, start, end) is not None:
            # The third alternative: dashed words, each a base64 run when long enough.
            _long_words(data, start, end, base64)
            spaced.append((start, end))
        elif not base64 or start >= base64[-1][1]:  # not already read with a spelt run
            base64.append((start, end))
            if _spelled_with_alphabet(data[start:end]):
                spelled.append((start, end))
    return base64, spelled, spaced


def _padding_groups_end(data: bytes, end: int, separator: int) -> int:
    """Where a base64 run grouped by ``separator`` ends with the groups of its padding: the
    run stops at its first ``=``, and ``…MwMQ=-=`` has one more group after it."""
    joined_pad = bytes((separator, ord("=")))
    while end > 0 and data[end - 1] == ord("=") and data.startswith(joined_pad, end):
        end += 2
    return end


def _wrapped_blocks(data: bytes, runs: _Spans) -> Iterator[tuple[int, int, bytes]]:
    """The wrapped blocks among ``runs`` (see ``EncodedText.wrapped_blocks``)."""
    index = 0
    while index < len(runs):
        start, end = runs[index]
        width = end - start
        lines = [runs[index]]
        index += 1
        if not _whole_line(data, start, end):
            continue
        while index < len(runs) and runs[index][1] - runs[index][0] == width:
            following, following_end = runs[index]
            if _line_start_after(data, lines[-1][1]) != following or not _whole_line(
                data, following, following_end
            ):
                break
            lines.append(runs[index])
            index += 1
        last = _short_last_line(data, lines[-1][1], width)
        if last is not None:
            lines.append(last)
        if len(lines) >= 2:
            yield lines[0][0], lines[-1][1], b"".join(data[s:e] for s, e in lines)


def _line_start_after(data: bytes, end: int) -> int:
    """Where the line after the one ending at ``end`` starts (-1 if no line break is there)."""
    if data.startswith(b"\r\n", end):
        return end + 2
    return end + 1 if data.startswith(b"\n", end) else -1


def _whole_line(data: bytes, start: int, end: int) -> bool:
    before = start == 0 or data[start - 1] == _NEWLINE
    return before and (end == len(data) or data.startswith((b"\n", b"\r\n"), end))


def _short_last_line(data: bytes, end: int, width: int) -> tuple[int, int] | None:
    """The last line of a wrapped block after the line ending at ``end``, when it is no longer
    than the block's lines and not a run of its own (shorter, or padded: ``…Cg==``)."""
    start = _line_start_after(data, end)
    if start < 0:
        return None
    match = _LAST_LINE.match(data, start)
    if match is None or not 0 < match.end() - start <= width:
        return None
    return (start, match.end()) if _whole_line(data, start, match.end()) else None


def _first_start(readings: list[GroupedRun]) -> int:
    return readings[0].start


def _separator(data: bytes, start: int, end: int) -> int:
    """The separator of the grouped run in [start, end): a space or a tab, whichever is
    there more often (a lead or the next word may stand apart by the other)."""
    piece = data[start:end]
    tabs = piece.count(b"\t")
    return ord("\t") if tabs and tabs >= piece.count(b" ") else ord(" ")


def _take_back(data: bytes, tail: int, end: int, base64: _Spans) -> None:
    """If the spelt run's last piece [tail, end) runs on into base64 characters, the base64
    run that starts at ``tail``."""
    if end < len(data) and data[end] in _BASE64_ALPHABET:
        whole = _BASE64_RUN_AT.match(data, tail)
        if whole is not None:
            base64.append(whole.span())


def _long_words(data: bytes, start: int, end: int, base64: _Spans) -> None:
    """Adds the words of the dashed run [start, end) that are base64 runs; the last one read
    on past the run, as it may go on (``=`` padding, more base64 characters)."""
    cursor = start
    for gap in _DASHED_GAP.finditer(data, start, end):
        if gap.start() - cursor >= MIN_BASE64_RUN:
            base64.append((cursor, gap.start()))
        cursor = gap.end()
    last = _BASE64_RUN_AT.match(data, cursor)
    if last is not None:
        base64.append(last.span())


def _unglued(data: bytes, start: int, end: int) -> tuple[int, int]:
    """The spelt run [start, end) without a first or last character glued to a word
    ("Please I g n o r e ... s and": the "e" is Please's, the "a" and's; in "A K I A\nLet"
    the "L" is the next word's)."""
    if start and data[start - 1] in _TOKEN_CHARACTERS:
        start += 1
        while start < end and data[start] not in _TOKEN_CHARACTERS:
            start += 1
    if end < len(data) and data[end] in _TOKEN_CHARACTERS:
        end -= 1
        while end > start and data[end - 1] not in _TOKEN_CHARACTERS:
            end -= 1
    return start, end


def _same_separator_runs(data: bytes, start: int, end: int) -> list[tuple[int, int]]:
    """The parts of a spelt run that keep one separator: "A K I A, B C" is two runs."""
    kept = [i for i in range(start, end) if data[i] in _TOKEN_CHARACTERS]
    runs: list[tuple[int, int]] = []
    first = 0
    for k in range(1, len(kept) + 1):
        if k == len(kept) or (
            k >= 2 and data[kept[k - 1] + 1 : kept[k]] != data[kept[k - 2] + 1 : kept[k - 1]]
        ):
            if k - first >= MIN_SPELLED_RUN:
                runs.append((kept[first], kept[k - 1] + 1))
            first = k - 1 if k < len(kept) else k
    return runs


def _spelled_with_alphabet(run: bytes) -> bool:
    """``A-K-I-A-...``: every second character one and the same base64 separator."""
    if len(run) < 2 * MIN_SPELLED_RUN - 1:
        return False
    separators = run[1::2]
    return separators[:1] in _ALPHABET_SEPARATORS and separators == separators[:1] * len(separators)
