"""Hybrid query latency at scale and indexing throughput, on SQLite.

At 100,000 chunks the vectors are random unit vectors (256 dimensions, the local model's size):
embedding 100k chunks with the real model is an indexing cost, measured separately below on a
smaller real batch; KNN and FTS cost do not depend on where the vectors came from.
Nearest neighbours run on the workspace's in-memory copy of the vectors (CachedVectorIndex);
sqlite-vec's own scan is timed beside it, and the two rankings are compared (recall@10).
Run: .venv/bin/python -m benchmarks.memory.scale [CHUNKS]
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bastion.memory.cached_index import CachedVectorIndex
from bastion.memory.chunking import ChunkingConfig
from bastion.memory.embeddings.local import LocalStaticEmbedder
from bastion.memory.workspace import open_workspace
from bastion.store.database import Database
from bastion.store.memory_search import SqliteMemoryIndex

DIMENSION = 256
WORDS_PER_CHUNK = 60
CHUNKS_PER_DOC = 100


class RandomUnitEmbedder:
    """Random unit vectors: stands in for a model when only search cost is measured."""

    def __init__(self, seed: int = 7) -> None:
        self._rng = random.Random(seed)

    @property
    def model_name(self) -> str:
        return "random-unit-256"

    @property
    def dimension(self) -> int:
        return DIMENSION

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        out = []
        for _ in texts:
            v = [self._rng.gauss(0.0, 1.0) for _ in range(DIMENSION)]
            norm = sum(x * x for x in v) ** 0.5
            out.append([x / norm for x in v])
        return out


def _vocabulary(rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(20000)]


def main() -> None:
    total_chunks = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = random.Random(1)
    vocab = _vocabulary(rng)
    with tempfile.TemporaryDirectory() as folder:
        db = Database(Path(folder) / "scale.db")
        embedder = RandomUnitEmbedder()
        workspace = open_workspace(
            db, embedder=embedder, chunking=ChunkingConfig(words=WORDS_PER_CHUNK, overlap=0.0)
        )
        started = time.perf_counter()
        for doc in range(total_chunks // CHUNKS_PER_DOC):
            words = rng.choices(vocab, k=WORDS_PER_CHUNK * CHUNKS_PER_DOC)
            workspace.write(f"scale/{doc:05d}.md", " ".join(words), embed=False)
        write_s = time.perf_counter() - started
        started = time.perf_counter()
        embedded = workspace.embed_pending()
        vector_s = time.perf_counter() - started
        print(f"chunks: {embedded}")
        print(f"documents+FTS write: {embedded / write_s:,.0f} chunks/s")
        print(
            f"vector insert (random vectors, incl. generating them): {embedded / vector_s:,.0f}/s"
        )

        queries = [" ".join(rng.choices(vocab, k=rng.randint(1, 4))) for _ in range(200)]
        t = time.perf_counter()
        workspace.search("warm up", limit=10)  # the first search of a process: sqlite-vec
        print(f"first search (sqlite-vec): {(time.perf_counter() - t) * 1000:,.0f} ms")
        t = time.perf_counter()
        workspace.search("warm up", limit=10)  # the second loads the in-memory copy
        print(f"second search (loads the copy): {(time.perf_counter() - t) * 1000:,.0f} ms")
        timings = []
        for query in queries:
            t = time.perf_counter()
            response = workspace.search(query, limit=10)
            timings.append((time.perf_counter() - t) * 1000)
            assert response.mode == "hybrid"
        # The query embedding is part of search(); measure it alone to report it separately.
        embed_ms = []
        for query in queries:
            t = time.perf_counter()
            embedder.embed([query])
            embed_ms.append((time.perf_counter() - t) * 1000)
        search_only = [a - b for a, b in zip(timings, embed_ms, strict=True)]
        print(
            f"hybrid query median (excl. query embedding): {statistics.median(search_only):.1f} ms"
        )
        print(f"hybrid query p95 (excl. query embedding): {sorted(search_only)[189]:.1f} ms")
        _breakdown(db, embedder, queries)
        db.close()
    _local_model(rng, vocab, queries)


def _breakdown(db: Database, embedder: RandomUnitEmbedder, queries: list[str]) -> None:
    """Each side of a hybrid query alone, and the in-memory ranking against sqlite-vec's."""
    index = SqliteMemoryIndex(db)
    cached = CachedVectorIndex(index)
    model = index.active_model()
    assert model is not None
    t_fts: list[float] = []
    t_knn: list[float] = []
    t_vec: list[float] = []
    found = 0
    cached.nearest(model, embedder.embed(["warm up"])[0], 40)  # first: sqlite-vec
    cached.nearest(model, embedder.embed(["warm up"])[0], 40)  # second: loads the copy
    for query in queries[:100]:
        t = time.perf_counter()
        index.full_text(query.split(), 40)
        t_fts.append((time.perf_counter() - t) * 1000)
        vector = embedder.embed([query])[0]
        t = time.perf_counter()
        fast = cached.nearest(model, vector, 40)
        t_knn.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        exact = index.nearest(model, vector, 40)
        t_vec.append((time.perf_counter() - t) * 1000)
        found += len({h.chunk_id for h in fast[:10]} & {h.chunk_id for h in exact[:10]})
    print(
        f"  of which FTS5 median: {statistics.median(t_fts):.1f} ms,"
        f" in-memory KNN median: {statistics.median(t_knn):.1f} ms"
        f" (sqlite-vec KNN median: {statistics.median(t_vec):.1f} ms)"
    )
    print(f"  in-memory vs sqlite-vec recall@10: {found / 1000:.3f}")
    print(f"  in-memory copy: {cached.cached_bytes / 2**20:.1f} MiB")


def _local_model(rng: random.Random, vocab: list[str], queries: list[str]) -> None:
    local = LocalStaticEmbedder()
    local.embed(["warm up"])
    texts = [" ".join(rng.choices(vocab, k=200)) for _ in range(2000)]
    real_words = ("the cat sat on the warm laptop while the database backup ran " * 20).split()
    prose = [" ".join(real_words[i % 7 :] + real_words[: i % 7]) for i in range(2000)]
    for name, batch in (("random words", texts), ("prose", prose)):
        t = time.perf_counter()
        local.embed(batch)
        rate = len(batch) / (time.perf_counter() - t)
        print(f"local model embedding, 200-word chunks ({name}): {rate:,.0f} chunks/s")
    t_q = []
    for query in queries[:100]:
        t = time.perf_counter()
        local.embed([query])
        t_q.append((time.perf_counter() - t) * 1000)
    print(f"local model query embedding median: {statistics.median(t_q):.2f} ms")


if __name__ == "__main__":
    main()
