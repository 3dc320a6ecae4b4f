"""Embeddings from any OpenAI-compatible ``/v1/embeddings`` server (OpenAI, Ollama, vLLM…).

Implements ``bastion.memory.embeddings.Embedder`` with the official SDK. The wiring should pass
egress's HTTP client as ``http_client`` so the request obeys the egress allowlist like every
other outbound call. Vectors are normalised here, since not every server returns unit vectors.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from typing import Any

import openai

from bastion.memory.embeddings.base import EmbeddingError

__all__ = ["DEFAULT_EMBEDDING_MODEL", "OpenAICompatibleEmbedder"]

DEFAULT_EMBEDDING_MODEL = "text-embedding-3-small"
_BATCH = 64  # inputs per request: well under every server's limit


class OpenAICompatibleEmbedder:
    def __init__(
        self,
        model: str = DEFAULT_EMBEDDING_MODEL,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout_s: float = 30.0,
        max_retries: int = 2,
        http_client: Any = None,
    ) -> None:
        self._model = model
        # Local servers (Ollama, vLLM) accept any key; the SDK insists on having one.
        self._client = openai.OpenAI(
            api_key=api_key or "unused",
            base_url=base_url,
            timeout=timeout_s,
            max_retries=max_retries,
            http_client=http_client,
        )
        self._dimension: int | None = None
        self._lock = threading.Lock()

    @property
    def model_name(self) -> str:
        # The server is part of the name: the same model name on two servers may differ.
        return f"openai-compatible:{self._client.base_url}:{self._model}"

    @property
    def dimension(self) -> int:
        """Learnt from one probe request the first time it is needed."""
        with self._lock:
            if self._dimension is None:
                self._dimension = len(self._request(["dimension probe"])[0])
            return self._dimension

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), _BATCH):
            vectors.extend(self._request(list(texts[start : start + _BATCH])))
        return vectors

    def _request(self, batch: list[str]) -> list[list[float]]:
        try:
            response = self._client.embeddings.create(
                model=self._model, input=batch, encoding_format="float"
            )
        except openai.OpenAIError as exc:
            raise EmbeddingError(
                f"embedding request to {self._client.base_url} failed: {exc}"
            ) from exc
        ordered = sorted(response.data, key=lambda item: item.index)
        if len(ordered) != len(batch):
            raise EmbeddingError(
                f"server returned {len(ordered)} embeddings for {len(batch)} texts"
            )
        return [_unit([float(value) for value in item.embedding]) for item in ordered]


def _unit(vector: list[float]) -> list[float]:
    norm = math.sqrt(sum(value * value for value in vector))
    return vector if norm == 0.0 else [value / norm for value in vector]
