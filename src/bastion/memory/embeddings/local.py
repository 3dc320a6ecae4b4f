"""The offline default: WordLlama's static embeddings, shipped inside the ``wordllama`` wheel.

WordLlama (``l2_supercat``, 256 dimensions) is a token-embedding table distilled from a large
model's embeddings: embedding is a tokenizer pass and an average, on numpy, with no PyTorch and
no network. Its own ``WordLlama.load()`` looks for the tokenizer in a folder that the wheel does
not use and then downloads it from a model hub, so we open the packaged files directly: the
weights (``wordllama/weights``) and the tokenizer (``wordllama/tokenizers``). Nothing here ever
reaches the network; a missing file is an ``EmbeddingError``, not a download.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bastion.memory.embeddings.base import EmbeddingError

__all__ = ["LOCAL_MODEL_NAME", "LocalStaticEmbedder", "local_embedder_available"]

LOCAL_MODEL_NAME = "wordllama/l2_supercat-256"
_CONFIG = "l2_supercat"
_DIMENSION = 256


def local_embedder_available() -> bool:
    """True when the packaged model files are installed (without loading them)."""
    # find_spec locates the package without importing it: wordllama's __init__ loads numpy and
    # tokenizers (~0.3 s), which every chat start would otherwise pay.
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        return False
    root = Path(next(iter(spec.submodule_search_locations)))
    return (root / "weights" / f"{_CONFIG}_{_DIMENSION}.safetensors").is_file() and (
        root / "tokenizers" / f"{_CONFIG}_tokenizer_config.json"
    ).is_file()


class LocalStaticEmbedder:
    """``Embedder`` over the packaged WordLlama model, loaded on first use (about a second)."""

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model_name(self) -> str:
        return LOCAL_MODEL_NAME

    @property
    def dimension(self) -> int:
        return _DIMENSION

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._load().embed(list(texts), norm=True)
        return [[float(value) for value in row] for row in vectors.tolist()]

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = _open_packaged_model()
            return self._model


def _import_quietly() -> tuple[Any, Any, Any]:
    """Import the model's libraries without letting them configure logging: ``wordllama`` calls
    ``logging.basicConfig(level=INFO)`` on import, which would switch on INFO records (HTTP
    request lines among them) for the whole process."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        from safetensors import safe_open
        from tokenizers import Tokenizer
        from wordllama.inference import WordLlamaInference
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
    return safe_open, Tokenizer, WordLlamaInference


def _open_packaged_model() -> Any:
    try:
        safe_open, Tokenizer, WordLlamaInference = _import_quietly()  # noqa: N806 - classes
    except ImportError as exc:
        raise EmbeddingError(f"local embedding model not installed: {exc}") from exc
    root = importlib.resources.files("wordllama")
    weights = root / "weights" / f"{_CONFIG}_{_DIMENSION}.safetensors"
    tokenizer_file = root / "tokenizers" / f"{_CONFIG}_tokenizer_config.json"
    try:
        with (
            importlib.resources.as_file(weights) as weights_path,
            safe_open(str(weights_path), framework="np", device="cpu") as handle,
        ):
            table = handle.get_tensor("embedding.weight")
        with importlib.resources.as_file(tokenizer_file) as tokenizer_path:
            tokenizer = Tokenizer.from_file(str(tokenizer_path))
    except (OSError, ValueError, RuntimeError) as exc:
        raise EmbeddingError(f"cannot open the packaged embedding model: {exc}") from exc
    return WordLlamaInference(table, tokenizer)
