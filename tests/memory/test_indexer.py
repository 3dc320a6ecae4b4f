"""Background embedding: writes return at once, vectors follow on the worker thread."""

from __future__ import annotations

from collections.abc import Sequence

from bastion.memory.embeddings.base import EmbeddingError
from bastion.memory.embeddings.hashed import HashedWordEmbedder
from bastion.memory.workspace import open_workspace
from bastion.store.database import Database


def test_background_indexer_embeds_after_writes(db: Database) -> None:
    embedder = HashedWordEmbedder()
    workspace = open_workspace(db, embedder=embedder, background=True)
    try:
        for i in range(20):
            workspace.write(f"n/{i}.md", f"document {i} about topic{i}")
        assert workspace.wait_indexed(timeout=10)
        assert workspace.pending_embeddings() == 0
        assert workspace.search("topic7").results[0].path == "n/7.md"
    finally:
        workspace.close()


class _FailingOnce(HashedWordEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.failed = False

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not self.failed:
            self.failed = True
            raise EmbeddingError("server down")
        return super().embed(texts)


def test_a_failed_pass_leaves_chunks_pending_for_the_next(db: Database) -> None:
    embedder = _FailingOnce()
    workspace = open_workspace(db, embedder=embedder, background=True)
    try:
        workspace.write("a.md", "alpha")
        assert workspace.wait_indexed(timeout=10)
        assert workspace.pending_embeddings() == 1
        workspace.write("b.md", "beta")
        assert workspace.wait_indexed(timeout=10)
        assert workspace.pending_embeddings() == 0
    finally:
        workspace.close()


def test_a_vector_for_a_rewritten_chunk_is_not_attached(db: Database) -> None:
    from bastion.store.memory_search import SqliteMemoryIndex

    workspace = open_workspace(db, embedder=None)
    workspace.write("a.md", "old text")
    index = SqliteMemoryIndex(db)
    model = index.activate_model("m", 3)
    (stale,) = index.pending_chunks(model, 10)
    workspace.write("a.md", "new text")  # the chunk the worker was embedding is gone
    assert index.store_vectors(model, [(stale, [1.0, 0.0, 0.0])]) == 0
    assert index.count_pending(model) == 1
