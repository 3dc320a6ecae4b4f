"""Leak screening of what the model writes, before any channel shows it.

``ScreenedStream`` sits between the model's text deltas and the channel's sink. It holds back a
tail of the text (at least ``hold`` characters, cut at whitespace) so that a secret split across
deltas is still whole when it is scanned; what it lets through has passed the leak detector.
``flush`` releases the rest, scanned, at the end of a streamed segment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bastion.agent.turn import TurnResult
from bastion.contracts.messages import Message
from bastion.contracts.ports import TextSink

__all__ = ["DEFAULT_HOLD_CHARS", "ScreenedStream", "screen_turn_messages"]

DEFAULT_HOLD_CHARS = 160

Screen = Callable[[str], str]


class ScreenedStream:
    """A ``TextSink`` that forwards only scanned text to ``sink``."""

    def __init__(self, sink: TextSink, screen: Screen, hold: int = DEFAULT_HOLD_CHARS) -> None:
        self._sink = sink
        self._screen = screen
        self._hold = hold
        self._pending = ""

    def __call__(self, delta: str) -> None:
        self._pending += delta
        if len(self._pending) <= self._hold:
            return
        # Release only up to a whitespace before the held tail: a secret rarely spans one, so
        # each released piece holds whole tokens.
        cut = _last_space(self._pending, len(self._pending) - self._hold)
        if cut <= 0:
            return
        piece, self._pending = self._pending[:cut], self._pending[cut:]
        self._sink(self._screen(piece))

    def flush(self) -> None:
        if self._pending:
            piece, self._pending = self._pending, ""
            self._sink(self._screen(piece))


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
