"""The workspace's documents on SQLite: path-addressed content, its version history, its chunks.

``WorkspaceRepository`` is the interface; ``SqliteWorkspaceRepository`` the embedded
implementation. A write replaces a document's chunks in the same transaction as its content (the
FTS5 index follows through triggers, the vectors are deleted here), so the index can never show
text the document no longer has. Paths arrive already validated by ``bastion.memory``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bastion.contracts.errors import StoreError
from bastion.store.database import Database
from bastion.store.memory_search import delete_chunk_vectors

__all__ = [
    "ChunkDraft",
    "DocumentVersion",
    "SqliteWorkspaceRepository",
    "StoredDocument",
    "WorkspaceRepository",
]


@dataclass(frozen=True, slots=True)
class StoredDocument:
    path: str
    content: str
    hash: str
    version: int
    updated_at: str


@dataclass(frozen=True, slots=True)
class DocumentVersion:
    path: str
    version: int
    hash: str | None  # None: this version is a delete
    created_at: str

    @property
    def deleted(self) -> bool:
        return self.hash is None


@dataclass(frozen=True, slots=True)
class ChunkDraft:
    index: int
    text: str
    start_word: int
    end_word: int


class WorkspaceRepository(Protocol):
    def get(self, path: str) -> StoredDocument | None: ...

    def put(
        self, path: str, content: str, content_hash: str, chunks: Sequence[ChunkDraft]
    ) -> tuple[StoredDocument, bool]:
        """Store content; returns the document and whether anything changed."""
        ...

    def delete(self, path: str) -> bool: ...

    def paths(self) -> list[str]: ...

    def versions(self, path: str) -> list[DocumentVersion]: ...

    def version_content(self, path: str, version: int) -> str | None: ...

    def chunk_count(self, path: str | None = None) -> int: ...


class SqliteWorkspaceRepository:
    """``WorkspaceRepository`` over the embedded database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, path: str) -> StoredDocument | None:
        row = self._db.query_one(
            "SELECT path, content, hash, version, updated_at FROM memory_documents WHERE path = ?",
            (path,),
        )
        if row is None:
            return None
        return StoredDocument(
            row["path"], row["content"], row["hash"], row["version"], row["updated_at"]
        )

    def put(
        self, path: str, content: str, content_hash: str, chunks: Sequence[ChunkDraft]
    ) -> tuple[StoredDocument, bool]:
        with self._db.transaction() as db:
            existing = self.get(path)
            if existing is not None and existing.hash == content_hash:
                return existing, False
            version = self._last_version(path) + 1
            if existing is None:
                db.execute(
                    "INSERT INTO memory_documents(path, content, hash, version)"
                    " VALUES (?, ?, ?, ?)",
                    (path, content, content_hash, version),
                )
            else:
                self._drop_chunks(path)
                db.execute(
                    "UPDATE memory_documents SET content = ?, hash = ?, version = ?,"
                    " updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE path = ?",
                    (content, content_hash, version, path),
                )
            db.execute(
                "INSERT INTO memory_document_versions(path, version, content, hash)"
                " VALUES (?, ?, ?, ?)",
                (path, version, content, content_hash),
            )
            row = db.query_one("SELECT id FROM memory_documents WHERE path = ?", (path,))
            document_id = int(row["id"]) if row else 0
            for chunk in chunks:
                db.execute(
                    "INSERT INTO memory_chunks(document_id, chunk_index, text, start_word,"
                    " end_word) VALUES (?, ?, ?, ?, ?)",
                    (document_id, chunk.index, chunk.text, chunk.start_word, chunk.end_word),
                )
            stored = self.get(path)
        if stored is None:  # the transaction above wrote it; absence means a broken store
            raise StoreError(f"document {path} vanished during its own write")
        return stored, True

    def delete(self, path: str) -> bool:
        with self._db.transaction() as db:
            if self.get(path) is None:
                return False
            self._drop_chunks(path)
            db.execute("DELETE FROM memory_documents WHERE path = ?", (path,))
            db.execute(
                "INSERT INTO memory_document_versions(path, version, content, hash)"
                " VALUES (?, ?, NULL, NULL)",
                (path, self._last_version(path) + 1),
            )
        return True

    def paths(self) -> list[str]:
        rows = self._db.query("SELECT path FROM memory_documents ORDER BY path")
        return [str(row["path"]) for row in rows]

    def versions(self, path: str) -> list[DocumentVersion]:
        rows = self._db.query(
            "SELECT path, version, hash, created_at FROM memory_document_versions"
            " WHERE path = ? ORDER BY version",
            (path,),
        )
        return [
            DocumentVersion(row["path"], row["version"], row["hash"], row["created_at"])
            for row in rows
        ]

    def version_content(self, path: str, version: int) -> str | None:
        row = self._db.query_one(
            "SELECT content FROM memory_document_versions WHERE path = ? AND version = ?",
            (path, version),
        )
        return None if row is None or row["content"] is None else str(row["content"])

    def chunk_count(self, path: str | None = None) -> int:
        if path is None:
            row = self._db.query_one("SELECT COUNT(*) AS n FROM memory_chunks")
        else:
            row = self._db.query_one(
                "SELECT COUNT(*) AS n FROM memory_chunks c JOIN memory_documents d"
                " ON d.id = c.document_id WHERE d.path = ?",
                (path,),
            )
        return int(row["n"]) if row else 0

    # -- internals ---------------------------------------------------------------------------
    def _last_version(self, path: str) -> int:
        row = self._db.query_one(
            "SELECT MAX(version) AS v FROM memory_document_versions WHERE path = ?", (path,)
        )
        return int(row["v"]) if row and row["v"] is not None else 0

    def _drop_chunks(self, path: str) -> None:
        rows = self._db.query(
            "SELECT c.id FROM memory_chunks c JOIN memory_documents d ON d.id = c.document_id"
            " WHERE d.path = ?",
            (path,),
        )
        delete_chunk_vectors(self._db, [int(row["id"]) for row in rows])
        # Explicit delete (not only the foreign-key cascade) so the FTS trigger surely runs.
        self._db.execute(
            "DELETE FROM memory_chunks WHERE document_id ="
            " (SELECT id FROM memory_documents WHERE path = ?)",
            (path,),
        )
