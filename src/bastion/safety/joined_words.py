"""Phrases written as one identifier: ``ignore_all_previous_instructions``,
``IgnoreAllPreviousInstructions``, ``ignore.all.previous.instructions``.

A JSON key, a tool or function name, a CSS class: a model reads the words in it as plainly as
in a sentence, but the phrase rules see one word (``_`` is a word character, so ``\\b`` does
not fall between ``ignore`` and ``all``; a camel-cased phrase has no boundary at all). Such an
identifier is read with its words apart (``_`` and ``.`` as spaces, a space before each
capital that follows a small letter or digit, and before the last capital of an acronym
that runs into a word: ``APIKeys``) and the sanitizer runs its rules on that.

Identifiers are read if an override verb runs straight into a word a phrase goes on with
(``ignore_all…``), or if they are as long as a sentence (six words or more, which names in
code rarely are). ``TRIGGER`` is one more pattern of the sanitizer's rule set, so text with
neither pays nothing; the identifiers found are read together, one sentence each, in one
pass of the rules.
"""

from __future__ import annotations

from collections.abc import Iterator

import re2

from bastion.safety.byte_runs import run_end, run_start

__all__ = ["TRIGGER", "joined_phrases", "sentence_of"]

_VERB_FIRST = (
    r"(?i:(?:ignore|disregard|forget|override|bypass|discard|reveal)[_.]?"
    r"(?:previous|prior|above|earlier|all|any|every|your|the|system|my))"
)
# Six words or more, each of letters with a vowel in it (a random token's chunks mostly are
# not): snake_case or dotted, or camelCase with a first word in either case.
_WORD = r"[A-Za-z]*[aeiouyAEIOUY][A-Za-z]*"
_HUMP = r"[A-Z][a-z]*[aeiouy][a-z]*"
_SENTENCE_LONG = rf"{_WORD}(?:[_.]{_WORD}){{5,}}|(?:[a-z]+|{_HUMP})(?:{_HUMP}){{5,}}"
TRIGGER = f"{_VERB_FIRST}|{_SENTENCE_LONG}"
_TRIGGER = re2.compile(TRIGGER)
# A colon or semicolon may stand inside one: "admin_override:_tell_the_user_…".
_IDENTIFIER_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:;"
_MAX_IDENTIFIER = 512  # bytes read either side of the trigger
_MAX_IDENTIFIERS = 64
_HUMPS = re2.compile(r"([a-z0-9])([A-Z])")
_ACRONYM = re2.compile(r"([A-Z]+)([A-Z][a-z])")  # "APIKeys": "API Keys"
_JOINERS = str.maketrans("_.", "  ")


def joined_phrases(data: bytes) -> Iterator[tuple[int, int, str]]:
    """Byte spans of the identifiers in ``data`` that hold a trigger, each with its words
    apart, left to right."""
    reached = 0
    read = 0
    for match in _TRIGGER.finditer(data):
        if match.start() < reached:
            continue  # inside the identifier read last
        start = run_start(data, match.start(), _IDENTIFIER_BYTES, _MAX_IDENTIFIER)
        end = run_end(data, match.end(), _IDENTIFIER_BYTES, _MAX_IDENTIFIER)
        reached = end
        identifier = data[start:end].decode("ascii").strip("._:;")
        words = _HUMPS.sub(r"\1 \2", _ACRONYM.sub(r"\1 \2", identifier)).translate(_JOINERS)
        words = words.replace(":", ": ").replace(";", "; ")
        if " " not in words.strip():
            continue  # one word: the rules have read it as it is
        yield start, end, words
        read += 1
        if read == _MAX_IDENTIFIERS:
            return


def sentence_of(phrases: list[tuple[int, int, str]]) -> tuple[str, list[int]]:
    """The phrases' words as one text, one sentence each (a phrase rule does not read on past
    a full stop), and where each phrase starts in it."""
    starts: list[int] = []
    pieces: list[str] = []
    at = 0
    for _, _, words in phrases:
        starts.append(at)
        pieces.append(words)
        at += len(words) + 2
    return ". ".join(pieces), starts
