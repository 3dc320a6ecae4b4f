"""What the memory index needs from an embedding model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bastion.contracts.errors import OperationFailed

__all__ = ["Embedder", "EmbeddingError"]


class EmbeddingError(OperationFailed):
    """The embedding model could not be loaded or refused a request."""


class Embedder(Protocol):
    """Turns texts into vectors. ``model_name`` identifies the vector space: when it changes,
    every chunk is re-embedded. Implementations are synchronous (they run on a worker thread)
    and return one unit-length vector of ``dimension`` floats per text, in order."""

    @property
    def model_name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...
