"""The packaged offline model: loads with no network and ranks meaning, not just words."""

from __future__ import annotations

import math

from bastion.memory.embeddings.local import (
    LOCAL_MODEL_NAME,
    LocalStaticEmbedder,
    local_embedder_available,
)
from bastion.memory.workspace import open_workspace
from bastion.store.database import Database


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_local_model_embeds_offline_and_is_semantic(db: Database) -> None:
    # The suite's conftest refuses every non-loopback connection, so a hub download would fail.
    assert local_embedder_available()
    embedder = LocalStaticEmbedder()
    vectors = embedder.embed(
        ["the kitten is sleeping", "a cat naps on the sofa", "quarterly tax filing deadline"]
    )
    assert len(vectors) == 3
    assert all(len(v) == embedder.dimension == 256 for v in vectors)
    assert all(math.isclose(math.sqrt(_cos(v, v)), 1.0, rel_tol=1e-3) for v in vectors)
    assert _cos(vectors[0], vectors[1]) > _cos(vectors[0], vectors[2])

    workspace = open_workspace(db, embedder=embedder)
    workspace.write("pets.md", "Our kitten naps on the sofa all day.")
    workspace.write("tax.md", "The quarterly tax return is due in April.")
    response = workspace.search("sleeping cat", mode="vector")
    assert response.results[0].path == "pets.md"
    active = db.query_one("SELECT name, dimension FROM memory_embedding_models")
    assert active is not None
    assert (active["name"], active["dimension"]) == (LOCAL_MODEL_NAME, 256)
