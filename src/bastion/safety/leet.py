"""Phrase rules that also read digits standing in for letters: "1gn0re 4ll prev10us rul3s".

A model reads such a phrase as the words it imitates. Rather than matching a second copy of
the text with digits turned into letters (one more pass over every text), each letter of a
rule's words becomes a class of itself and its digit (``o`` -> ``[o0]``), so the one pass
that reads the text reads both spellings. Where the text has no such digit, a class matches
exactly where its letter did, so nothing else changes.

The rewrite understands the RE2 syntax the English phrase rules use (escapes, character
classes, groups and inline flags, counted repetition) and leaves all of that as written.
"""

from __future__ import annotations

__all__ = ["leet_tolerant"]

# The digits that commonly stand in for letters (1 for i rather than l: "1nstruct10ns").
_DIGIT_FOR = {"o": "0", "i": "1", "e": "3", "a": "4", "s": "5", "t": "7", "g": "9"}


def leet_tolerant(pattern: str) -> str:
    """``pattern`` with each literal letter that has a digit stand-in matching either."""
    out: list[str] = []
    i = 0
    size = len(pattern)
    while i < size:
        char = pattern[i]
        if char == "\\":  # an escape: \b, \s, \n, \., \x41 ... copied as it is
            out.append(pattern[i : i + 2])
            i += 2
        elif char == "[":  # a class: its letters are already a choice, copied as it is
            end = _class_end(pattern, i)
            out.append(pattern[i:end])
            i = end
        elif char == "(" and pattern.startswith("(?", i):  # (?i) (?: (?P<name> ...
            end = i + 2
            while end < size and pattern[end] not in ":)":
                end += 1
            out.append(pattern[i : end + 1])
            i = end + 1
        elif char == "{":  # counted repetition
            end = pattern.index("}", i) + 1
            out.append(pattern[i:end])
            i = end
        else:
            digit = _DIGIT_FOR.get(char.lower())
            out.append(f"[{char}{digit}]" if digit else char)
            i += 1
    return "".join(out)


def _class_end(pattern: str, start: int) -> int:
    """The offset just past the class that opens at ``start``."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1  # a leading ] is a member
    while pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i + 1
