"""Reads the identity documents for the prompt. The loop gets their text, never a path."""

from __future__ import annotations

import logging
from pathlib import Path

from bastion.agent.context import IDENTITY_FILES, IdentityDocument

__all__ = ["MAX_IDENTITY_CHARS", "load_identity"]

logger = logging.getLogger(__name__)

# An identity file is prompt text on every turn: cap it so a pasted log can't eat the window.
MAX_IDENTITY_CHARS = 20_000


def load_identity(directory: Path) -> tuple[IdentityDocument, ...]:
    """The identity files present in ``directory`` (AGENTS.md, SOUL.md, USER.md, IDENTITY.md)."""
    documents: list[IdentityDocument] = []
    for name in IDENTITY_FILES:
        path = directory / name
        if path.is_symlink() or not path.is_file():
            continue  # a symlink could point anywhere; identity files are plain files only
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            logger.warning("cannot read identity file %s: %s", path, exc.strerror)
            continue
        documents.append(IdentityDocument(name, text[:MAX_IDENTITY_CHARS]))
    return tuple(documents)
