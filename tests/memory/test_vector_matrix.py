"""The in-memory matrix: exact cosine ranking, removal by swap, growth."""

from __future__ import annotations

import array
import math
import random

import pytest

from bastion.memory.vector_matrix import VectorMatrix


def _blob(vector: list[float]) -> bytes:
    return array.array("f", vector).tobytes()


def _cosine_distance(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return 1.0 - dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def _random_vectors(count: int, dimension: int, seed: int) -> dict[int, list[float]]:
    rng = random.Random(seed)
    return {10 * i + 3: [rng.gauss(0.0, 1.0) for _ in range(dimension)] for i in range(count)}


def test_ranking_and_distances_match_a_plain_cosine_scan() -> None:
    vectors = _random_vectors(300, 16, seed=1)
    matrix = VectorMatrix(16)
    matrix.add([(chunk_id, _blob(v)) for chunk_id, v in vectors.items()])
    query = [random.Random(2).gauss(0.0, 1.0) for _ in range(16)]
    expected = sorted((_cosine_distance(v, query), i) for i, v in vectors.items())[:10]
    got = matrix.nearest(query, 10)
    assert [chunk_id for chunk_id, _ in got] == [chunk_id for _, chunk_id in expected]
    for (_, distance), (want, _) in zip(got, expected, strict=True):
        assert distance == pytest.approx(want, abs=1e-5)


def test_removal_keeps_every_other_row_reachable() -> None:
    vectors = _random_vectors(50, 8, seed=3)
    matrix = VectorMatrix(8)
    matrix.add([(chunk_id, _blob(v)) for chunk_id, v in vectors.items()])
    gone = list(vectors)[::3]
    matrix.remove([*gone, 999_999])  # an unknown id is ignored
    for chunk_id in gone:
        del vectors[chunk_id]
    assert matrix.ids() == set(vectors)
    for chunk_id, vector in vectors.items():  # each remaining row is still its own vector
        assert matrix.nearest(vector, 1)[0][0] == chunk_id


def test_adding_an_id_again_replaces_its_vector() -> None:
    matrix = VectorMatrix(2)
    matrix.add([(1, _blob([1.0, 0.0])), (2, _blob([0.0, 1.0]))])
    matrix.add([(1, _blob([0.0, -1.0]))])
    assert len(matrix) == 2
    assert matrix.nearest([0.0, -1.0], 1) == [(1, pytest.approx(0.0, abs=1e-6))]
    assert matrix.ids() == {1, 2}


def test_ties_are_in_id_order_and_limit_is_capped() -> None:
    matrix = VectorMatrix(2)
    matrix.add([(7, _blob([1.0, 0.0])), (4, _blob([2.0, 0.0])), (5, _blob([0.0, 1.0]))])
    assert [chunk_id for chunk_id, _ in matrix.nearest([1.0, 0.0], 10)] == [4, 7, 5]


def test_degenerate_inputs() -> None:
    matrix = VectorMatrix(3)
    assert matrix.nearest([1.0, 0.0, 0.0], 5) == []
    matrix.add([(1, _blob([0.0, 0.0, 0.0])), (2, _blob([0.0, 0.0, 1.0]))])
    assert matrix.nearest([1.0, 0.0], 5) == []  # wrong dimension
    assert matrix.nearest([0.0, 0.0, 1.0], 0) == []
    top = matrix.nearest([0.0, 0.0, 1.0], 5)
    assert [chunk_id for chunk_id, _ in top] == [2, 1]  # a zero vector is at distance 1
    assert top[1][1] == pytest.approx(1.0)


def test_growth_keeps_rows() -> None:
    matrix = VectorMatrix(4)
    vectors = _random_vectors(200, 4, seed=5)
    for chunk_id, vector in vectors.items():  # one at a time: many reallocations
        matrix.add([(chunk_id, _blob(vector))])
    assert len(matrix) == 200
    assert matrix.nbytes >= 200 * 4 * 4
    for chunk_id, vector in list(vectors.items())[::17]:
        assert matrix.nearest(vector, 1)[0][0] == chunk_id
