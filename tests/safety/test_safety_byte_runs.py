"""Runs found with a short read first are the runs a plain walk finds, at every limit."""

from __future__ import annotations

import random

from bastion.safety.byte_runs import merged, run_end, run_start

_ALLOWED = b"abc"


def _walk_back(data: bytes, end: int, limit: int) -> int:
    start = end
    while start > max(0, end - limit) and data[start - 1] in _ALLOWED:
        start -= 1
    return start


def _walk_on(data: bytes, start: int, limit: int) -> int:
    end = start
    while end < min(len(data), start + limit) and data[end] in _ALLOWED:
        end += 1
    return end


def test_runs_match_a_plain_walk() -> None:
    rng = random.Random(3)
    for _ in range(2000):
        # Long runs too, past the short read (96 bytes) and past the limit.
        data = bytes(rng.choice(b"abc" * 20 + b"x") for _ in range(rng.randint(0, 400)))
        at = rng.randint(0, len(data))
        limit = rng.choice([1, 5, 96, 97, 150, 1024])
        assert run_start(data, at, _ALLOWED, limit) == _walk_back(data, at, limit)
        assert run_end(data, at, _ALLOWED, limit) == _walk_on(data, at, limit)


def test_touching_and_overlapping_spans_are_made_one() -> None:
    assert merged([(0, 2), (2, 4), (3, 9), (12, 13), (12, 12)]) == [(0, 9), (12, 13)]
    assert merged([]) == []
