"""A ``MemoryIndex`` whose nearest-neighbour search runs on an in-memory copy of the vectors.

The database stays the store of record (sqlite-vec's table, later pgvector's); this keeps a
``VectorMatrix`` of the active model's vectors and brings it up to date before every search.
The store journals every vector insert and delete in the transaction that makes it, so:

- the journal position (one index lookup) says whether any connection, in any process, has
  changed a vector since the copy was last synced; other writes (messages, audit) do not move it;
- if it moved, the journal's entries since then are applied: dropped ids leave the copy, added
  ones are fetched by point lookup. A copy too far behind, or of another model, is reloaded.

Loading costs seconds at 100,000 chunks (sqlite-vec reads back about 40,000 vectors a second),
so the first search of a process goes to sqlite-vec and only a second one loads the copy: a
one-shot ``bastion memory search`` pays nothing extra, a long-running gateway pays once.

Results are read back through ``chunk_hits``, which keeps only chunks that still exist with this
model's vector: even a copy one write behind (a write racing a search) cannot return deleted or
rewritten text.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from bastion.store.memory_search import (
    ChunkHit,
    EmbeddingModel,
    MemoryIndex,
    PendingChunk,
    VectorChanges,
)

if TYPE_CHECKING:
    from bastion.memory.vector_matrix import VectorMatrix

__all__ = ["CachedVectorIndex", "VectorSource"]

logger = logging.getLogger(__name__)

# Past this many new vectors (a bulk import, a re-embed) one full reload beats point lookups.
_MAX_FETCH = 5_000


class VectorSource(MemoryIndex, Protocol):
    """A ``MemoryIndex`` that can also hand its vectors out (``SqliteMemoryIndex`` does)."""

    def vector_journal_position(self) -> int: ...

    def vector_changes(self, after: int) -> VectorChanges | None: ...

    def vector_blobs(
        self, model: EmbeddingModel, chunk_ids: Sequence[int] | None = None
    ) -> list[tuple[int, bytes]]: ...

    def chunk_hits(
        self, model: EmbeddingModel, scored: Sequence[tuple[int, float]]
    ) -> list[ChunkHit]: ...


class CachedVectorIndex:
    """``MemoryIndex`` over a ``VectorSource``: everything but ``nearest`` and
    ``vector_count`` goes straight to the source."""

    def __init__(self, source: VectorSource) -> None:
        self._source = source
        self._lock = threading.Lock()  # the search thread and the background indexer
        self._model: EmbeddingModel | None = None
        self._matrix: VectorMatrix | None = None
        self._position = 0
        self._searched = False

    @property
    def supports_vectors(self) -> bool:
        return self._source.supports_vectors

    @property
    def cached_bytes(self) -> int:
        """Memory held by the in-memory copy (0 until it is loaded)."""
        matrix = self._matrix
        return 0 if matrix is None else matrix.nbytes

    def full_text(self, terms: Sequence[str], limit: int) -> list[ChunkHit]:
        return self._source.full_text(terms, limit)

    def nearest(self, model: EmbeddingModel, vector: Sequence[float], limit: int) -> list[ChunkHit]:
        if not self.supports_vectors or len(vector) != model.dimension:
            return []
        with self._lock:
            if self._matrix is None and not self._searched:
                self._searched = True
                return self._source.nearest(model, vector, limit)
            scored = self._synced(model).nearest(vector, limit)
        return self._source.chunk_hits(model, scored)

    def vector_count(self, model: EmbeddingModel) -> int:
        """From the copy once it is loaded (synced first), sparing a search a COUNT over the
        chunks; before that, from the source."""
        with self._lock:
            if self._matrix is None or self._model != model:
                return self._source.vector_count(model)
            return len(self._synced(model))

    def active_model(self) -> EmbeddingModel | None:
        return self._source.active_model()

    def activate_model(self, name: str, dimension: int) -> EmbeddingModel:
        return self._source.activate_model(name, dimension)

    def pending_chunks(self, model: EmbeddingModel, limit: int) -> list[PendingChunk]:
        return self._source.pending_chunks(model, limit)

    def count_pending(self, model: EmbeddingModel) -> int:
        return self._source.count_pending(model)

    def store_vectors(
        self, model: EmbeddingModel, vectors: Sequence[tuple[PendingChunk, Sequence[float]]]
    ) -> int:
        return self._source.store_vectors(model, vectors)

    # -- keeping the copy current (called with the lock held) ---------------------------------
    def _synced(self, model: EmbeddingModel) -> VectorMatrix:
        matrix = self._matrix
        if matrix is not None and self._model == model:
            if self._source.vector_journal_position() == self._position:
                return matrix
            changes = self._source.vector_changes(self._position)
            if changes is not None and len(changes.added) <= _MAX_FETCH:
                matrix.remove(changes.dropped)
                matrix.add(self._source.vector_blobs(model, changes.added))
                self._position = changes.position
                return matrix
        return self._load(model)

    def _load(self, model: EmbeddingModel) -> VectorMatrix:
        # Imported here: numpy costs about half a second, which commands that never run a
        # second vector search (most of the CLI) should not pay.
        from bastion.memory.vector_matrix import VectorMatrix

        # The position is read first: a change committed during the load is applied again
        # on the next search, which is harmless (adding or dropping an id is idempotent).
        position = self._source.vector_journal_position()
        matrix = VectorMatrix(model.dimension)
        if self._source.active_model() == model:  # a replaced model's table is gone
            matrix.add(self._source.vector_blobs(model))
        logger.info(
            "loaded %d vectors of %s into memory (%.1f MB)",
            len(matrix),
            model.name,
            matrix.nbytes / 1e6,
        )
        self._matrix, self._model, self._position = matrix, model, position
        return matrix
