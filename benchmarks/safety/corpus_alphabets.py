"""Alphabets and a seeded drawing helper shared by the leak corpus generators."""

from __future__ import annotations

import random
import string

__all__ = ["ALNUM", "B62", "BECH32", "HEX", "URLSAFE", "draw"]

ALNUM = string.ascii_letters + string.digits
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
HEX = "0123456789abcdef"
URLSAFE = ALNUM + "_-"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def draw(rng: random.Random, alphabet: str, n: int) -> str:
    """``n`` characters of ``alphabet``, drawn from ``rng``."""
    return "".join(rng.choice(alphabet) for _ in range(n))
