"""Reciprocal Rank Fusion arithmetic."""

from __future__ import annotations

import pytest

from bastion.memory.fusion import reciprocal_rank_fusion


def test_scores_are_sums_of_reciprocal_ranks() -> None:
    fused = dict(reciprocal_rank_fusion([["a", "b", "c"], ["c", "a"]], k=60))
    assert fused["a"] == pytest.approx(1 / 61 + 1 / 62)
    assert fused["b"] == pytest.approx(1 / 62)
    assert fused["c"] == pytest.approx(1 / 63 + 1 / 61)


def test_order_is_by_fused_score() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["c", "b", "a"], ["b"]], k=60)
    assert next(item for item, _ in fused) == "b"


def test_k_changes_how_much_the_top_rank_dominates() -> None:
    one_list_top = reciprocal_rank_fusion([["x", "y"], ["y"]], k=1)
    assert [item for item, _ in one_list_top] == ["y", "x"]
    assert dict(one_list_top)["y"] == pytest.approx(1 / 3 + 1 / 2)


def test_empty_and_invalid() -> None:
    assert reciprocal_rank_fusion([[], []]) == []
    with pytest.raises(ValueError, match="k"):
        reciprocal_rank_fusion([["a"]], k=0)
