"""Runs of bytes from one set, followed from a place in a text, and spans made one.

The derived readings (wrapped tokens, identifiers, the text around a lookalike word) each
need the token a place stands in: the run of its characters back and on from there, at most so
far. ``bytes.rstrip``/``lstrip`` with the set find a run's edge in C; a short stretch is read
first, since most runs are short.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["merged", "run_end", "run_start"]

_SHORT_READ = 96  # bytes read first (then up to the caller's limit)


def run_start(data: bytes, end: int, allowed: bytes, limit: int) -> int:
    """Where the run of ``allowed`` bytes that ends at ``end`` starts, ``limit`` back at most."""
    start = end
    for reach in (min(_SHORT_READ, limit), limit):
        floor = max(0, end - reach)
        left = data[floor:end]
        start = end - (len(left) - len(left.rstrip(allowed)))
        if start > floor or floor == 0:
            break
    return start


def run_end(data: bytes, start: int, allowed: bytes, limit: int) -> int:
    """Where the run of ``allowed`` bytes that starts at ``start`` ends, ``limit`` on at most."""
    end = start
    for reach in (min(_SHORT_READ, limit), limit):
        right = data[start : start + reach]
        end = start + len(right) - len(right.lstrip(allowed))
        if end < start + len(right) or len(right) < reach:
            break
    return end


def merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans (in order of their starts) with those that touch or overlap made one."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
