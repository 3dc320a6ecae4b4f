"""The in-memory vector copy against sqlite-vec: same answers, and never stale, with the copy
warm through edits, deletes, writes from another connection, model changes and the background
indexer."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from bastion.memory.cached_index import CachedVectorIndex
from bastion.memory.chunking import ChunkingConfig
from bastion.memory.workspace import Workspace
from bastion.store.database import Database
from bastion.store.memory_search import EmbeddingModel, SqliteMemoryIndex, VectorChanges
from bastion.store.workspace import SqliteWorkspaceRepository

DIMENSION = 16
CHUNKING = ChunkingConfig(words=10, overlap=0.0)


class SeededEmbedder:
    """A random vector per distinct text (seeded by its hash): no two chunks tie."""

    def __init__(self, name: str = "seeded", dimension: int = DIMENSION) -> None:
        self._name = name
        self._dimension = dimension

    @property
    def model_name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [self._one(text) for text in texts]

    def _one(self, text: str) -> list[float]:
        seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
        rng = random.Random(seed)
        return [rng.gauss(0.0, 1.0) for _ in range(self._dimension)]


class CountingIndex(SqliteMemoryIndex):
    """The real index, counting how often the copy asks it for more than the journal position."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self.journal_reads = 0
        self.loads = 0

    def vector_changes(self, after: int) -> VectorChanges | None:
        self.journal_reads += 1
        return super().vector_changes(after)

    def vector_blobs(
        self, model: EmbeddingModel, chunk_ids: Sequence[int] | None = None
    ) -> list[tuple[int, bytes]]:
        self.loads += 1
        return super().vector_blobs(model, chunk_ids)


@pytest.fixture
def source(db: Database) -> CountingIndex:
    return CountingIndex(db)


@pytest.fixture
def cached(source: CountingIndex) -> CachedVectorIndex:
    return CachedVectorIndex(source)


@pytest.fixture
def workspace(db: Database, cached: CachedVectorIndex) -> Iterator[Workspace]:
    ws = Workspace(
        SqliteWorkspaceRepository(db), cached, chunking=CHUNKING, embedder=SeededEmbedder()
    )
    yield ws
    ws.close()


def _words(rng: random.Random, count: int) -> str:
    return " ".join(f"w{rng.randrange(500)}" for _ in range(count))


def _model(workspace: Workspace) -> EmbeddingModel:
    assert workspace.indexer is not None
    return workspace.indexer.model()


def _assert_agree(
    cached: CachedVectorIndex, plain: SqliteMemoryIndex, model: EmbeddingModel, seed: int
) -> None:
    rng = random.Random(seed)
    for _ in range(3):
        query = [rng.gauss(0.0, 1.0) for _ in range(model.dimension)]
        fast = cached.nearest(model, query, 15)
        exact = plain.nearest(model, query, 15)
        assert [(h.chunk_id, h.path, h.chunk_index, h.text) for h in fast] == [
            (h.chunk_id, h.path, h.chunk_index, h.text) for h in exact
        ]
        for a, b in zip(fast, exact, strict=True):
            assert a.raw_score == pytest.approx(b.raw_score, abs=1e-5)
    assert cached.vector_count(model) == plain.vector_count(model)


def _current_texts(db: Database) -> set[str]:
    return {str(row["text"]) for row in db.query("SELECT text FROM memory_chunks")}


def test_same_answers_as_sqlite_vec_through_random_edits_and_deletes(
    workspace: Workspace, cached: CachedVectorIndex, db: Database
) -> None:
    rng = random.Random(11)
    plain = SqliteMemoryIndex(db)
    for doc in range(30):
        workspace.write(f"d/{doc}.md", _words(rng, rng.randint(5, 40)))
    model = _model(workspace)
    _assert_agree(cached, plain, model, seed=0)  # warm from here on
    for step in range(40):
        path = f"d/{rng.randrange(40)}.md"
        if rng.random() < 0.3:
            workspace.delete(path)
        else:
            workspace.write(path, _words(rng, rng.randint(5, 40)))
        _assert_agree(cached, plain, model, seed=step + 1)
    assert cached.cached_bytes > 0  # the copy, not sqlite-vec, answered


def test_an_edited_chunk_never_comes_back(workspace: Workspace, cached: CachedVectorIndex) -> None:
    embedder = SeededEmbedder()
    workspace.write("a.md", "the old secret text")
    workspace.write("b.md", "something else entirely")
    model = _model(workspace)
    old_vector = embedder.embed(["the old secret text"])[0]
    assert cached.nearest(model, old_vector, 5)[0].text == "the old secret text"  # warm
    workspace.write("a.md", "the new text")
    hits = cached.nearest(model, old_vector, 5)
    assert {hit.text for hit in hits} == {"the new text", "something else entirely"}


def test_a_deleted_document_is_gone(
    workspace: Workspace, cached: CachedVectorIndex, db: Database
) -> None:
    workspace.write("a.md", "to be deleted")
    workspace.write("b.md", "to be kept")
    model = _model(workspace)
    query = SeededEmbedder().embed(["to be deleted"])[0]
    assert len(cached.nearest(model, query, 5)) == 2
    assert workspace.delete("a.md")
    assert [hit.path for hit in cached.nearest(model, query, 5)] == ["b.md"]
    assert cached.vector_count(model) == 1
    assert _current_texts(db) == {"to be kept"}


def test_writes_from_another_connection_are_seen(
    workspace: Workspace, cached: CachedVectorIndex, bastion_home: Path
) -> None:
    workspace.write("mine.md", "written here")
    model = _model(workspace)
    query = SeededEmbedder().embed(["written elsewhere"])[0]
    assert [hit.path for hit in cached.nearest(model, query, 5)] == ["mine.md"]
    other_db = Database(bastion_home / "bastion.db")  # as another process would
    try:
        other = Workspace(
            SqliteWorkspaceRepository(other_db),
            SqliteMemoryIndex(other_db),
            chunking=CHUNKING,
            embedder=SeededEmbedder(),
        )
        other.write("theirs.md", "written elsewhere")
        assert cached.nearest(model, query, 5)[0].path == "theirs.md"
        other.delete("theirs.md")
        other.write("mine.md", "rewritten elsewhere")
        assert {hit.text for hit in cached.nearest(model, query, 5)} == {"rewritten elsewhere"}
    finally:
        other_db.close()


def test_a_model_change_rebuilds_the_copy(
    workspace: Workspace, cached: CachedVectorIndex, db: Database
) -> None:
    workspace.write("a.md", "alpha beta gamma")
    workspace.write("b.md", "delta epsilon")
    first = _model(workspace)
    query = SeededEmbedder().embed(["alpha beta gamma"])[0]
    assert len(cached.nearest(first, query, 5)) == 2
    assert len(cached.nearest(first, query, 5)) == 2  # the copy is loaded
    switched = Workspace(
        SqliteWorkspaceRepository(db),
        cached,
        chunking=CHUNKING,
        embedder=SeededEmbedder("other", dimension=8),
    )
    second = _model(switched)
    assert second != first
    assert cached.nearest(first, query, 5) == []  # the old model's vectors are gone
    assert cached.vector_count(first) == 0
    assert switched.embed_pending() == 2
    _assert_agree(cached, SqliteMemoryIndex(db), second, seed=3)
    again = SeededEmbedder("other", dimension=8).embed(["delta epsilon"])[0]
    assert cached.nearest(second, again, 1)[0].path == "b.md"


def test_the_background_indexer_feeds_a_warm_copy(db: Database, cached: CachedVectorIndex) -> None:
    ws = Workspace(
        SqliteWorkspaceRepository(db),
        cached,
        chunking=CHUNKING,
        embedder=SeededEmbedder(),
        background=True,
    )
    try:
        ws.write("a.md", "first note")
        assert ws.wait_indexed(timeout=10)
        assert ws.search("first note", mode="vector").results[0].path == "a.md"
        ws.write("b.md", "second note")
        assert ws.wait_indexed(timeout=10)
        assert ws.search("second note", mode="vector").results[0].path == "b.md"
    finally:
        ws.close()


def test_the_first_search_does_not_load_the_copy(
    workspace: Workspace, cached: CachedVectorIndex, source: CountingIndex
) -> None:
    workspace.write("a.md", "some words here")
    model = _model(workspace)
    query = SeededEmbedder().embed(["some words here"])[0]
    assert cached.nearest(model, query, 5)[0].path == "a.md"  # sqlite-vec answered
    assert (source.loads, cached.cached_bytes) == (0, 0)
    assert cached.nearest(model, query, 5)[0].path == "a.md"
    assert source.loads == 1
    assert cached.cached_bytes >= DIMENSION * 4


def test_only_vector_changes_cost_more_than_a_position_check(
    workspace: Workspace, cached: CachedVectorIndex, source: CountingIndex
) -> None:
    workspace.write("a.md", "some words here")
    model = _model(workspace)
    query = SeededEmbedder().embed(["some words here"])[0]
    cached.nearest(model, query, 5)
    cached.nearest(model, query, 5)  # loaded
    loads, reads = source.loads, source.journal_reads
    cached.nearest(model, query, 5)
    assert (source.loads, source.journal_reads) == (loads, reads)  # nothing changed
    workspace.write("b.md", "not embedded yet", embed=False)  # a write, but no vector change
    cached.nearest(model, query, 5)
    assert (source.loads, source.journal_reads) == (loads, reads)
    workspace.embed_pending()
    assert len(cached.nearest(model, query, 5)) == 2
    assert (source.loads, source.journal_reads) == (loads + 1, reads + 1)  # one point lookup


def test_a_copy_too_far_behind_the_journal_reloads(
    workspace: Workspace, cached: CachedVectorIndex, source: CountingIndex, db: Database
) -> None:
    workspace.write("a.md", "first")
    model = _model(workspace)
    query = SeededEmbedder().embed(["second"])[0]
    cached.nearest(model, query, 5)
    cached.nearest(model, query, 5)  # loaded
    workspace.write("b.md", "second")
    db.execute("DELETE FROM memory_vector_changes")  # as pruning would, past a slow reader
    db.execute("UPDATE sqlite_sequence SET seq = seq + 200000 WHERE name = 'memory_vector_changes'")
    loads = source.loads
    assert cached.nearest(model, query, 5)[0].path == "b.md"
    assert source.loads == loads + 1
