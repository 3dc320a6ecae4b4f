"""Words cut by a hyphen at a line's end: ``instruc-`` on one line, ``tions`` on the next.

Typeset text does this (a PDF's extracted text, a justified mail, a page printed to text), and
so can an attacker who wants no phrase rule to see "ignore all previous instructions": each
line holds a piece of a word. A paragraph whose lines end in such breaks is read again with the
breaks taken out (the hyphen, the line break and the next line's indentation).

The breaks are found with ``bytes.find`` (most text has no hyphen at a line's end); the lines
with breaks, the line before and the line after each are read as one window, windows that
touch made one.
"""

from __future__ import annotations

from collections.abc import Iterator

import re2

from bastion.safety import byte_runs

__all__ = ["hyphen_joined_windows"]

# A letter, the hyphen and the break, the next line's indentation, a letter: only the middle
# is taken out ("self-\nhosted" reads "selfhosted", which no rule minds).
_BREAK = re2.compile(rb"[A-Za-z]-\r?\n[ \t]*[A-Za-z]")
_MAX_WINDOWS = 64  # windows read in one text (then no more: bounded work on a long PDF)
_MAX_WINDOW = 8192  # bytes of one window (a paragraph)


def hyphen_joined_windows(data: bytes) -> Iterator[tuple[int, int, str]]:
    """Byte spans of ``data`` (UTF-8) whose lines end in hyphenated breaks, each with its
    text as read with the breaks taken out."""
    if b"-\n" not in data and b"-\r\n" not in data:
        return
    breaks = [(m.start() + 1, m.end() - 1) for m in _BREAK.finditer(data)]
    if not breaks:
        return
    windows = byte_runs.merged(
        (_line_before(data, start), _line_end(data, end) + 1) for start, end in breaks
    )
    cuts = iter(breaks)
    cut = next(cuts, None)
    for start, line_end in windows[:_MAX_WINDOWS]:
        end = min(line_end, len(data), start + _MAX_WINDOW)
        pieces: list[bytes] = []
        cursor = start
        while cut is not None and cut[0] < end:
            if cut[0] >= cursor and cut[1] <= end:
                pieces.append(data[cursor : cut[0]])
                cursor = cut[1]
            cut = next(cuts, None)
        pieces.append(data[cursor:end])
        yield start, end, b"".join(pieces).decode("utf-8", "replace")


def _line_before(data: bytes, at: int) -> int:
    """Where the line before the one holding ``at`` begins (a phrase may begin there)."""
    line = data.rfind(b"\n", 0, at)
    return 0 if line < 0 else data.rfind(b"\n", 0, line) + 1


def _line_end(data: bytes, at: int) -> int:
    stop = data.find(b"\n", at)
    return len(data) if stop < 0 else stop
