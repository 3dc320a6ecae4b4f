"""A real database file and a workspace over it, with the deterministic hashed embedder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bastion.memory.chunking import ChunkingConfig
from bastion.memory.embeddings.hashed import HashedWordEmbedder
from bastion.memory.workspace import Workspace, open_workspace
from bastion.store.database import Database


@pytest.fixture
def embedder() -> HashedWordEmbedder:
    return HashedWordEmbedder(dimension=64)


@pytest.fixture
def workspace(db: Database, embedder: HashedWordEmbedder) -> Iterator[Workspace]:
    ws = open_workspace(db, embedder=embedder, chunking=ChunkingConfig(words=40, overlap=0.25))
    yield ws
    ws.close()
