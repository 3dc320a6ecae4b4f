"""The query side of the memory index on SQLite: FTS5 (BM25) and sqlite-vec nearest neighbours.

``MemoryIndex`` is the interface the memory package searches through; it takes plain terms and
plain vectors, never a query-language string, so a PostgreSQL implementation (tsvector +
pgvector) can slot in behind it without the caller changing. ``SqliteMemoryIndex`` is the
embedded one.

Vector tables are created at run time, one per embedding model (``memory_vectors_<model id>``,
sized by the model's dimension), because a dimension is only known once a model is chosen.
Only one model is active at a time; activating another drops the old model's vectors, and the
chunks become pending for the new one (a re-embed). The vector change journal
(``memory_vector_changes``) has a fixed shape, so it is schema like any other table: migration
0006 creates it.
"""

from __future__ import annotations

import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bastion.contracts.errors import StoreError
from bastion.store.database import Database, Row

__all__ = [
    "ChunkHit",
    "EmbeddingModel",
    "MemoryIndex",
    "PendingChunk",
    "SqliteMemoryIndex",
    "VectorChanges",
    "delete_chunk_vectors",
    "fts5_expression",
]

# Bound on the parameters of one ``IN (…)`` list (SQLite's default limit is 32,766).
_IN_BATCH = 500

# The vector change journal keeps this many entries; a reader further behind reloads.
_JOURNAL_KEEP = 100_000
# ``added`` of the journal entry a model change leaves: every copy reloads.
_RESET = -1

# Cap on the terms of one full-text query: an enormous pasted query must not become an
# enormous OR expression.
_MAX_TERMS = 64


@dataclass(frozen=True, slots=True)
class ChunkHit:
    chunk_id: int
    path: str
    chunk_index: int
    text: str
    raw_score: float  # BM25 (lower is better) or cosine distance (lower is better)


@dataclass(frozen=True, slots=True)
class EmbeddingModel:
    id: int
    name: str
    dimension: int


@dataclass(frozen=True, slots=True)
class VectorChanges:
    """What happened to one model's vectors since a journal position: chunk ids whose vector
    now exists (``added``) and ids whose vector is gone (``dropped``), net of each other."""

    position: int
    added: tuple[int, ...]
    dropped: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PendingChunk:
    chunk_id: int
    text: str


class MemoryIndex(Protocol):
    """Searches chunks and keeps their vectors. Results are best first."""

    @property
    def supports_vectors(self) -> bool: ...

    def full_text(self, terms: Sequence[str], limit: int) -> list[ChunkHit]: ...

    def nearest(
        self, model: EmbeddingModel, vector: Sequence[float], limit: int
    ) -> list[ChunkHit]: ...

    def active_model(self) -> EmbeddingModel | None: ...

    def activate_model(self, name: str, dimension: int) -> EmbeddingModel: ...

    def pending_chunks(self, model: EmbeddingModel, limit: int) -> list[PendingChunk]: ...

    def count_pending(self, model: EmbeddingModel) -> int: ...

    def store_vectors(
        self, model: EmbeddingModel, vectors: Sequence[tuple[PendingChunk, Sequence[float]]]
    ) -> int: ...

    def vector_count(self, model: EmbeddingModel) -> int: ...


def fts5_expression(terms: Sequence[str]) -> str:
    """Any user text as a safe FTS5 query: each term becomes a quoted string (a phrase of its
    tokens, so ``E-4012`` still matches as a unit), joined with OR. Inside an FTS5 string every
    character is literal except ``"``, which is escaped by doubling; so no operator, column
    filter, prefix star or parenthesis of the user's can reach the query parser."""
    # NUL would end the string early at the C level: it is dropped, not escaped.
    cleaned = [term.replace("\x00", "") for term in terms[:_MAX_TERMS]]
    quoted = ['"' + term.replace('"', '""') + '"' for term in cleaned if term.strip()]
    return " OR ".join(quoted)


def _table(model: EmbeddingModel) -> str:
    # Built from an integer id only: nothing user-controlled reaches the SQL text.
    return f"memory_vectors_{int(model.id)}"


def _blob(vector: Sequence[float]) -> bytes:
    return array.array("f", vector).tobytes()


def _journal(db: Database, chunk_ids: Sequence[int], *, added: bool) -> None:
    db.executemany(
        "INSERT INTO memory_vector_changes(chunk_id, added) VALUES (?, ?)",
        [(chunk_id, int(added)) for chunk_id in chunk_ids],
    )


def delete_chunk_vectors(db: Database, chunk_ids: Sequence[int]) -> None:
    """Remove these chunks' vectors from every model's table (called inside the caller's
    transaction, before the chunks themselves go), and journal it for in-memory copies."""
    if not chunk_ids or not db.has_vectors:
        return
    tables = [
        str(r["vector_table"]) for r in db.query("SELECT vector_table FROM memory_embedding_models")
    ]
    if not tables:
        return
    marks = ",".join("?" * len(chunk_ids))
    for table in tables:
        db.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", list(chunk_ids))
    _journal(db, chunk_ids, added=False)


class SqliteMemoryIndex:
    """``MemoryIndex`` over the embedded database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @property
    def supports_vectors(self) -> bool:
        return bool(self._db.has_vectors)

    # -- full text ---------------------------------------------------------------------------
    def full_text(self, terms: Sequence[str], limit: int) -> list[ChunkHit]:
        expression = fts5_expression(terms)
        if not expression:
            return []
        rows = self._db.query(
            "SELECT c.id, d.path, c.chunk_index, c.text, bm25(memory_chunks_fts) AS score"
            " FROM memory_chunks_fts"
            " JOIN memory_chunks c ON c.id = memory_chunks_fts.rowid"
            " JOIN memory_documents d ON d.id = c.document_id"
            " WHERE memory_chunks_fts MATCH ? ORDER BY score LIMIT ?",
            (expression, limit),
        )
        return [_hit(row) for row in rows]

    # -- vectors -----------------------------------------------------------------------------
    def nearest(self, model: EmbeddingModel, vector: Sequence[float], limit: int) -> list[ChunkHit]:
        if not self.supports_vectors or len(vector) != model.dimension:
            return []
        rows = self._db.query(
            f"WITH knn AS (SELECT rowid, distance FROM {_table(model)}"
            "  WHERE embedding MATCH ? AND k = ?)"
            " SELECT c.id, d.path, c.chunk_index, c.text, knn.distance AS score FROM knn"
            " JOIN memory_chunks c ON c.id = knn.rowid"
            " JOIN memory_documents d ON d.id = c.document_id ORDER BY knn.distance",
            (_blob(vector), limit),
        )
        return [_hit(row) for row in rows]

    def active_model(self) -> EmbeddingModel | None:
        row = self._db.query_one(
            "SELECT id, name, dimension FROM memory_embedding_models WHERE active = 1"
        )
        return None if row is None else EmbeddingModel(row["id"], row["name"], row["dimension"])

    def activate_model(self, name: str, dimension: int) -> EmbeddingModel:
        """Make (name, dimension) the model in use. A different model than before drops the old
        vectors; every chunk is then pending until re-embedded."""
        if not self.supports_vectors:
            raise StoreError("sqlite-vec is not available: vector search cannot be enabled")
        current = self.active_model()
        if current is not None and (current.name, current.dimension) == (name, dimension):
            return current
        with self._db.transaction() as db:
            for row in db.query("SELECT vector_table FROM memory_embedding_models"):
                db.execute(f"DROP TABLE IF EXISTS {row['vector_table']}")
            db.execute("DELETE FROM memory_embedding_models")
            # Copies of the old model must reload: its entries go, replaced by a reset mark.
            db.execute("DELETE FROM memory_vector_changes")
            db.execute(
                "INSERT INTO memory_vector_changes(chunk_id, added) VALUES (0, ?)", (_RESET,)
            )
            db.execute("UPDATE memory_chunks SET embedded_model_id = NULL")
            cursor = db.execute(
                "INSERT INTO memory_embedding_models(name, dimension, vector_table, active)"
                " VALUES (?, ?, '', 1)",
                (name, dimension),
            )
            model = EmbeddingModel(int(cursor.lastrowid or 0), name, dimension)
            db.execute(
                "UPDATE memory_embedding_models SET vector_table = ? WHERE id = ?",
                (_table(model), model.id),
            )
            db.execute(
                f"CREATE VIRTUAL TABLE {_table(model)} USING vec0("
                f"embedding float[{int(dimension)}] distance_metric=cosine)"
            )
        return model

    def pending_chunks(self, model: EmbeddingModel, limit: int) -> list[PendingChunk]:
        rows = self._db.query(
            "SELECT id, text FROM memory_chunks"
            " WHERE embedded_model_id IS NULL OR embedded_model_id != ? ORDER BY id LIMIT ?",
            (model.id, limit),
        )
        return [PendingChunk(row["id"], row["text"]) for row in rows]

    def count_pending(self, model: EmbeddingModel) -> int:
        row = self._db.query_one(
            "SELECT COUNT(*) AS n FROM memory_chunks"
            " WHERE embedded_model_id IS NULL OR embedded_model_id != ?",
            (model.id,),
        )
        return int(row["n"]) if row else 0

    def store_vectors(
        self, model: EmbeddingModel, vectors: Sequence[tuple[PendingChunk, Sequence[float]]]
    ) -> int:
        """Attach vectors to chunks that still exist with the same text and model; a chunk
        deleted or rewritten while it was being embedded is skipped. Returns how many stuck."""
        stored = 0
        with self._db.transaction() as db:
            if self.active_model() != model:
                return 0  # the model changed under us; the new model's worker re-embeds
            for chunk, vector in vectors:
                if len(vector) != model.dimension:
                    raise StoreError(
                        f"embedding has {len(vector)} dimensions, model {model.name} has"
                        f" {model.dimension}"
                    )
                updated = db.execute(
                    "UPDATE memory_chunks SET embedded_model_id = ? WHERE id = ? AND text = ?"
                    " AND (embedded_model_id IS NULL OR embedded_model_id != ?)",
                    (model.id, chunk.chunk_id, chunk.text, model.id),
                )
                if updated.rowcount != 1:
                    continue
                db.execute(
                    f"INSERT INTO {_table(model)}(rowid, embedding) VALUES (?, ?)",
                    (chunk.chunk_id, _blob(vector)),
                )
                _journal(db, [chunk.chunk_id], added=True)
                stored += 1
            if stored:
                db.execute(
                    "DELETE FROM memory_vector_changes WHERE seq <= ?",
                    (self._journal_position() - _JOURNAL_KEEP,),
                )
        return stored

    def vector_count(self, model: EmbeddingModel) -> int:
        row = self._db.query_one(
            "SELECT COUNT(*) AS n FROM memory_chunks WHERE embedded_model_id = ?", (model.id,)
        )
        return int(row["n"]) if row else 0

    # -- for an in-memory copy of the vectors (bastion.memory.cached_index) -------------------
    def _journal_position(self) -> int:
        row = self._db.query_one(
            "SELECT seq FROM sqlite_sequence WHERE name = 'memory_vector_changes'"
        )
        return int(row[0]) if row else 0

    def vector_journal_position(self) -> int:
        """The last entry of the vector change journal: it moves whenever any connection (any
        process) commits a vector insert or delete, and only then. An index lookup."""
        return self._journal_position() if self.supports_vectors else 0

    def vector_changes(self, after: int) -> VectorChanges | None:
        """The net vector changes since journal position ``after``; None when the journal no
        longer reaches back that far, or the model changed since (then reload everything)."""
        position = self.vector_journal_position()
        if position - after > _JOURNAL_KEEP:
            return None
        rows = self._db.query(
            "SELECT chunk_id, added FROM memory_vector_changes WHERE seq > ? AND seq <= ?"
            " ORDER BY seq",
            (after, position),
        )
        if any(int(row[1]) == _RESET for row in rows):
            return None
        final = {int(row[0]): bool(row[1]) for row in rows}  # the last change of an id wins
        return VectorChanges(
            position,
            tuple(chunk_id for chunk_id, added in final.items() if added),
            tuple(chunk_id for chunk_id, added in final.items() if not added),
        )

    def vector_blobs(
        self, model: EmbeddingModel, chunk_ids: Sequence[int] | None = None
    ) -> list[tuple[int, bytes]]:
        """(chunk id, float32 little-endian vector) for these chunks, or for all of them."""
        if not self.supports_vectors:
            return []
        if chunk_ids is None:
            rows = self._db.query(f"SELECT rowid, embedding FROM {_table(model)}")
            return [(int(row[0]), bytes(row[1])) for row in rows]
        # One point lookup each: vec0 answers ``rowid IN (…)`` with a full scan.
        found: list[tuple[int, bytes]] = []
        for chunk_id in chunk_ids:
            row = self._db.query_one(
                f"SELECT rowid, embedding FROM {_table(model)} WHERE rowid = ?", (chunk_id,)
            )
            if row is not None:
                found.append((int(row[0]), bytes(row[1])))
        return found

    def chunk_hits(
        self, model: EmbeddingModel, scored: Sequence[tuple[int, float]]
    ) -> list[ChunkHit]:
        """The chunks behind (chunk id, distance) pairs, in the given order. A chunk that no
        longer exists, or no longer has this model's vector, is left out: whatever a caller's
        copy of the ids says, no deleted or rewritten text comes back."""
        if not scored:
            return []
        ids = [chunk_id for chunk_id, _ in scored[:_IN_BATCH]]
        marks = ",".join("?" * len(ids))
        rows = self._db.query(
            "SELECT c.id, d.path, c.chunk_index, c.text FROM memory_chunks c"
            " JOIN memory_documents d ON d.id = c.document_id"
            f" WHERE c.id IN ({marks}) AND c.embedded_model_id = ?",
            [*ids, model.id],
        )
        by_id = {int(row[0]): row for row in rows}
        return [
            ChunkHit(chunk_id, str(row[1]), int(row[2]), str(row[3]), distance)
            for chunk_id, distance in scored[:_IN_BATCH]
            if (row := by_id.get(chunk_id)) is not None
        ]


def _hit(row: Row) -> ChunkHit:
    return ChunkHit(int(row[0]), str(row[1]), int(row[2]), str(row[3]), float(row[4]))
