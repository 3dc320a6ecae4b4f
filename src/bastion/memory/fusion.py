"""Reciprocal Rank Fusion: combining rankings without comparing their scores.

BM25 scores and cosine distances live on different scales; RRF uses only positions. An item at
1-based rank ``r`` in a ranking earns ``1 / (k + r)`` from it, and its fused score is the sum
over the rankings it appears in (Cormack, Clarke & Büttcher, 2009; k = 60 is their default).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

__all__ = ["reciprocal_rank_fusion"]

K = TypeVar("K", bound=Hashable)


def reciprocal_rank_fusion(rankings: Sequence[Sequence[K]], k: int = 60) -> list[tuple[K, float]]:
    """Fused (item, score) pairs, best first; ties keep the order of first appearance."""
    if k < 1:
        raise ValueError("RRF k must be at least 1")
    scores: dict[K, float] = {}
    for ranking in rankings:
        for position, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + position)
    return sorted(scores.items(), key=lambda pair: -pair[1])
