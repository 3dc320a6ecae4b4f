"""Literal prefixes of a rule: strings one of which every match must begin with.

A rule that a set pass reports is searched for again to locate its match. For a rule of
bounded width with one or two prefixes, RE2 is instead asked for an anchored match at each
prefix occurrence (found by ``bytes.find``) within the rule's maximum width: text in which no
match can begin is never read by a slow DFA (``<!--[^>]{0,400}?...`` runs at ~9 MB/s). RE2
still decides every match with the real context, so results and linear time are unchanged.

The prefixes are derived from the pattern itself (parsed by Python's regex parser, whose syntax
the rules share), never declared by hand, so they cannot drift from the rule. Derivation is
conservative: a construct it does not understand ends the prefix; a rule without a usable
prefix is searched in full as before.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import re2

__all__ = ["LiteralPrefixes", "first_match"]

# The parser is stdlib but private; typeshed has no stubs for it, hence ``Any``.
_PARSER: Any = importlib.import_module("re._parser")
_C: Any = importlib.import_module("re._constants")
_MAX_PREFIXES = 64
_MAX_ANCHORED = 2  # more words cost more finds than they save
_MAX_TRIES = 32  # failed anchored attempts before one plain search takes over
_MAX_CLASS = 8  # a character class of more members ends the prefix
# Outside ASCII, RE2's case folding maps these to ASCII letters (KELVIN SIGN, LONG S).
_FOLDS_TO_ASCII = ("\u212a".encode(), "\u017f".encode())


@dataclass(frozen=True, slots=True)
class LiteralPrefixes:
    """Every match of the rule begins with one of ``words`` (ASCII-lowercased if ``folded``)."""

    words: tuple[bytes, ...]
    folded: bool
    max_bytes: int  # the longest match in UTF-8 bytes (4 per character)

    @classmethod
    def of(cls, pattern: str) -> LiteralPrefixes | None:
        """The prefixes of ``pattern``, or None when none can be proven."""
        try:
            tree = _PARSER.parse(pattern.replace(r"\z", r"\Z"))
        except Exception:  # noqa: BLE001 (any parse failure means "no prefix known")
            return None
        folded = "(?i" in pattern
        words, _ = _sequence(list(tree))
        width = tree.getwidth()[1]
        if (
            width >= _PARSER.MAXREPEAT
            or len(words) > _MAX_ANCHORED
            or not words
            or min(len(w) for w in words) < 2
        ):
            return None
        if folded and not all(w.isascii() for w in words):
            return None  # ASCII lowering cannot fold non-ASCII letters
        encoded = {w.lower().encode() if folded else w.encode() for w in words}
        return cls(tuple(sorted(encoded)), folded, 4 * width)

    def finder(self, haystack: bytes) -> Callable[[int], int]:
        """``first(start)``: the first offset ≥ ``start`` where a prefix begins, or -1.

        Starts must not decrease; each word's next occurrence is kept, so the haystack is
        read about once per word however many matches there are.
        """
        nexts = [-2] * len(self.words)  # -2: not searched yet; -1: no further occurrence

        def first(start: int) -> int:
            best = -1
            for i, word in enumerate(self.words):
                at = nexts[i]
                if at == -2 or (0 <= at < start):
                    at = nexts[i] = haystack.find(word, start)
                if at >= 0 and (best < 0 or at < best):
                    best = at
            return best

        return first


def first_match(
    compiled: re2._Regexp, prefixes: LiteralPrefixes | None, data: bytes
) -> re2._Match | None:
    """The match ``compiled.search(data)`` finds.

    With prefixes, an anchored match is tried at each occurrence in a window of the rule's
    maximum width: every match begins at an occurrence and fits in the window, so the first
    success is the leftmost match. After ``_MAX_TRIES`` failures one plain search from the
    current occurrence finishes the job, which keeps the total work linear.
    """
    if prefixes is None or (prefixes.folded and any(f in data for f in _FOLDS_TO_ASCII)):
        return compiled.search(data)
    first = prefixes.finder(data.lower() if prefixes.folded else data)
    start = first(0)
    tries = 0
    while start >= 0:
        if tries == _MAX_TRIES:
            return compiled.search(data, start)
        match = compiled.match(data, start, start + prefixes.max_bytes)
        if match is not None:
            return match
        tries += 1
        start = first(start + 1)
    return None


def _sequence(items: list[Any]) -> tuple[set[str], bool]:
    """Prefixes of a concatenation and whether they are the whole of what it matches."""
    words = {""}
    for op, arg in items:
        if op is _C.AT:
            continue  # zero-width: RE2 checks it with the real context
        part, whole = _item(op, arg)
        if not part:
            return words, False
        product = {w + p for w in words for p in part}
        if len(product) > _MAX_PREFIXES:
            return words, False
        words = product
        if not whole:
            return words, False
    return words, True


def _item(op: Any, arg: Any) -> tuple[set[str], bool]:
    if op is _C.LITERAL:
        return {chr(arg)}, True
    if op is _C.IN:
        members = {chr(a) for o, a in arg if o is _C.LITERAL}
        small = len(members) == len(arg) and len(members) <= _MAX_CLASS
        return (members, True) if small else (set(), False)
    if op is _C.SUBPATTERN:
        return _sequence(list(arg[-1]))
    if op is _C.BRANCH:
        return _branch([list(b) for b in arg[1]])
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and arg[0] >= 1:
        part, _ = _sequence(list(arg[2]))
        return ({w for w in part if w} if "" not in part else set()), False
    return set(), False


def _branch(branches: list[list[Any]]) -> tuple[set[str], bool]:
    """Every alternative must contribute a non-empty prefix, or the choice gives none."""
    words: set[str] = set()
    whole = True
    for branch in branches:
        part, part_whole = _sequence(branch)
        if not part or "" in part:
            return set(), False
        words |= part
        whole = whole and part_whole
    return words, whole
