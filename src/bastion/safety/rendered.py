"""Text as a terminal, a Markdown renderer or a browser shows it: markup that shows as nothing
taken out.

A model told to get a key past every pattern can put markup inside it. Shown, each of these
is the key, and the REPL renders Markdown:

- ``AKIA**IOSF**ODNN7EXAMPLE``, ``ghp_**aBcD**12…``, ``sk-~~pr~~oj…``: Markdown emphasis,
  code and strikethrough markers inside a word (``_`` is not one: inside a word it shows);
- ``AKIA<b></b>IOSF…``, ``AKIA<!-- -->IOSF…``: HTML inline tags and comments inside a word;
- ``AKIA<span style="display:none">x</span>IOSF…``: an inline element a browser hides, with
  what is inside it, inside a word;
- ``AKIA\\x1b[1mIOSF\\x1b[0m…``: terminal escape sequences (colours, cursor moves, OSC
  hyperlinks), anywhere;
- ``AKIAX\\x08IOSF…``: a character erased by a backspace.

The leak detector reads this view in addition to the text as given, never instead of it: what
markup hides (a key in a hyperlink's address, in a comment) is still read where it stands, so
taking markup out can only add findings.

Markdown markers count only inside a word that holds an opener and a closer and, for the leak
detector, is ``MIN_WORD`` characters or more (a credential is at least that long), so
``x**2``, ``a*b`` and ``sha256~…`` do not make a view. The sanitizer reads words of
``MIN_PHRASE_WORD`` or more (``ig`no`re``). Work is linear and
bounded: at most ``MAX_REMOVALS`` spans are taken out of one text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

import re2

from bastion.safety.byte_runs import merged
from bastion.safety.encoded_text import EncodedText
from bastion.safety.inline_tags import HIDDEN_ELEMENT, INLINE_TAGS, runs_inside_words
from bastion.safety.removals import Removals, remove_spans

__all__ = [
    "CONTEXT",
    "MAX_REMOVALS",
    "MIN_PHRASE_WORD",
    "MIN_WORD",
    "RenderedText",
    "rendered",
]

MIN_WORD = 16  # bytes: a word shorter than this holds no credential, marked up or not
MIN_PHRASE_WORD = 4  # bytes: the shortest word worth splitting to hide a phrase
MAX_REMOVALS = 65_536
# Characters read on either side of markup that shows as nothing, in whole lines: more than
# any credential or phrase, though a PEM key may be longer.
CONTEXT = 4096
# CSI (colours, cursor moves), OSC (titles, hyperlinks; ended by BEL or ESC \, or by nothing),
# the other escapes (a final byte, after intermediates such as a character-set selection's);
# and a character that a backspace erases.
_TERMINAL = re2.compile(
    rb"\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -/]*[0-~]?)"
    rb"|[^\n\x08]\x08"
)
_HIDDEN = re2.compile(HIDDEN_ELEMENT.encode())
_TAG = re2.compile(rb"<(?:/?(?i:%s)(?:\s[^<>]*)?/?>|!--(?s:.)*?-->)" % INLINE_TAGS.encode())
# A word with a Markdown marker inside it.
_MARKED_WORD = re2.compile(rb"[^\s]*[^\s*~`][*~`]+[^\s*~`][^\s]*")
_MARKERS = re2.compile(rb"\*+|~+|`+")  # a run of one marker
_ALNUM = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_WORD_BREAKS = b" \t\n\r\x0c"  # RE2's \s, which ends the words below
_NON_SPACE = re2.compile(rb"[^\s]*")
_FEW_MARKERS = 256  # more than this and one pass over the text is cheaper


@dataclass(frozen=True, slots=True)
class RenderedText:
    """``text``: the text as shown; ``removals`` maps its character offsets back."""

    text: str
    removals: Removals

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        return self.removals.to_source(start, end)

    def windows(self, context: int = CONTEXT) -> list[tuple[int, int]]:
        """Spans of ``text`` to read: the whole lines within ``context`` characters of a
        removal, merged. A finding the markup made must touch where markup was, and a
        credential is shorter than that; lines are kept whole so that no word is cut."""
        text = self.text
        spans: list[tuple[int, int]] = []
        for position in self.removals.positions:
            if spans and position + context <= spans[-1][1]:
                continue  # inside the window already taken
            low = max(0, position - context)
            if spans and low <= spans[-1][1]:
                start = spans.pop()[0]
            else:
                floor = spans[-1][1] if spans else 0  # each line is looked through once
                start = text.rfind("\n", floor, low) + 1 or floor
            end = text.find("\n", min(len(text), position + context))
            spans.append((start, len(text) if end < 0 else end))
        return spans


def rendered(
    source: EncodedText, min_word: int = MIN_WORD, *, tags: bool = True
) -> RenderedText | None:
    """``source`` as shown, or None when it holds no markup that shows as nothing;
    Markdown markers count in words of ``min_word`` bytes or more. ``tags=False`` leaves HTML
    tags in (a reader that joins the words they split already), except hidden elements."""
    markup = _markup_of(source.data)
    spans = markup.terminal + markup.hidden + (markup.tags if tags else [])
    spans += [(s, e) for s, e, word in markup.markers if word >= min_word]
    if not spans:
        return None
    removed = merged(sorted(spans)[:MAX_REMOVALS])
    if not source.is_ascii:
        removed = [source.span(start, end) for start, end in removed]
    return RenderedText(remove_spans(source.text, removed), Removals.of(removed))


@dataclass(frozen=True, slots=True)
class _Markup:
    terminal: list[tuple[int, int]]  # escape sequences and erased characters
    tags: list[tuple[int, int]]  # HTML tags inside words
    hidden: list[tuple[int, int]]  # hidden elements inside words, comments or not
    markers: list[tuple[int, int, int]]  # Markdown markers, with the length of their word


# The leak scan and the content check read the same text at a boundary: its markup is found
# once, keyed by identity (the very same bytes object, which the slot keeps alive).
_last: tuple[bytes, _Markup] | None = None


def _markup_of(data: bytes) -> _Markup:
    global _last  # noqa: PLW0603 (the one-slot cache above)
    last = _last
    if last is not None and last[0] is data:
        return last[1]
    # Each source stops at the bound: the first MAX_REMOVALS of all lie among theirs.
    terminal: list[tuple[int, int]] = []
    if b"\x1b" in data or b"\x08" in data:
        terminal += islice(_spans(_TERMINAL, data), MAX_REMOVALS)
    tags: list[tuple[int, int]] = []
    hidden: list[tuple[int, int]] = []
    if b"<" in data:
        tags += islice(runs_inside_words(data, _spans(_TAG, data)), MAX_REMOVALS)
        # With what is inside them, in a comment too (which the pass above reads as one tag);
        # the tags of one found there as well make one span with it.
        hidden = list(islice(runs_inside_words(data, _spans(_HIDDEN, data)), MAX_REMOVALS))
    markers = _markers(data) if b"*" in data or b"~" in data or b"`" in data else []
    markup = _Markup(terminal, tags, hidden, markers)
    _last = (data, markup)
    return markup


def _spans(pattern: re2._Regexp, data: bytes) -> Iterator[tuple[int, int]]:
    return (match.span() for match in pattern.finditer(data))


def _markers(data: bytes) -> list[tuple[int, int, int]]:
    """Markdown markers inside words, beside a letter or digit, in words that hold two or
    more runs of the marker (an opener and a closer: a lone ``~``, as in ``sha256~…``, shows
    as itself), each with its word's length in bytes."""
    found: list[tuple[int, int, int]] = []
    for start, end in _marked_words(data):
        if end - start < MIN_PHRASE_WORD:
            continue
        runs = [marker.span() for marker in _MARKERS.finditer(data, start + 1, end - 1)]
        paired = {kind for kind in b"*~`" if sum(data[left] == kind for left, _ in runs) >= 2}
        for left, right in runs:
            # Beside a letter or digit: ":*:" between the fields of a line is not emphasis
            # that splits a word.
            if data[left] in paired and (data[left - 1] in _ALNUM or data[right] in _ALNUM):
                found.append((left, right, end - start))
                if len(found) >= MAX_REMOVALS:
                    return found
    return found


def _marked_words(data: bytes) -> Iterator[tuple[int, int]]:
    """The spans of the words with a marker inside, as ``_MARKED_WORD`` finds them. Markers
    are rare in most text: with few of them, each word is looked for where one stands, and
    the pass over every byte is spared."""
    occurrences = sorted(
        at for marker in b"*~`" for at in _positions(data, marker, _FEW_MARKERS + 1)
    )
    if len(occurrences) > _FEW_MARKERS:
        yield from (word.span() for word in _MARKED_WORD.finditer(data))
        return
    floor = 0  # where the last word read ended: no word is looked through twice
    for at in occurrences:
        if at < floor:
            continue
        start = max(floor, *(data.rfind(space, floor, at) + 1 for space in _WORD_BREAKS))
        word = _MARKED_WORD.match(data, start)
        floor = _NON_SPACE.match(data, at).end()
        if word is not None and word.end() == floor:
            yield word.span()


def _positions(data: bytes, byte: int, limit: int) -> Iterator[int]:
    """Where ``byte`` stands in ``data``, left to right, at most ``limit`` of them."""
    at = data.find(byte)
    while at >= 0 and limit:
        yield at
        limit -= 1
        at = data.find(byte, at + 1)
