"""Splitting a document into overlapping word windows for indexing.

Windows of ``words`` words, each starting ``words - overlap`` words after the previous one, so a
sentence cut at one window's edge appears whole in the next. A chunk's text is the original text
between its first and last word (whitespace kept), and its word offsets are recorded so a hit can
be located in the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bastion.contracts.errors import ConfigError
from bastion.store.workspace import ChunkDraft

__all__ = ["ChunkingConfig", "chunk_text"]

_WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class ChunkingConfig:
    words: int = 800
    overlap: float = 0.15  # fraction of ``words`` shared with the previous chunk

    def __post_init__(self) -> None:
        if self.words < 1:
            raise ConfigError("memory.chunk_words must be at least 1")
        if not 0.0 <= self.overlap < 1.0:
            raise ConfigError("memory.chunk_overlap must be in [0, 1)")

    @property
    def overlap_words(self) -> int:
        return int(self.words * self.overlap)

    @property
    def step(self) -> int:
        return max(1, self.words - self.overlap_words)


def chunk_text(text: str, config: ChunkingConfig) -> list[ChunkDraft]:
    """Chunks of ``text``; an empty or blank text has none."""
    spans = [(match.start(), match.end()) for match in _WORD.finditer(text)]
    chunks: list[ChunkDraft] = []
    start = 0
    while start < len(spans):
        end = min(start + config.words, len(spans))
        chunks.append(
            ChunkDraft(
                index=len(chunks),
                text=text[spans[start][0] : spans[end - 1][1]],
                start_word=start,
                end_word=end,
            )
        )
        if end == len(spans):
            break
        start += config.step
    return chunks
