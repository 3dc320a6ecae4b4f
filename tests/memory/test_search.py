"""Hybrid search: modes, fallback, query-syntax safety, and index consistency after edits."""

from __future__ import annotations

import random
import string

import pytest

from bastion.contracts.errors import UsageError
from bastion.memory.chunking import ChunkingConfig
from bastion.memory.embeddings.hashed import HashedWordEmbedder
from bastion.memory.workspace import Workspace, open_workspace
from bastion.store.database import Database


def _seed(workspace: Workspace) -> None:
    workspace.write("notes/db.md", "The database failed with error E-4012 when the disk filled up.")
    workspace.write("notes/pets.md", "Our cat Miso sleeps on the warm laptop every afternoon.")
    workspace.write("notes/trip.md", "Flight LH 452 to Lisbon leaves at 07:15 on 2026-03-02.")


def test_hybrid_finds_an_exact_identifier(workspace: Workspace) -> None:
    _seed(workspace)
    response = workspace.search("E-4012")
    assert response.mode == "hybrid"
    assert response.results[0].path == "notes/db.md"
    assert response.results[0].chunk == 0
    assert "E-4012" in response.results[0].snippet


def test_json_shape_is_the_contract(workspace: Workspace) -> None:
    _seed(workspace)
    payload = workspace.search("Lisbon flight", limit=2).to_json()
    assert set(payload) == {"mode", "results"}
    assert payload["mode"] == "hybrid"
    results = payload["results"]
    assert isinstance(results, list)
    assert len(results) == 2
    for hit in results:
        assert isinstance(hit, dict)
        assert set(hit) == {"path", "score", "snippet", "chunk"}
        assert isinstance(hit["score"], float)
        assert isinstance(hit["chunk"], int)


def test_hybrid_score_is_the_rrf_sum(workspace: Workspace) -> None:
    _seed(workspace)
    top = workspace.search("Miso cat laptop").results[0]
    assert top.path == "notes/pets.md"
    assert top.score == pytest.approx(2 / 61, abs=1e-6)  # first in both rankings, k = 60


def test_without_an_embedder_search_is_full_text_with_a_note(db: Database) -> None:
    workspace = open_workspace(db, embedder=None)
    _seed(workspace)
    response = workspace.search("cat")
    assert response.mode == "fts"
    assert response.note is not None
    assert "no embedding model" in response.note
    assert [hit.path for hit in response.results] == ["notes/pets.md"]
    with pytest.raises(UsageError, match="vector search unavailable"):
        workspace.search("cat", mode="vector")


def test_explicit_modes(workspace: Workspace) -> None:
    _seed(workspace)
    assert workspace.search("cat", mode="fts").mode == "fts"
    vector = workspace.search("Miso sleeps", mode="vector")
    assert vector.mode == "vector"
    assert vector.results[0].path == "notes/pets.md"


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "'",
        "AND",
        "OR OR",
        "NOT cat",
        "cat NEAR/2 laptop",
        "(",
        ")",
        "*",
        "cat*",
        "^cat",
        "text:cat",
        "{text}: cat",
        "-",
        "a - b",
        'E-4012" OR "x',
        "\\",
        "\x00",
        "😀",
        "   ",
        "SELECT * FROM memory_documents; --",
    ],
)
def test_any_query_string_is_safe(workspace: Workspace, query: str) -> None:
    _seed(workspace)
    response = workspace.search(query)
    assert response.mode in ("hybrid", "fts")


def test_random_query_fuzz(workspace: Workspace) -> None:
    _seed(workspace)
    rng = random.Random(5)
    alphabet = string.printable + "«»—…\u200b\u00a0"
    for _ in range(300):
        query = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        workspace.search(query, limit=3)


def test_operators_are_taken_literally(workspace: Workspace) -> None:
    _seed(workspace)
    # If NOT were an operator, this would exclude the cat document.
    hits = workspace.search("cat NOT Miso", mode="fts").results
    assert hits[0].path == "notes/pets.md"


def test_an_edit_removes_old_text_from_both_indexes(workspace: Workspace) -> None:
    workspace.write("notes/a.md", "zebra quartz bicycle " * 30)
    workspace.write("notes/b.md", "unrelated words about gardening")
    assert workspace.search("zebra", mode="fts").results
    workspace.write("notes/a.md", "now it is about penguins only")
    assert workspace.search("zebra", mode="fts").results == ()
    # Only a.md's one new chunk and b.md's chunk still have vectors.
    assert len(workspace.search("zebra quartz", mode="vector", limit=50).results) == 2
    assert workspace.search("penguins").results[0].path == "notes/a.md"


def test_a_delete_removes_the_document_from_search(workspace: Workspace, db: Database) -> None:
    _seed(workspace)
    assert workspace.delete("notes/pets.md")
    assert not workspace.delete("notes/pets.md")
    assert all(hit.path != "notes/pets.md" for hit in workspace.search("Miso cat").results)
    vectors = db.query_one("SELECT COUNT(*) AS n FROM memory_vectors_1")
    assert vectors is not None
    assert vectors["n"] == 2


def test_changing_the_embedding_model_re_embeds_everything(db: Database) -> None:
    first = HashedWordEmbedder(dimension=64)
    workspace = open_workspace(db, embedder=first, chunking=ChunkingConfig(words=20))
    _seed(workspace)
    workspace.write("notes/long.md", "word " * 100)
    assert workspace.pending_embeddings() == 0

    second = HashedWordEmbedder(dimension=32, name="other-model")
    switched = open_workspace(db, embedder=second, chunking=ChunkingConfig(words=20))
    total = db.query_one("SELECT COUNT(*) AS n FROM memory_chunks")
    assert total is not None
    assert switched.pending_embeddings() == total["n"]
    assert switched.search("Miso").mode == "fts"  # no vectors yet for the new model
    assert switched.embed_pending() == total["n"]
    assert switched.pending_embeddings() == 0
    models = db.query("SELECT name, dimension, active FROM memory_embedding_models")
    assert [(m["name"], m["dimension"], m["active"]) for m in models] == [("other-model-32", 32, 1)]
    assert switched.search("Miso sleeps", mode="vector").results[0].path == "notes/pets.md"


def test_limit_is_checked(workspace: Workspace) -> None:
    with pytest.raises(UsageError):
        workspace.search("x", limit=0)
    with pytest.raises(UsageError):
        workspace.search("x", limit=101)
