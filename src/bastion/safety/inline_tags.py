"""Words split by HTML inline tags, read as a browser shows them: ``ig<b></b>nore``.

A browser renders ``ig<span>nore</span>`` as "ignore", and a model reading the page's source
reads it so too, but every phrase rule sees two words. Tags that render as nothing (inline
formatting without a ``style``, ``<wbr>``, comments without words) with no space on either
side, so inside a word or a URL (``https:<b></b>//``), are taken out of a view the rules read;
the offsets found in it are mapped back. Block tags (``<p>``, ``<td>``, ``<br>``) separate
words on screen and stay.

Speed: text without ``<`` costs a byte search; otherwise one RE2 pass that skips from ``<`` to
``<``, and the view is built only when such a tag is there.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import re2

from bastion.safety.encoded_text import EncodedText
from bastion.safety.removals import Removals, remove_spans

__all__ = [
    "HIDDEN_ELEMENT",
    "INLINE_TAGS",
    "TagJoinedText",
    "join_tagged_words",
    "runs_inside_words",
]

INLINE_TAGS = (
    "a|abbr|b|bdi|bdo|big|cite|code|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|"
    "strike|strong|sub|sup|tt|u|var|wbr"
)
# An inline element a browser hides (``display:none``, ``visibility:hidden``, zero size or
# opacity, the ``hidden`` attribute), with what is inside it: it shows as nothing too. Not
# taken out here (the hidden-text rules must read it); the rendered view reads without it.
HIDDEN_ELEMENT = (
    rf"<(?i:{INLINE_TAGS})\s(?:[^<>]*[\s;=\"'])?(?i:hidden(?:[\s=/][^<>]*)?"
    r"|(?:display\s*:\s*none|visibility\s*:\s*hidden)[^<>]*"
    r"|(?:font-size|opacity)\s*:\s*(?:0+(?:\.0*)?|\.0+)(?:px|pt|em|rem|%)?\s*"
    rf"(?:[;\"'\s][^<>]*)?)>[^<>]{{0,256}}</(?i:{INLINE_TAGS})\s*>"
)
# A comment is taken out only when it says nothing (no letters): a model reads what a comment
# says, and the comment rules must see it.
_TAG = rf"<(?:/?(?i:{INLINE_TAGS})(?:\s[^<>]*)?/?|!--[^<>A-Za-z]*?--)>"
# One tag; RE2 skips from "<" to "<" at memchr speed. Runs of them, and what stands on either
# side, are checked here: a pattern with those in it reads every byte, ~7x the cost on
# ordinary text.
_ONE_TAG = re2.compile(_TAG.encode())
_SPACES = frozenset(b" \t\n\r\x0b\x0c")


@dataclass(frozen=True, slots=True)
class TagJoinedText:
    """``view``: the text without the tags, and where they were (all offsets in bytes)."""

    view: EncodedText
    _source: EncodedText
    _removals: Removals

    def source_chars(self, start: int, end: int) -> tuple[int, int]:
        """The character span of the source that the byte span [start, end) of ``view``
        came from."""
        return self._source.span(*self.to_source(start, end))

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """The byte span of the source that the byte span [start, end) of ``view`` came from."""
        return self._removals.to_source(start, end)


def join_tagged_words(source: EncodedText) -> TagJoinedText | None:
    """``source`` with inline tags between two non-space characters taken out, or None if
    there is no such tag."""
    data = source.data
    if b"<" not in data:
        return None
    unstyled = (
        match.span()
        for match in _ONE_TAG.finditer(data)
        # a styled tag may hide text, which the hidden-text rule must see
        if b"style" not in match.group(0).lower()
    )
    joinable = list(runs_inside_words(data, unstyled))
    if not joinable:
        return None
    # Tags are ASCII and lie between whole characters, so the bytes left are valid UTF-8.
    joined = remove_spans(data, joinable)
    view = EncodedText(joined.decode("utf-8", "replace"), joined)
    return TagJoinedText(view, source, Removals.of(joinable))


def runs_inside_words(data: bytes, tags: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """The runs of adjacent ``tags`` (byte spans, left to right) with no space on either
    side: inside a word or a URL, where they split what is shown whole."""
    size = len(data)
    run_start = run_end = -1
    for start, end in tags:
        if start == run_end:
            run_end = end
            continue
        if _inside_word(data, run_start, run_end, size):
            yield run_start, run_end
        run_start, run_end = start, end
    if _inside_word(data, run_start, run_end, size):
        yield run_start, run_end


def _inside_word(data: bytes, start: int, end: int, size: int) -> bool:
    return start > 0 and end < size and data[start - 1] not in _SPACES and data[end] not in _SPACES
