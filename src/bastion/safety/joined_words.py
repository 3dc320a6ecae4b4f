"""Phrases written as one identifier: ``ignore_all_previous_instructions``,
``IgnoreAllPreviousInstructions``, ``ignore.all.previous.instructions``.

A JSON key, a tool or function name, a CSS class: a model reads the words in it as plainly as
in a sentence, but the phrase rules see one word (``_`` is a word character, so ``\\b`` does
not fall between ``ignore`` and ``all``; a camel-cased phrase has no boundary at all). Such an
identifier is read with its words apart (``_`` and ``.`` as spaces, a space before each
capital that follows a small letter or digit) and the sanitizer runs its rules on that.

Only identifiers in which an override verb runs straight into a word a phrase goes on with
(``TRIGGER``, one more pattern of the sanitizer's rule set, so other text pays nothing) are
read, at most ``_MAX_IDENTIFIERS`` of them in one text.
"""

from __future__ import annotations

from collections.abc import Iterator

import re2

__all__ = ["TRIGGER", "joined_phrases"]

TRIGGER = (
    r"(?i)(?:ignore|disregard|forget|override|bypass|discard|reveal)[_.]?"
    r"(?:previous|prior|above|earlier|all|any|every|your|the|system|my)"
)
_TRIGGER = re2.compile(TRIGGER)
_IDENTIFIER_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_."
_MAX_IDENTIFIER = 512  # bytes read either side of the trigger
_MAX_IDENTIFIERS = 32
_HUMP = re2.compile(r"([a-z0-9])([A-Z])")
_JOINERS = str.maketrans("_.", "  ")


def joined_phrases(data: bytes) -> Iterator[tuple[int, int, str]]:
    """Byte spans of the identifiers in ``data`` that hold a trigger, each with its words
    apart, left to right."""
    reached = 0
    read = 0
    for match in _TRIGGER.finditer(data):
        if match.start() < reached:
            continue  # inside the identifier read last
        before = data[max(0, match.start() - _MAX_IDENTIFIER) : match.start()]
        start = match.start() - (len(before) - len(before.rstrip(_IDENTIFIER_BYTES)))
        after = data[match.end() : match.end() + _MAX_IDENTIFIER]
        end = match.end() + len(after) - len(after.lstrip(_IDENTIFIER_BYTES))
        reached = end
        identifier = data[start:end].decode("ascii").strip("._")
        words = _HUMP.sub(r"\1 \2", identifier).translate(_JOINERS)
        if " " not in words.strip():
            continue  # one word: the rules have read it as it is
        yield start, end, words
        read += 1
        if read == _MAX_IDENTIFIERS:
            return
