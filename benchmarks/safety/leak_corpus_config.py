"""Leak corpus families for the config rules: credentials in configuration files and
connection strings, and more vendor formats.

Each generator follows the format's public description; nothing is a real credential.
"""

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
