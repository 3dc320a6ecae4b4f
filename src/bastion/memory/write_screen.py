"""The seam where the safety layer screens what is written to memory.

Memory is read back into the model's context on later turns, so a write is a way to plant
instructions for the future ("memory poisoning"). Every write passes a ``WriteScreen`` first;
the wiring gives the workspace the safety layer's sanitizer behind this protocol.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["WriteScreen"]


class WriteScreen(Protocol):
    """Returns the text to store (possibly sanitized or redacted), or raises a
    ``PolicyRefusal`` (e.g. ``LeakBlocked``) to refuse the write; a refused write changes
    nothing."""

    def screen(self, path: str, content: str) -> str: ...
