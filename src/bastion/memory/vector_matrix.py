"""Exact cosine nearest neighbours over an in-memory float32 matrix.

``VectorMatrix`` holds one model's vectors, normalised, one row per chunk, and answers a query
with one matrix-vector product and a partial sort: at 100,000 x 256 that is about 100 MB read
per query, which numpy does several times faster than sqlite-vec's scan of the same float32
data. The ranking is the same exact one (cosine distance, ``1 - a.b / |a||b|``). float16 would
halve the memory, but numpy has no fast float16 product and converting on the fly costs more
than it saves (measured in docs/benchmarks.md).

Rows are added in bulk and removed by swapping the last row into the hole, so an edit of one
document costs in proportion to its chunks, not to the whole index.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["VectorMatrix"]

_MIN_CAPACITY = 64


class VectorMatrix:
    """Not thread-safe: its owner serialises access."""

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self._rows: npt.NDArray[np.float32] = np.empty((0, dimension), dtype=np.float32)
        self._ids: npt.NDArray[np.int64] = np.empty(0, dtype=np.int64)
        self._size = 0
        self._position: dict[int, int] = {}

    def __len__(self) -> int:
        return self._size

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self._position

    @property
    def nbytes(self) -> int:
        """Memory held by the matrix and its id column (capacity included)."""
        return int(self._rows.nbytes + self._ids.nbytes)

    def ids(self) -> set[int]:
        return set(self._position)

    def add(self, blobs: Sequence[tuple[int, bytes]]) -> None:
        """Add (chunk id, float32 vector bytes) rows; an id already present is replaced."""
        fresh = list(dict(blobs).items())  # the last vector of an id given twice wins
        self.remove([chunk_id for chunk_id, _ in fresh if chunk_id in self._position])
        if not fresh:
            return
        block = np.frombuffer(b"".join(blob for _, blob in fresh), dtype="<f4")
        block = block.reshape(len(fresh), self.dimension).astype(np.float32)
        norms = np.linalg.norm(block, axis=1, keepdims=True)
        np.divide(block, norms, out=block, where=norms > 0)
        self._reserve(self._size + len(fresh))
        end = self._size + len(fresh)
        self._rows[self._size : end] = block
        self._ids[self._size : end] = [chunk_id for chunk_id, _ in fresh]
        for offset, (chunk_id, _) in enumerate(fresh):
            self._position[chunk_id] = self._size + offset
        self._size = end

    def remove(self, chunk_ids: Sequence[int]) -> None:
        for chunk_id in chunk_ids:
            row = self._position.pop(chunk_id, None)
            if row is None:
                continue
            last = self._size - 1
            if row != last:
                moved = int(self._ids[last])
                self._rows[row] = self._rows[last]
                self._ids[row] = moved
                self._position[moved] = row
            self._size = last

    def nearest(self, query: Sequence[float], limit: int) -> list[tuple[int, float]]:
        """The ``limit`` closest rows as (chunk id, cosine distance), closest first."""
        if self._size == 0 or limit < 1 or len(query) != self.dimension:
            return []
        vector = np.asarray(query, dtype=np.float32)
        norm = float(np.sqrt(np.einsum("i,i->", vector, vector)))
        if norm > 0:
            vector = vector / norm
        # einsum, not np.dot or @: numpy's own SIMD loop, single-threaded, beats OpenBLAS's
        # sgemv on this 2-core machine under load (10 ms against 16 ms at 100k x 256) and does
        # not depend on how OpenBLAS is tuned (OPENBLAS_CORETYPE) or how busy its threads are.
        similarity = np.einsum("ij,j->i", self._rows[: self._size], vector)
        count = min(limit, self._size)
        if count < self._size:
            # The largest similarities, without negating (copying) the whole array first.
            candidates = np.argpartition(similarity, self._size - count)[self._size - count :]
        else:
            candidates = np.arange(self._size)
        ids = self._ids[candidates]
        # Closest first; equal distances in chunk-id order, so the order is deterministic.
        order = np.lexsort((ids, -similarity[candidates]))
        return [(int(ids[i]), float(1.0 - similarity[candidates[i]])) for i in order]

    def _reserve(self, needed: int) -> None:
        capacity = len(self._ids)
        if needed <= capacity:
            return
        # Exact on the first (bulk) load; a quarter more on later growth, amortising copies.
        grown = needed if capacity == 0 else max(needed, capacity + capacity // 4, _MIN_CAPACITY)
        rows = np.empty((grown, self.dimension), dtype=np.float32)
        ids = np.empty(grown, dtype=np.int64)
        rows[: self._size] = self._rows[: self._size]
        ids[: self._size] = self._ids[: self._size]
        self._rows, self._ids = rows, ids
