"""Phrase rules that read a word however it is spelt: "1gn0re", "ignóre", "ig**nore**".

A model reads "1gn0re 4ll prev10us 1nstruct10ns" or "ïgnöre all prévious instructions" as the
words they imitate. Rather than matching a second, folded copy of the text (one more pass
over every text), each letter of a rule's words becomes a class of itself, the digit that
stands in for it and its accented forms (``o`` -> ``[o0òóôõö…]``), followed by any Markdown
emphasis marks (``*``, ``_``, ``~``), so the one pass that reads the text reads every
spelling. Where the text has none of them, a class matches exactly where its letter did, so
nothing else changes.

The accented forms are the precomposed Latin letters that decompose to the letter and
combining marks, taken from this Python's Unicode tables. A mark left uncombined after a
letter (``u`` + U+0301) never gets here: the normaliser drops it.

The rewrite understands the RE2 syntax the English phrase rules use (escapes, character
classes, groups and inline flags, counted repetition) and leaves all of that as written.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import cache

__all__ = ["class_end", "spelling_tolerant"]

# The digits and symbols that commonly stand in for letters ("1nstruct10ns", "a11", "@ll",
# "in$tructions", "!gnore").
_STAND_INS = {
    "o": "0",
    "i": "1!",
    "l": "1",
    "e": "3",
    "a": "4@",
    "s": "5$",
    "t": "7",
    "g": "9",
    "b": "8",
}
# Latin-1 Supplement and Latin Extended-A: the accents of the European languages. (Extended-B
# and Latin Extended Additional would add ~15 ms to building the sanitizer, for letters that
# are rarely used to disguise English.)
_ACCENTED_BLOCKS = (range(0xC0, 0x180),)


@cache
def _variants() -> dict[str, str]:
    """Letter -> the other characters a rule should read as that letter."""
    variants = dict(_STAND_INS)
    for block in _ACCENTED_BLOCKS:
        for code in block:
            char = chr(code)
            decomposed = unicodedata.normalize("NFD", char)
            base, marks = decomposed[0], decomposed[1:]
            if (
                marks
                and base.isascii()
                and base.isalpha()
                and all(unicodedata.category(m) == "Mn" for m in marks)
            ):
                lower = char.lower()
                if len(lower) == 1 and lower not in variants.get(base.lower(), ""):
                    variants[base.lower()] = variants.get(base.lower(), "") + lower
    return variants


@cache  # a pure function of the pattern; every Sanitizer of a process asks for the same ones
def spelling_tolerant(pattern: str) -> str:
    """``pattern`` with each literal letter also matching its digit and accented forms."""
    return _rewrite_letters(_distribute_boundaries(pattern))


def _rewrite_letters(pattern: str) -> str:
    variants = _variants()
    out: list[str] = []
    i = 0
    size = len(pattern)
    while i < size:
        char = pattern[i]
        if pattern.startswith("\\b", i) and _is_letter(pattern, i + 2):
            # A word's first letter: RE2's \b is ASCII-only, so before an accented form the
            # boundary is "no ASCII word character before it" (\B next to a non-ASCII one).
            ascii_unit, accented = _units(pattern[i + 2], variants)
            out.append(f"(?:\\b{ascii_unit}|\\B{accented})" if accented else f"\\b{ascii_unit}")
            i += 3
        elif char == "\\":  # an escape: \b, \s, \n, \., \x41 ... copied as it is
            out.append(pattern[i : i + 2])
            i += 2
        elif char == "[":  # a class: its letters are already a choice, copied as it is
            end = class_end(pattern, i)
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
        elif _is_letter(pattern, i) and pattern.startswith("\\b", i + 1):
            ascii_unit, accented = _units(char, variants)  # a word's last letter, likewise
            out.append(f"(?:{ascii_unit}\\b|{accented}\\B)" if accented else f"{ascii_unit}\\b")
            i += 3
        else:
            others = variants.get(char.lower())
            letter = f"[{char}{others}]" if others else char
            # Markdown emphasis inside a word ("ig**nore**") does not split it either; the
            # group keeps a quantifier on the letter ("instructions?").
            out.append(f"(?:{letter}[*_~]*)" if char.isalpha() else letter)
            i += 1
    return "".join(out)


def _is_letter(pattern: str, at: int) -> bool:
    return at < len(pattern) and pattern[at].isascii() and pattern[at].isalpha()


def _units(letter: str, variants: dict[str, str]) -> tuple[str, str]:
    """The letter (and its digit), and its forms that are not ASCII word characters (accented
    letters, symbols), each followed by emphasis marks. RE2's ``\\b`` knows only the first."""
    others = variants.get(letter.lower(), "")
    word = "".join(c for c in others if _is_word_char(c))
    other = "".join(c for c in others if not _is_word_char(c))
    return (
        f"(?:[{letter}{word}][*_~]*)",
        f"(?:[{other}][*_~]*)" if other else "",
    )


def _is_word_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


def _distribute_boundaries(pattern: str) -> str:
    """``\\b(?:a|b)`` as ``(?:\\ba|\\bb)`` and ``(?:a|b)\\b`` as ``(?:a\\b|b\\b)``, nested
    groups too, so every boundary stands next to the letter it bounds."""
    out: list[str] = []
    i = 0
    size = len(pattern)
    while i < size:
        lead = pattern.startswith("\\b(?:", i)
        start = i + 2 if lead else i
        if pattern.startswith("(?:", start):
            end = _group_end(pattern, start)
            trail = pattern.startswith("\\b", end)
            if (lead or trail) and not _quantified(pattern, end):
                alternatives = _alternatives(pattern[start + 3 : end - 1])
                inner = "|".join(
                    _distribute_boundaries(("\\b" if lead else "") + a + ("\\b" if trail else ""))
                    for a in alternatives
                )
                out.append(f"(?:{inner})")
                i = end + (2 if trail else 0)
                continue
        if pattern[i] == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        elif pattern[i] == "[":
            end = class_end(pattern, i)
            out.append(pattern[i:end])
            i = end
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out)


def _structure(text: str, start: int) -> Iterator[tuple[int, str]]:
    """The characters of ``text`` from ``start`` that are not inside an escape or a class."""
    i = start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
        elif char == "[":
            i = class_end(text, i)
        else:
            yield i, char
            i += 1


def _group_end(pattern: str, start: int) -> int:
    """The offset just past the group that opens at ``start``."""
    depth = 0
    for i, char in _structure(pattern, start):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    raise ValueError(f"unbalanced group at {start} in {pattern!r}")


def _alternatives(body: str) -> list[str]:
    """``body`` split at its top-level ``|``."""
    parts: list[str] = []
    depth = 0
    begin = 0
    for i, char in _structure(body, 0):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(body[begin:i])
            begin = i + 1
    parts.append(body[begin:])
    return parts


def _quantified(pattern: str, end: int) -> bool:
    return end < len(pattern) and pattern[end] in "?*+{"


def class_end(pattern: str, start: int) -> int:
    """The offset just past the class that opens at ``start``."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1  # a leading ] is a member
    while pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i + 1
