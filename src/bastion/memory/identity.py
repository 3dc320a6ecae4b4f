"""The identity and memory documents, and what the system prompt includes.

AGENTS.md (how to work), SOUL.md (character), IDENTITY.md (name, role), USER.md (about the user),
MEMORY.md (durable facts: private, so left out in group or shared channels), HEARTBEAT.md (the
periodic checklist, read by the heartbeat routine, not the prompt) and daily logs
``daily/YYYY-MM-DD.md``. AGENTS.md, SOUL.md and IDENTITY.md change only with the user's approval.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

__all__ = [
    "IDENTITY_FILES",
    "MEMORY_FILE",
    "PROMPT_FILES",
    "PROTECTED_IDENTITY_FILES",
    "DocumentReader",
    "daily_log_path",
    "identity_documents",
    "is_protected_identity_path",
]

MEMORY_FILE = "MEMORY.md"
IDENTITY_FILES = ("AGENTS.md", "SOUL.md", "USER.md", "IDENTITY.md", MEMORY_FILE, "HEARTBEAT.md")
PROTECTED_IDENTITY_FILES = frozenset({"AGENTS.md", "SOUL.md", "IDENTITY.md"})
# Order in the system prompt: how to behave, who it is, whom it serves, what it remembers.
PROMPT_FILES = ("AGENTS.md", "SOUL.md", "IDENTITY.md", "USER.md", MEMORY_FILE)


class DocumentReader(Protocol):
    def read(self, path: str) -> str | None: ...


def daily_log_path(day: dt.date) -> str:
    return f"daily/{day.isoformat()}.md"


def is_protected_identity_path(normalised_path: str) -> bool:
    return normalised_path in PROTECTED_IDENTITY_FILES


def identity_documents(workspace: DocumentReader, shared_channel: bool) -> list[tuple[str, str]]:
    """(path, content) of the identity files that exist and are not blank, in prompt order;
    MEMORY.md is left out when the conversation is in a group or shared channel."""
    documents: list[tuple[str, str]] = []
    for path in PROMPT_FILES:
        if shared_channel and path == MEMORY_FILE:
            continue
        content = workspace.read(path)
        if content is not None and content.strip():
            documents.append((path, content))
    return documents
