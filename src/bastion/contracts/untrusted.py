"""Marking outside content as untrusted, by type.

``Untrusted`` holds text that came from outside Bastion's trust boundary (tool output, web pages,
email, webhook bodies, MCP results). Nothing turns it into prompt text except ``safety``, which
sanitizes it and wraps it in a spotlighting boundary, producing a ``PromptText``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["PromptText", "Untrusted"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Untrusted(Generic[T]):
    value: T
    source: str  # what it came from, e.g. "tool:http" or "webhook:github"


@dataclass(frozen=True, slots=True)
class PromptText:
    """Text that is safe to place in the model's context as it is (already wrapped)."""

    text: str
    tainted: bool  # True when it carries outside content (marks the thread tainted)
