"""Phrase rules whose spaces match any run of white space: "you  were told", "you\nwere told".

A phrase rule writes the space between two words as a space. Text set in narrow lines (mail
wrapped at 72 columns, a PDF's extracted text) breaks a phrase over lines, and an attacker can
as well put two spaces or a tab between the words: either way the rule saw no phrase. Each
space a rule writes outside a character class is read as ``\\s+`` (as ``\\s`` when a
quantifier follows it, which then applies to it: " ?" reads ``\\s?``). Everything else in the
pattern is left as written.
"""

from __future__ import annotations

from functools import cache

from bastion.safety.spelling import class_end

__all__ = ["any_whitespace"]

_QUANTIFIERS = frozenset("?*+{")


@cache  # a pure function of the pattern; every Sanitizer of a process asks for the same ones
def any_whitespace(pattern: str) -> str:
    """``pattern`` with each literal space outside a class matching any white space."""
    out: list[str] = []
    i = 0
    size = len(pattern)
    while i < size:
        char = pattern[i]
        if char == "\\":  # an escape (\s, "\ ", \x41 ...) is copied as it is
            out.append(pattern[i : i + 2])
            i += 2
        elif char == "[":
            end = class_end(pattern, i)
            out.append(pattern[i:end])
            i = end
        elif char == " ":
            quantified = i + 1 < size and pattern[i + 1] in _QUANTIFIERS
            out.append("\\s" if quantified else "\\s+")
            i += 1
        else:
            out.append(char)
            i += 1
    return "".join(out)
