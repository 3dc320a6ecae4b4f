"""String literals joined into one value: ``"AKIAIOSF" + "ODNN7EXAMPLE"``.

Code that splits a key over literals (to slip past a push-protection scanner, or because a
hostile tool was told to) joins them again at run time: with ``+`` (Java, JavaScript,
Python), ``.`` (PHP, Perl), ``..`` (Lua), ``||`` (SQL), ``&`` (VB), ``<<`` (Ruby), by writing
them side by side (Python, C, shell), by a call chain (``"AKIA".concat("…")``,
``sb.append("AKIA").append("…")``), or over a line break or a ``\\`` continuation. A run of
such literals is read with their contents joined.

A list of literals is read joined only where a call joins it with nothing between the items:
``"".join([…])`` (Python), ``[…].join("")`` (JavaScript; Ruby's bare ``.join``),
``String.join("", …)`` (Java, C#), ``String.Concat(…)``, ``CONCAT(…)`` (SQL, PHP's
``implode("", …)``) and ``strings.Join([]string{…}, "")`` (Go). Commas between literals alone
are every JSON document's, and a list joined with a separator is not the key it would spell.

``TRIGGER`` and ``LIST_TRIGGER`` go into the leak detector's set of triggers, so text without
two token-like literals joined, or without a joining call, costs one set pattern each and
nothing more; only then are the runs searched for.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import re2

__all__ = ["LIST_TRIGGER", "TRIGGER", "LiteralRun", "joined_lists", "literal_runs"]

# An operator, or a call that appends the next literal: "a".concat("b"), .append("a").append("b").
_OPERATOR = r"(?:\.\.|\|\||<<|\)?[ \t]*\.[ \t]*(?:concat|append)\([ \t]*|[+.&])"
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
    """Literals at [start, end) of a text; ``contents`` are the spans inside their quotes.
    ``call`` is the span of the call that joins a list of them (``"".join([…])``), if any."""

    start: int
    end: int
    contents: tuple[tuple[int, int], ...]
    call: tuple[int, int] | None = None


def literal_runs(data: bytes) -> Iterator[LiteralRun]:
    """The runs of two or more joined literals in ``data`` (UTF-8), in order."""
    for count, match in enumerate(_RUN.finditer(data)):
        if count == _MAX_RUNS:
            return
        start, end = match.span()
        yield _run(data, start, end, None)


_EMPTY = r"(?:\"\"|''|``)"
_SPACE = r"[ \t]*(?:\r?\n[ \t]*){0,2}"
_LIST = rf"(?:{_LITERAL})(?:{_SPACE},{_SPACE}(?:{_LITERAL}))+"
# Calls that join the list after them with nothing between its items ...
_JOIN_BEFORE = (
    rf"{_EMPTY}[ \t]*\.join\("  # Python "".join([...])
    rf"|\b[Ss]tring\.(?:join|Join)\([ \t]*{_EMPTY}[ \t]*,"  # Java, C#
    rf"|\b[Ss]tring\.Concat\(|\b(?i:concat)\([ \t]*[\"'`]"  # C#; SQL, PHP, spreadsheets
    rf"|\bimplode\([ \t]*{_EMPTY}[ \t]*,"  # PHP
    r"|\bstrings\.Join\("  # Go, whose separator follows the list
)
# ... and the call after a list that joins it so: JavaScript's .join(""), Ruby's bare .join.
_JOIN_AFTER = r"\][ \t]*\.join\b"
LIST_TRIGGER = rf"{_JOIN_BEFORE}|{_JOIN_AFTER}"
_LIST_CALL = re2.compile(rf"({_JOIN_BEFORE})|{_JOIN_AFTER}".encode())
# From a call's opening to its list: brackets, and the constructors code wraps a list in.
_LIST_AFTER_CALL = re2.compile(
    r"[\s\[({]*"
    r"(?:new[ \t]*\w*[ \t]*\[\][ \t]*\{|\[\]string\{|List\.of\(|Arrays\.asList\(|array\()?"
    rf"\s*({_LIST})"
    r",?(?:\s*[\])}])*".encode()
)
_GO_EMPTY_SEPARATOR = re2.compile(rf",[ \t]*{_EMPTY}[ \t]*\)".encode())
_EMPTY_JOIN = re2.compile(rf"\([ \t]*{_EMPTY}[ \t]*\)".encode())
_LIST_AT_END = re2.compile(rf"({_LIST}),?[ \t]*(?:\r?\n[ \t]*){{0,2}}$".encode())
_LOOK_BACK = 4096  # bytes searched back from a .join for its list (a key's list is short)


def joined_lists(data: bytes) -> Iterator[LiteralRun]:
    """Lists of two or more literals that a call joins with nothing between the items, in
    ``data`` (UTF-8), in order of their calls; each with the span of its call."""
    for count, call in enumerate(_LIST_CALL.finditer(data)):
        if count == _MAX_RUNS:
            return
        if call.group(1) is not None:
            go = data.startswith(b"strings.", call.start())
            found = _list_after(data, call.start(), call.end(), go=go)
        else:
            found = _list_before(data, call.start(), call.end())
        if found is not None:
            yield found


def _list_after(data: bytes, call_start: int, at: int, *, go: bool) -> LiteralRun | None:
    # A SQL CONCAT's pattern took the first quote in: start the list from it.
    if data[at - 1] in b"\"'`":
        at -= 1
    match = _LIST_AFTER_CALL.match(data, at, at + _LOOK_BACK)
    if match is None:
        return None
    start, end = match.span(1)
    call_end = match.end()
    if go:
        separator = _GO_EMPTY_SEPARATOR.match(data, call_end, call_end + 64)
        if separator is None:  # strings.Join(list, "-") joins with a separator
            return None
        call_end = separator.end()
    return _run(data, start, end, (call_start, call_end))


def _list_before(data: bytes, bracket: int, at: int) -> LiteralRun | None:
    # [...].join("") or Ruby's [...].join; .join() and .join(",") put commas between the items.
    if data[at : at + 1] == b"(":
        empty = _EMPTY_JOIN.match(data, at, at + 64)
        if empty is None:
            return None
        at = empty.end()
    elif data[at : at + 1] in (b"!", b"?"):  # \b ended the word; join!/join? are not a join
        return None
    floor = max(0, bracket - _LOOK_BACK)
    # A slice, not search(data, floor, bracket): RE2's "$" does not match at an end position.
    match = _LIST_AT_END.search(data[floor:bracket])
    if match is None:
        return None
    start, end = floor + match.start(1), floor + match.end(1)
    opening = data.rfind(b"[", floor, start)
    if opening < 0 or data[opening + 1 : start].strip():
        return None  # the literals are not the bracket's first items
    return _run(data, start, end, (opening, at))


def _run(data: bytes, start: int, end: int, call: tuple[int, int] | None) -> LiteralRun:
    contents = tuple(
        (start + s + 1, start + e - 1)
        for s, e in itertools.islice(_spans(_ONE_LITERAL, data[start:end]), _MAX_LITERALS)
    )
    return LiteralRun(start, contents[-1][1] + 1, contents, call)


def _spans(pattern: re2._Regexp, data: bytes) -> Iterator[tuple[int, int]]:
    for match in pattern.finditer(data):
        yield match.span()
