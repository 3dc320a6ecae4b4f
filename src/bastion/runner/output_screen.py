"""Leak screening of what the model writes, before any channel shows it.

``ScreenedStream`` sits between the model's text deltas and the channel's sink. It holds back a
tail of the text (at least ``hold`` characters) so that a secret split across deltas is still
whole when it is scanned; what it lets through has passed the leak detector. ``flush``
releases the rest, scanned, at the end of a streamed segment.

A piece is let through only up to a cut where scanning the two sides apart gives what
scanning them together gives: no finding, and no match a finding needs, crosses it. Cutting
at any whitespace let a key written with spaces (``AKIA IOSF …``, ``A K I A …``), a PEM
header (``-----BEGIN RSA PRIVATE KEY-----``) or a keyword and its value be split, each half
passed the detector, and the screen showed the whole key. A PEM key's finding runs to the end
of the text until its END line arrives, so its body is held until then.

``hold`` counts characters that show: blanks (whitespace, invisible format and control
characters) do not count, so a keyword followed by a thousand spaces or line breaks and then
its value is held whole (a rule's ``\\s*`` reads any number of them). What stays open: a
match whose start is more than ``hold`` shown characters before the text that makes it one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import replace

from bastion.agent.turn import TurnResult
from bastion.contracts.messages import Message, ToolCallRequest
from bastion.contracts.ports import TextSink

__all__ = ["DEFAULT_HOLD_CHARS", "ScreenedStream", "screen_call", "screen_turn_messages"]

DEFAULT_HOLD_CHARS = 256
_CUTS_TRIED = 4  # places to cut tried per release; if none is safe, more text is awaited
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs"})

Screen = Callable[[str], str]


class ScreenedStream:
    """A ``TextSink`` that forwards only scanned text to ``sink``."""

    def __init__(self, sink: TextSink, screen: Screen, hold: int = DEFAULT_HOLD_CHARS) -> None:
        self._sink = sink
        self._screen = screen
        self._hold = hold
        self._pending = ""
        self._next_try = 2 * hold  # a release is tried when this much text is held

    def __call__(self, delta: str) -> None:
        self._pending += delta
        held = len(self._pending)
        if held >= self._next_try:
            # While no cut is safe (a blocked key is in view), tries grow apart, so a long
            # answer after it costs a few scans of its length, not one per ``hold`` characters.
            released = self._release()
            self._next_try = len(self._pending) + self._hold if released else 2 * held

    def flush(self) -> None:
        if self._pending:
            piece, self._pending = self._pending, ""
            self._next_try = 2 * self._hold
            self._sink(self._screen(piece))

    def _release(self) -> bool:
        """Let through the text before the latest safe cut, at least ``hold`` characters back
        from the end, at a whitespace or a line break; False if no cut tried was safe."""
        pending = self._pending
        limit = _shown_from_end(pending, self._hold)
        if limit == 0:
            return False
        whole = self._screen(pending)
        for cut in _cuts(pending, limit):
            piece = self._screen(pending[:cut])
            if piece + self._screen(pending[cut:]) == whole:
                self._pending = pending[cut:]
                self._sink(piece)
                return True
        return False


def _shown_from_end(text: str, count: int) -> int:
    """The index after which ``text`` has ``count`` characters that show (0 if it has fewer)."""
    shown = 0
    index = len(text)
    while index > 0 and shown < count:
        index -= 1
        char = text[index]
        if not (char.isspace() or unicodedata.category(char) in _INVISIBLE):
            shown += 1
    return index


def _cuts(text: str, limit: int) -> Iterator[int]:
    """Up to ``_CUTS_TRIED`` places to cut ``text`` at or before ``limit``, latest first: after
    the last whitespace and the last line break, then after earlier line breaks."""
    tried: set[int] = set()
    line = text.rfind("\n", 0, limit) + 1
    candidates = [line, _last_space(text, limit)]
    while line > 0 and len(candidates) < _CUTS_TRIED + 2:
        line = text.rfind("\n", 0, line - 1) + 1
        candidates.append(line)
    for cut in sorted(candidates, reverse=True):
        if cut > 0 and cut not in tried and len(tried) < _CUTS_TRIED:
            tried.add(cut)
            yield cut


def _last_space(text: str, limit: int) -> int:
    """Index just after the last whitespace at or before ``limit``; 0 if there is none."""
    for index in range(limit, 0, -1):
        if text[index - 1].isspace():
            return index
    return 0


def screen_turn_messages(result: TurnResult, screen: Screen) -> TurnResult:
    """The turn with every assistant text scanned: this is what is saved and shown."""
    messages: list[Message] = []
    changed = False
    for message in result.messages:
        text = screen(message.content) if message.role == "assistant" else message.content
        changed = changed or text != message.content
        messages.append(message if text == message.content else replace(message, content=text))
    return replace(result, messages=tuple(messages)) if changed else result


def screen_call(call: ToolCallRequest, screen: Screen) -> ToolCallRequest:
    """``call`` as a channel may show it: its arguments are the model's writing too (the
    saved messages keep the call as the model made it)."""
    shown = screen(call.arguments_json)
    return call if shown == call.arguments_json else replace(call, arguments_json=shown)
