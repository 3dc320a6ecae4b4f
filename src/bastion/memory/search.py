"""Hybrid search: full text and nearest vectors, fused with Reciprocal Rank Fusion.

Each side returns a candidate pool larger than the answer; RRF ranks the union. Scores are RRF
scores in every mode (a single ranking gives ``1 / (k + rank)``), so a score means the same thing
whether or not vectors were available. Without an embedder, or before any chunk has a vector,
search is full text only and says so in ``note``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bastion.contracts.errors import UsageError
from bastion.contracts.json_types import JsonObject
from bastion.memory.fusion import reciprocal_rank_fusion
from bastion.memory.indexer import EmbeddingIndexer
from bastion.store.memory_search import ChunkHit, MemoryIndex

__all__ = ["SearchHit", "SearchMode", "SearchRequest", "SearchResponse", "search_index"]

SearchMode = Literal["hybrid", "fts", "vector"]
RequestedMode = Literal["auto", "hybrid", "fts", "vector"]

MAX_LIMIT = 100
_SNIPPET_WORDS = 32
_WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class SearchHit:
    path: str
    score: float
    snippet: str
    chunk: int

    def to_json(self) -> JsonObject:
        return {
            "path": self.path,
            "score": round(self.score, 6),
            "snippet": self.snippet,
            "chunk": self.chunk,
        }


@dataclass(frozen=True, slots=True)
class SearchResponse:
    mode: SearchMode
    results: tuple[SearchHit, ...]
    note: str | None = None  # why the mode is not the one asked for, for humans (stderr)

    def to_json(self) -> JsonObject:
        """Exactly the contract's ``memory search --json`` shape."""
        return {"mode": self.mode, "results": [hit.to_json() for hit in self.results]}


@dataclass(frozen=True, slots=True)
class SearchRequest:
    query: str
    limit: int = 5
    mode: RequestedMode = "auto"
    rrf_k: int = 60


def search_index(
    index: MemoryIndex, indexer: EmbeddingIndexer | None, request: SearchRequest
) -> SearchResponse:
    if not 1 <= request.limit <= MAX_LIMIT:
        raise UsageError(f"--limit must be between 1 and {MAX_LIMIT}")
    terms = query_terms(request.query)
    pool = max(request.limit * 4, 20)
    vector_hits, why_not = _vector_side(index, indexer, request, pool)
    if request.mode == "vector":
        if vector_hits is None:
            raise UsageError(f"vector search unavailable: {why_not}")
        return _respond("vector", [vector_hits], request, terms, None)
    fts_hits = index.full_text(terms, pool)
    if request.mode == "fts" or vector_hits is None:
        note = None if request.mode == "fts" else f"full-text search only: {why_not}"
        return _respond("fts", [fts_hits], request, terms, note)
    return _respond("hybrid", [fts_hits, vector_hits], request, terms, None)


# Function words match nearly every chunk: in an OR query they only add noise that RRF would
# then weigh like a real match. Dropped unless the query has nothing else.
_STOPWORDS = frozenset(
    "a an and are as at be by can do does did for from has have how i if in is it its me my of "
    "on or our she he so that the their there this to was we what when where which who why will "
    "with you your".split()
)


def query_terms(query: str) -> list[str]:
    """The full-text terms of a query: whitespace-separated, stop words dropped."""
    terms = query.split()
    content = [term for term in terms if term.lower().strip(".,;:!?\"'") not in _STOPWORDS]
    return content or terms


def _vector_side(
    index: MemoryIndex, indexer: EmbeddingIndexer | None, request: SearchRequest, pool: int
) -> tuple[list[ChunkHit] | None, str]:
    if request.mode == "fts":
        return None, "full text asked for"
    if indexer is None or not index.supports_vectors:
        return None, "no embedding model is available"
    model = indexer.model()
    if index.vector_count(model) == 0:
        return None, "no chunk has been embedded yet"
    if not request.query.strip():
        return [], ""
    vector = indexer.embedder.embed([request.query])[0]
    return index.nearest(model, vector, pool), ""


def _respond(
    mode: SearchMode,
    rankings: list[list[ChunkHit]],
    request: SearchRequest,
    terms: list[str],
    note: str | None,
) -> SearchResponse:
    by_id = {hit.chunk_id: hit for ranking in rankings for hit in ranking}
    fused = reciprocal_rank_fusion(
        [[hit.chunk_id for hit in ranking] for ranking in rankings], k=request.rrf_k
    )
    results = tuple(
        SearchHit(
            by_id[chunk_id].path,
            score,
            snippet(by_id[chunk_id].text, terms),
            by_id[chunk_id].chunk_index,
        )
        for chunk_id, score in fused[: request.limit]
    )
    return SearchResponse(mode, results, note)


def snippet(text: str, terms: list[str]) -> str:
    """About 32 words of ``text`` around the first query term found, else its start."""
    words = _WORD.findall(text)
    lowered = [word.lower() for word in words]
    needles = [term.lower().strip("\"'()*^:") for term in terms]
    needles = [needle for needle in needles if needle]
    centre = next(
        (i for i, word in enumerate(lowered) if any(needle in word for needle in needles)), 0
    )
    start = max(0, centre - _SNIPPET_WORDS // 4)
    end = min(len(words), start + _SNIPPET_WORDS)
    body = " ".join(words[start:end])
    return ("…" if start > 0 else "") + body + ("…" if end < len(words) else "")
