"""What the sandbox needs from the layers around it, as protocols the app wires in.

The memory engineer's workspace backs ``WorkspaceReader``; the vault (through the app) backs
``SecretPresence``. Neither hands the sandbox anything it does not need: a document's text,
or whether a name exists.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["SecretPresence", "WorkspaceReader"]


class WorkspaceReader(Protocol):
    def read(self, path: str) -> str | None:
        """The document at the workspace-relative ``path``, or None when absent."""
        ...


class SecretPresence(Protocol):
    def exists(self, name: str) -> bool:
        """Whether a secret called ``name`` is stored. Never its value."""
        ...
