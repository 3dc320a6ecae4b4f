"""Hex dumps of a file (``xxd``, ``hexdump -C``, ``od -A x -t x1z``): the bytes they show.

A dump spells a file's bytes as hex groups, 16 to a line, with most tools adding the printable
bytes in a column on the right. A key in the file is then cut into pieces of one line each in
both columns, and no rule sees it. The lines of a dump are read back into the bytes they show;
each byte keeps where its hex pair and its character in the right-hand column are, so that a
finding on the bytes can be reported on the dump.

A line counts only when it is unambiguous: an offset, then hex groups of one width, then
either nothing or a right-hand column that shows exactly those bytes (printable ASCII as
itself, anything else as ``.``, between ``|…|`` or ``>…<`` or bare). That check is what tells
the last hex group from a column that begins with hex-looking text ("cafe babe").

``TRIGGER`` goes into the leak detector's set of triggers (and the injection rules' set), so
text with no line that looks like a dump costs one set pattern and nothing more.
"""

from __future__ import annotations

import binascii
from collections.abc import Iterator
from dataclasses import dataclass

import re2

__all__ = ["TRIGGER", "DumpBlock", "dump_blocks"]

TRIGGER = r"(?m)^[ \t]*(?:0x)?[0-9A-Fa-f]{4,16}:?[ \t]+(?:[0-9A-Fa-f]{2,8}[ \t]{1,3}){4}"
_LINE = re2.compile(
    rb"(?m)^[ \t]*(?:0x)?[0-9A-Fa-f]{4,16}:?[ \t]+([0-9A-Fa-f]{2,8}(?:[ \t]{1,3}[0-9A-Fa-f]{2,8})*)"
    rb"([^\n]*)$"
)
_WIDTHS = frozenset({2, 4, 8})  # hex digits per group: xxd -g1, default, -g4; hexdump -C
_MAX_LINE_BYTES = 64  # bytes one line shows (xxd -c 64 at most, in practice 16 or 32)
# Longer lines are not a dump's (a line of 64 bytes in single-byte groups, with its column,
# is ~260): each is tried once per way to split it, so the bound keeps the work linear.
_MAX_LINE = 512
_DELIMITERS = ((b"|", b"|"), (b">", b"<"), (b"", b""))  # hexdump -C, od, xxd
_PRINTABLE = bytes(range(0x20, 0x7F))
_SHOWN = bytes(b if b in _PRINTABLE else ord(".") for b in range(256))
# Bytes as read back: ASCII text as it is (line breaks and tabs kept, for the rules that read
# lines), any other byte as a dot, one character per byte so that places map back.
_READ = bytes(b if b in _PRINTABLE or b in b"\t\n\r" else ord(".") for b in range(256))


@dataclass(frozen=True, slots=True)
class DumpBlock:
    """Consecutive dump lines: the bytes they show, read as ASCII text, and per byte the span
    of the dump it is shown in (its hex pair and, where there is one, its character in the
    right-hand column, with what lies between)."""

    text: str
    spans: tuple[tuple[int, int], ...]

    def locate(self, first: int, last: int) -> tuple[int, int]:
        """The span of the dump that shows bytes ``first`` to ``last`` (inclusive)."""
        return self.spans[first][0], self.spans[last][1]


def dump_blocks(data: bytes, max_bytes: int) -> Iterator[DumpBlock]:
    """The blocks of dump lines in ``data``, in order, showing ``max_bytes`` bytes at most."""
    shown: list[bytes] = []
    spans: list[tuple[int, int]] = []
    last_end = -2
    for match in _LINE.finditer(data):
        line = _read_line(data, match)
        if line is None:
            continue
        if match.start() != last_end + 1 and shown:  # not the next line: a new block
            yield _block(shown, spans)
            shown, spans = [], []
        values, places = line
        if len(values) > max_bytes:
            break
        max_bytes -= len(values)
        shown.append(values)
        spans += places
        last_end = match.end()
    if shown:
        yield _block(shown, spans)


def _block(shown: list[bytes], spans: list[tuple[int, int]]) -> DumpBlock:
    return DumpBlock(b"".join(shown).translate(_READ).decode("ascii"), tuple(spans))


def _read_line(data: bytes, match: re2._Match) -> tuple[bytes, list[tuple[int, int]]] | None:
    """The bytes one dump line shows and the span of each, or None if the line is not one."""
    hex_start = match.start(1)
    if match.end() - hex_start > _MAX_LINE:
        return None
    groups = list(_spans(data, hex_start, match.end(1)))
    width = groups[0][1] - groups[0][0]
    if width not in _WIDTHS:
        return None
    # The right-hand column may begin with what looks like hex groups: try the longest run of
    # groups first, and take the first split whose column shows exactly the bytes.
    for count in range(len(groups), 0, -1):
        head = groups[:count]
        if any(e - s != width for s, e in head[:-1]) or (head[-1][1] - head[-1][0]) % 2:
            continue
        values = binascii.unhexlify(b"".join(data[s:e] for s, e in head))
        if len(values) > _MAX_LINE_BYTES:
            continue
        column = _column_start(data, head[-1][1], match.end(), values)
        if column is None:
            continue
        pairs = [(s + i, s + i + 2) for s, e in head for i in range(0, e - s, 2)]
        if column < 0:  # no right-hand column: the hex pairs alone
            return values, pairs
        return values, [(s, column + i + 1) for i, (s, _) in enumerate(pairs)]
    return None


def _column_start(data: bytes, hex_end: int, line_end: int, values: bytes) -> int | None:
    """Where the right-hand column showing ``values`` begins after the hex (-1: the line has
    none), or None if what follows the hex is something else."""
    rest = data[hex_end:line_end].rstrip()
    if not rest:
        return -1
    expected = values.translate(_SHOWN)
    for opening, closing in _DELIMITERS:
        # A bare column may end in spaces it shows, which a copy may lose; it may begin with
        # them too, so it is matched from the line's end.
        column = opening + expected + closing if opening else expected.rstrip()
        gap = len(rest) - len(column)
        if column and rest.endswith(column) and gap > 0 and not rest[:gap].strip():
            return hex_end + gap + len(opening)
    return None


def _spans(data: bytes, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The hex groups of ``data[start:end]`` (groups apart by spaces or tabs, nothing else:
    the line's pattern says so), as spans of ``data``."""
    cursor = start
    for group in data[start:end].split():
        at = data.index(group, cursor, end)
        cursor = at + len(group)
        yield at, cursor
