"""The workspace: path-addressed Markdown documents, versioned, indexed, searchable.

Every write normalises the path, passes the ``WriteScreen`` (the safety layer's sanitizer), is
chunked, and replaces the document and its chunks in one transaction; embeddings follow, either
at once or on the background indexer. Reading returns exactly what was written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from bastion.contracts.errors import UsageError
from bastion.memory.cached_index import CachedVectorIndex
from bastion.memory.chunking import ChunkingConfig, chunk_text
from bastion.memory.embeddings.base import Embedder
from bastion.memory.indexer import BackgroundIndexer, EmbeddingIndexer, ProgressCallback
from bastion.memory.paths import normalize_path
from bastion.memory.search import RequestedMode, SearchRequest, SearchResponse, search_index
from bastion.memory.write_screen import WriteScreen
from bastion.store.database import Database
from bastion.store.memory_search import MemoryIndex, SqliteMemoryIndex
from bastion.store.workspace import DocumentVersion, SqliteWorkspaceRepository, WorkspaceRepository

__all__ = ["MAX_DOCUMENT_CHARS", "Workspace", "WriteResult", "open_workspace"]

MAX_DOCUMENT_CHARS = 2_000_000


@dataclass(frozen=True, slots=True)
class WriteResult:
    path: str
    version: int
    changed: bool
    chunks: int


class Workspace:
    def __init__(
        self,
        repository: WorkspaceRepository,
        index: MemoryIndex,
        *,
        chunking: ChunkingConfig | None = None,
        embedder: Embedder | None = None,
        screen: WriteScreen | None = None,
        rrf_k: int = 60,
        background: bool = False,
    ) -> None:
        self._repository = repository
        self._index = index
        self._chunking = chunking or ChunkingConfig()
        self._screen = screen
        self._rrf_k = rrf_k
        usable = embedder is not None and index.supports_vectors
        self.indexer = EmbeddingIndexer(index, embedder) if usable and embedder else None
        self._background = (
            BackgroundIndexer(self.indexer) if background and self.indexer is not None else None
        )

    # -- documents ---------------------------------------------------------------------------
    def write(self, path: str, content: str, *, embed: bool = True) -> WriteResult:
        """Store ``content`` at ``path`` (a new version when it differs). ``embed=False`` leaves
        the vectors to a later ``embed_pending`` (bulk imports)."""
        normalised = normalize_path(path)
        if len(content) > MAX_DOCUMENT_CHARS:
            raise UsageError(f"{normalised}: document larger than {MAX_DOCUMENT_CHARS} characters")
        if self._screen is not None:
            content = self._screen.screen(normalised, content)
        digest = hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()
        chunks = chunk_text(content, self._chunking)
        document, changed = self._repository.put(normalised, content, digest, chunks)
        if changed and embed:
            self._embed_after_write()
        return WriteResult(normalised, document.version, changed, len(chunks))

    def append(self, path: str, text: str) -> WriteResult:
        """Add ``text`` at the end of a document (daily logs), on a new line."""
        current = self.read(path) or ""
        separator = "" if not current or current.endswith("\n") else "\n"
        return self.write(path, current + separator + text)

    def read(self, path: str) -> str | None:
        document = self._repository.get(normalize_path(path))
        return None if document is None else document.content

    def delete(self, path: str) -> bool:
        return self._repository.delete(normalize_path(path))

    def tree(self) -> list[str]:
        return self._repository.paths()

    def versions(self, path: str) -> list[DocumentVersion]:
        return self._repository.versions(normalize_path(path))

    def read_version(self, path: str, version: int) -> str | None:
        return self._repository.version_content(normalize_path(path), version)

    # -- search and index --------------------------------------------------------------------
    def search(self, query: str, limit: int = 5, mode: RequestedMode = "auto") -> SearchResponse:
        return search_index(
            self._index, self.indexer, SearchRequest(query, limit, mode, self._rrf_k)
        )

    def embed_pending(self, progress: ProgressCallback | None = None) -> int:
        """Bring the vectors up to date (after a bulk import or a model change)."""
        return 0 if self.indexer is None else self.indexer.embed_pending(progress)

    def pending_embeddings(self) -> int:
        return 0 if self.indexer is None else self.indexer.pending()

    def wait_indexed(self, timeout: float | None = None) -> bool:
        return True if self._background is None else self._background.wait_idle(timeout)

    def close(self) -> None:
        if self._background is not None:
            self._background.close()

    def _embed_after_write(self) -> None:
        if self._background is not None:
            self._background.notify()
        elif self.indexer is not None:
            self.indexer.embed_pending()


def open_workspace(
    db: Database,
    *,
    chunking: ChunkingConfig | None = None,
    embedder: Embedder | None = None,
    screen: WriteScreen | None = None,
    rrf_k: int = 60,
    background: bool = False,
) -> Workspace:
    """A workspace over the embedded database (the SQLite repositories), nearest-neighbour
    search on an in-memory copy of the vectors."""
    return Workspace(
        SqliteWorkspaceRepository(db),
        CachedVectorIndex(SqliteMemoryIndex(db)),
        chunking=chunking,
        embedder=embedder,
        screen=screen,
        rrf_k=rrf_k,
        background=background,
    )
