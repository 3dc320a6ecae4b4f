"""A deterministic bag-of-words embedder: the test seam for everything above the model.

Each lower-cased word is hashed (BLAKE2b, so the same on every run and machine) to a signed
bucket; the vector is the normalised bucket sum. Texts sharing words are close, others are not,
which is all the index's tests need, with no model to load.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence

__all__ = ["HashedWordEmbedder"]

_WORD = re.compile(r"\w+")


class HashedWordEmbedder:
    def __init__(self, dimension: int = 64, name: str = "hashed-words") -> None:
        self._dimension = dimension
        self._name = f"{name}-{dimension}"
        self.calls = 0  # number of embed() calls, so tests can see when embedding happened

    @property
    def model_name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls += 1
        return [self._one(text) for text in texts]

    def _one(self, text: str) -> list[float]:
        vector = [0.0] * self._dimension
        for word in _WORD.findall(text.lower()):
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            bucket = int.from_bytes(digest[:4], "little") % self._dimension
            vector[bucket] += 1.0 if digest[4] & 1 else -1.0
        norm = math.sqrt(sum(value * value for value in vector))
        if norm == 0.0:
            vector[0] = 1.0  # a text without words still needs a valid unit vector
            return vector
        return [value / norm for value in vector]
