"""Recall@5 and MRR for full text, vector and hybrid search on the labelled corpus, with the
real local model.  Run: .venv/bin/python -m benchmarks.memory.retrieval"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from benchmarks.memory.corpus import documents, queries

from bastion.memory.embeddings.local import LocalStaticEmbedder
from bastion.memory.search import RequestedMode
from bastion.memory.workspace import open_workspace
from bastion.store.database import Database

MODES: tuple[RequestedMode, ...] = ("fts", "vector", "hybrid")


def evaluate() -> dict[tuple[str, str], tuple[float, float]]:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(Path(folder) / "bench.db")
        workspace = open_workspace(db, embedder=LocalStaticEmbedder())
        for path, text in documents():
            workspace.write(path, text)
        results: dict[tuple[str, str], tuple[float, float]] = {}
        for mode in MODES:
            per_kind: dict[str, list[tuple[float, float]]] = {}
            for query in queries():
                paths = [hit.path for hit in workspace.search(query.text, 5, mode).results]
                rank = paths.index(query.target) + 1 if query.target in paths else None
                score = (1.0, 1.0 / rank) if rank else (0.0, 0.0)
                per_kind.setdefault(query.kind, []).append(score)
                per_kind.setdefault("all", []).append(score)
            for kind, scores in per_kind.items():
                results[(mode, kind)] = (
                    statistics.fmean(s[0] for s in scores),
                    statistics.fmean(s[1] for s in scores),
                )
        db.close()
    return results


def main() -> None:
    results = evaluate()
    print("| kind | fts R@5 | fts MRR | vector R@5 | vector MRR | hybrid R@5 | hybrid MRR |")
    print("|---|---|---|---|---|---|---|")
    for kind in ("paraphrase", "identifier", "mixed", "all"):
        cells = [f"{results[(m, kind)][i]:.3f}" for m in MODES for i in (0, 1)]
        print(f"| {kind} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
