"""String literals joined into one value: ``"AKIAIOSF" + "ODNN7EXAMPLE"``.

Code that splits a key over literals (to slip past a push-protection scanner, or because a
hostile tool was told to) joins them again at run time: with ``+`` (Java, JavaScript,
Python), ``.`` (PHP, Perl), ``..`` (Lua), ``||`` (SQL), ``&`` (VB), ``<<`` (Ruby), by writing
them side by side (Python, C, shell), or over a line break or a ``\\`` continuation. A run of
such literals is read with their contents joined. (A list's items joined by a call, ``["ghp_",
"…"].join("")``, are not read: commas between literals are every JSON document's.)

``TRIGGER`` goes into the leak detector's set of triggers, so text without two token-like
literals joined costs one set pattern and nothing more; only then are the runs searched for.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import re2

__all__ = ["TRIGGER", "LiteralRun", "literal_runs"]

_OPERATOR = r"(?:\.\.|\|\||<<|[+.&])"
# Between two literals: an operator or none, and at most two line breaks (with a backslash
# continuation, and the operator at the end of one line or the start of the next).
_JOINT = rf"[ \t]*{_OPERATOR}?[ \t]*(?:\\?\r?\n[ \t]*{_OPERATOR}?[ \t]*){{0,2}}"
_TOKEN_LIKE = r"[A-Za-z0-9_\-+/=.:~]"  # noqa: S105 (a character class)
# Two token-like literals joined: what a split key looks like. Prose in quotes has spaces.
TRIGGER = rf"[\"'`]{_TOKEN_LIKE}{{1,256}}[\"'`]{_JOINT}[\"'`]{_TOKEN_LIKE}{{2,256}}[\"'`]"
_LITERAL = r"\"[^\"\\\n]*\"|'[^'\\\n]*'|`[^`\\\n]*`"
_RUN = re2.compile(rf"(?:{_LITERAL})(?:{_JOINT}(?:{_LITERAL}))+".encode())
_ONE_LITERAL = re2.compile(_LITERAL.encode())
_MAX_RUNS = 256  # runs read in one text (then no more: bounded work on a page of code)
_MAX_LITERALS = 64  # literals of one run read joined (a key is split a few times at most)


@dataclass(frozen=True, slots=True)
class LiteralRun:
    """Literals at [start, end) of a text; ``contents`` are the spans inside their quotes."""

    start: int
    end: int
    contents: tuple[tuple[int, int], ...]


def literal_runs(data: bytes) -> Iterator[LiteralRun]:
    """The runs of two or more joined literals in ``data`` (UTF-8), in order."""
    for count, match in enumerate(_RUN.finditer(data)):
        if count == _MAX_RUNS:
            return
        start, end = match.span()
        contents = tuple(
            (start + s + 1, start + e - 1)
            for s, e in itertools.islice(_spans(_ONE_LITERAL, data[start:end]), _MAX_LITERALS)
        )
        yield LiteralRun(start, contents[-1][1] + 1, contents)


def _spans(pattern: re2._Regexp, data: bytes) -> Iterator[tuple[int, int]]:
    for match in pattern.finditer(data):
        yield match.span()
