"""The runtime's memory: the workspace over the runtime's database, its identity documents for
the system prompt, and the one-time import of identity files kept in ``$BASTION_HOME``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from bastion.app.settings import Settings

if TYPE_CHECKING:
    from bastion.agent.context import IdentityDocument
    from bastion.memory.workspace import Workspace
    from bastion.memory.write_screen import WriteScreen
    from bastion.store.database import Database

__all__ = ["IMPORT_MARKER", "identity_source", "import_home_identity", "open_runtime_workspace"]

logger = logging.getLogger(__name__)

IMPORT_MARKER = ".identity-imported"


def open_runtime_workspace(
    settings: Settings, database: Database, screen: WriteScreen | None
) -> Workspace:
    """The workspace `bastion memory` uses, on the runtime's open database, every write screened."""
    from bastion.app.cli.memory_cmd import build_embedder
    from bastion.memory.chunking import ChunkingConfig
    from bastion.memory.workspace import open_workspace

    memory = settings.memory
    return open_workspace(
        database,
        chunking=ChunkingConfig(memory.chunk_words, memory.chunk_overlap),
        embedder=build_embedder(settings),
        screen=screen,
        rrf_k=memory.rrf_k,
        background=True,
    )


def import_home_identity(settings: Settings, workspace: Workspace) -> list[str]:
    """Identity files that used to live in ``$BASTION_HOME`` move into the workspace once: each
    one the workspace lacks is imported, then a marker stops any later import (so a document
    the user deletes from the workspace stays deleted). Returns the imported paths."""
    from bastion.memory.identity import IDENTITY_FILES
    from bastion.runner.identity import load_identity

    marker = settings.home / IMPORT_MARKER
    if marker.exists():
        return []
    imported: list[str] = []
    for document in load_identity(settings.home):
        if document.name in IDENTITY_FILES and workspace.read(document.name) is None:
            workspace.write(document.name, document.text)
            imported.append(document.name)
    marker.write_text("identity files in this folder were imported into the workspace\n")
    if imported:
        logger.info("imported %s from %s into the workspace", ", ".join(imported), settings.home)
    return imported


def identity_source(
    workspace: Workspace, *, shared_channel: bool
) -> Callable[[], tuple[IdentityDocument, ...]]:
    """Reads the identity documents from the workspace for each turn (MEMORY.md left out in a
    shared channel), each capped so a pasted log cannot eat the window."""
    from bastion.agent.context import IdentityDocument
    from bastion.memory.identity import identity_documents
    from bastion.runner.identity import MAX_IDENTITY_CHARS

    def load() -> tuple[IdentityDocument, ...]:
        return tuple(
            IdentityDocument(path, text[:MAX_IDENTITY_CHARS])
            for path, text in identity_documents(workspace, shared_channel)
        )

    return load
