"""Leak corpus families for the devops rules: CI/CD, code hosting, deploy and hosting platforms, infrastructure and observability.

Each generator follows the format's public description; nothing is a real credential.
"""

# Data tables: one format or template per line reads better than wrapped literals.
# ruff: noqa: E501
from __future__ import annotations

import random
from collections.abc import Callable

__all__ = ["SNIPPETS", "TOKENS", "near_misses"]

# Tokens that fit any context: rule name -> generator.
TOKENS: dict[str, Callable[[random.Random], str]] = {}

# Secrets that only exist with their surrounding syntax: rule name -> (snippet, secret).
SNIPPETS: dict[str, Callable[[random.Random], tuple[str, str]]] = {}


def near_misses(rng: random.Random) -> list[tuple[str, str]]:
    """(text, kind) pairs that look like these families but hold no secret."""
    return []
