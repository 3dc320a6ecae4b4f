"""Embedding providers behind one ``Embedder`` protocol (HTTP ones live in bastion.providers)."""

from bastion.memory.embeddings.base import Embedder, EmbeddingError
from bastion.memory.embeddings.hashed import HashedWordEmbedder

__all__ = ["Embedder", "EmbeddingError", "HashedWordEmbedder"]
