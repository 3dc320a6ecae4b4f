"""Letters that look Latin inside Latin words ("ignore" spelt with a Cyrillic i, o and e).

NFKC leaves Cyrillic, Greek, Armenian and some IPA letters alone, because they are letters
of their own scripts; swapped into an English word they read the same to a model and to a
person, and no English rule matches them. Inside a run of letters that mixes ASCII letters
with such lookalikes, each lookalike is read as the Latin letter it imitates. A word with no
ASCII letter is left alone, so Russian or Greek text stays what it is (and the translated
rules still see it). Replacement is one character for one, so offsets do not move.

The table holds the clear cases of Unicode's confusables for Latin letters, by name, so the
source shows no character that could itself be mistaken for another.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import re2

__all__ = ["fold_lookalikes", "lookalike_words"]

_CYRILLIC = {
    "A": "a", "VE": "b", "IE": "e", "IO": "e", "BYELORUSSIAN-UKRAINIAN I": "i", "YI": "i",
    "JE": "j", "KA": "k", "EM": "m", "EN": "h", "O": "o", "ER": "p", "ES": "c", "TE": "t",
    "U": "y", "HA": "x", "DZE": "s", "KOMI DE": "d", "QA": "q", "WE": "w", "SHHA": "h",
    "STRAIGHT U": "y", "IZHITSA": "v",
}  # fmt: skip
_GREEK_SMALL = {
    "ALPHA": "a", "EPSILON": "e", "IOTA": "i", "KAPPA": "k", "NU": "v", "OMICRON": "o",
    "RHO": "p", "TAU": "t", "UPSILON": "u", "CHI": "x", "OMEGA": "w",
}  # fmt: skip
_GREEK_CAPITAL = {
    "ALPHA": "A", "BETA": "B", "EPSILON": "E", "ZETA": "Z", "ETA": "H", "IOTA": "I",
    "KAPPA": "K", "MU": "M", "NU": "N", "OMICRON": "O", "RHO": "P", "TAU": "T", "UPSILON": "Y",
    "CHI": "X",
}  # fmt: skip
_ARMENIAN = {"OH": "o", "SEH": "u", "VO": "n", "HO": "h"}
# Latin letters NFKC keeps as they are.
_LATIN = {"SMALL LETTER DOTLESS I": "i", "SMALL LETTER SCRIPT G": "g", "SMALL LETTER ALPHA": "a"}
_SMALL_CAPITALS = "ABCDEGHIJKLMNOPRTUVWYZ"  # LATIN LETTER SMALL CAPITAL <X>, read as x

_LOOKALIKES = {
    **{unicodedata.lookup(f"CYRILLIC SMALL LETTER {n}"): c for n, c in _CYRILLIC.items()},
    **{unicodedata.lookup(f"CYRILLIC CAPITAL LETTER {n}"): c.upper() for n, c in _CYRILLIC.items()},
    unicodedata.lookup("CYRILLIC SMALL LETTER PALOCHKA"): "l",
    unicodedata.lookup("CYRILLIC LETTER PALOCHKA"): "I",
    **{unicodedata.lookup(f"GREEK SMALL LETTER {n}"): c for n, c in _GREEK_SMALL.items()},
    **{unicodedata.lookup(f"GREEK CAPITAL LETTER {n}"): c for n, c in _GREEK_CAPITAL.items()},
    **{unicodedata.lookup(f"ARMENIAN SMALL LETTER {n}"): c for n, c in _ARMENIAN.items()},
    **{unicodedata.lookup(f"LATIN {n}"): c for n, c in _LATIN.items()},
    **{unicodedata.lookup(f"LATIN LETTER SMALL CAPITAL {x}"): x.lower() for x in _SMALL_CAPITALS},
}
_TABLE = str.maketrans(_LOOKALIKES)
# The first UTF-8 byte of every lookalike: text holding none of them needs no search.
_LEADS = tuple(sorted({bytes([c.encode()[0]]) for c in _LOOKALIKES}))


@cache
def _mixed_word() -> re2._Regexp:
    """A run of ASCII letters and lookalikes with at least one of each, side by side."""
    look = "".join(_LOOKALIKES)
    letters = f"[A-Za-z{look}]"
    return re2.compile(f"{letters}*(?:[A-Za-z][{look}]|[{look}][A-Za-z]){letters}*")


# The sanitizer and the policy check ask for the same text's fold at one boundary: the last
# answer is kept, keyed by the identity of the bytes (which the slot keeps alive).
_last: tuple[bytes, str | None] | None = None


def fold_lookalikes(text: str, data: bytes, *, remember: bool = True) -> str | None:
    """``text`` with lookalikes inside mixed words read as Latin, or None if none is there.

    ``data`` is ``text`` as UTF-8 (errors replaced), which is what is searched.
    ``remember=False`` for text decoded from inside another one: it must not evict the
    outer text, whose fold the policy check asks for next.
    """
    global _last  # noqa: PLW0603 (the one-slot cache above)
    last = _last
    if last is not None and last[0] is data:
        return last[1]
    folded = None if text.isascii() else _fold(data)
    if remember:
        _last = (data, folded)
    return folded


def _fold(data: bytes) -> str | None:
    if not any(lead in data for lead in _LEADS):
        return None
    pieces: list[str] = []
    cursor = 0
    for match in _mixed_word().finditer(data):
        start, end = match.span()
        pieces.append(data[cursor:start].decode("utf-8", "replace"))
        pieces.append(match.group(0).decode("utf-8").translate(_TABLE))
        cursor = end
    if not pieces:
        return None
    pieces.append(data[cursor:].decode("utf-8", "replace"))
    return "".join(pieces)


def lookalike_words(data: bytes) -> list[tuple[int, int]]:
    """Byte spans of the words of ``data`` (UTF-8) that ``fold_lookalikes`` changes."""
    if not any(lead in data for lead in _LEADS):
        return []
    return [match.span() for match in _mixed_word().finditer(data)]
