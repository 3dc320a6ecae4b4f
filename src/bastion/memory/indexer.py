"""Keeping the vector index in step with the documents.

``EmbeddingIndexer`` embeds whatever chunks lack a vector for the active model, in batches;
the same call serves a single write, a bulk import (with a progress callback) and a re-embed
after the model changed (activating a new model makes every chunk pending). ``BackgroundIndexer``
runs it on a worker thread, woken by ``notify()``, so writes return before their vectors exist.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from bastion.contracts.errors import BastionError
from bastion.memory.embeddings.base import Embedder, EmbeddingError
from bastion.store.memory_search import EmbeddingModel, MemoryIndex

__all__ = ["BackgroundIndexer", "EmbeddingIndexer", "ProgressCallback"]

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]  # (done, total)


class EmbeddingIndexer:
    def __init__(self, index: MemoryIndex, embedder: Embedder, batch_size: int = 32) -> None:
        self._index = index
        self._embedder = embedder
        self._batch_size = max(1, batch_size)
        self._model: EmbeddingModel | None = None
        self._lock = threading.Lock()  # one embedding pass at a time

    @property
    def embedder(self) -> Embedder:
        return self._embedder

    def model(self) -> EmbeddingModel:
        """The index's record of this embedder, activated (and the old one dropped) on first use."""
        if self._model is None:
            self._model = self._index.activate_model(
                self._embedder.model_name, self._embedder.dimension
            )
        return self._model

    def pending(self) -> int:
        return self._index.count_pending(self.model())

    def embed_pending(self, progress: ProgressCallback | None = None) -> int:
        """Embed every chunk without a vector for this model; returns how many were stored."""
        with self._lock:
            model = self.model()
            total = self._index.count_pending(model)
            done = stored = 0
            if progress:
                progress(0, total)
            while True:
                batch = self._index.pending_chunks(model, self._batch_size)
                if not batch:
                    break
                vectors = self._embedder.embed([chunk.text for chunk in batch])
                if len(vectors) != len(batch):
                    raise EmbeddingError(
                        f"{model.name} returned {len(vectors)} vectors for {len(batch)} texts"
                    )
                written = self._index.store_vectors(model, list(zip(batch, vectors, strict=True)))
                if written == 0 and self._index.active_model() != model:
                    break  # another process switched models: its indexer takes over
                stored += written
                done += len(batch)
                if progress:
                    progress(min(done, max(total, done)), max(total, done))
            return stored


class BackgroundIndexer:
    """Runs ``EmbeddingIndexer.embed_pending`` on a daemon thread whenever notified."""

    def __init__(self, indexer: EmbeddingIndexer) -> None:
        self._indexer = indexer
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        # Generation counters: idle only when the pass that finished started after the last
        # notify, so a write that lands mid-pass is never reported as embedded.
        self._requested = 0
        self._stopping = False
        self.last_error: str | None = None
        self._thread = threading.Thread(target=self._run, name="memory-indexer", daemon=True)
        self._thread.start()

    def notify(self) -> None:
        with self._lock:
            self._requested += 1
            self._idle.clear()
            self._wake.set()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every notified write has been embedded (or ``timeout`` passes)."""
        return self._idle.wait(timeout)

    def close(self, timeout: float = 10.0) -> None:
        self._stopping = True
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            if self._stopping:
                return
            with self._lock:
                target = self._requested
                self._wake.clear()
            try:
                self._indexer.embed_pending()
                self.last_error = None
            except BastionError as exc:
                # The chunks stay pending and the next notify retries; search meanwhile uses
                # whatever vectors exist plus full text.
                self.last_error = str(exc)
                logger.warning("background embedding failed: %s", exc)
            with self._lock:
                if target == self._requested:
                    self._idle.set()
