"""Workspace and hybrid memory: versioned Markdown documents, full-text + vector search (RRF)."""

from bastion.memory.chunking import ChunkingConfig, chunk_text
from bastion.memory.embeddings.base import Embedder, EmbeddingError
from bastion.memory.identity import daily_log_path, identity_documents
from bastion.memory.paths import normalize_path
from bastion.memory.search import SearchHit, SearchResponse
from bastion.memory.workspace import Workspace, WriteResult, open_workspace
from bastion.memory.write_screen import WriteScreen

__all__ = [
    "ChunkingConfig",
    "Embedder",
    "EmbeddingError",
    "SearchHit",
    "SearchResponse",
    "Workspace",
    "WriteResult",
    "WriteScreen",
    "chunk_text",
    "daily_log_path",
    "identity_documents",
    "normalize_path",
    "open_workspace",
]
