"""The one normalised message vocabulary. Vendor wire formats live only in providers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Completion",
    "FinishReason",
    "Message",
    "Role",
    "ToolCallRequest",
    "Usage",
]

Role = Literal["system", "user", "assistant", "tool"]
FinishReason = Literal["stop", "tool_calls", "length", "interrupted", "error"]


@dataclass(frozen=True, slots=True)
class ToolCallRequest:
    """A tool call as the model asked for it. ``arguments_json`` is raw and untrusted: it may not
    even be valid JSON, and the dispatcher treats it as such."""

    id: str
    name: str
    arguments_json: str


@dataclass(frozen=True, slots=True)
class Message:
    role: Role
    content: str
    tool_calls: tuple[ToolCallRequest, ...] = ()
    tool_call_id: str | None = None  # set on role="tool": the call this answers
    name: str | None = None  # tool name on role="tool"


@dataclass(frozen=True, slots=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None  # None when the model's price is unknown

    def __add__(self, other: Usage) -> Usage:
        cost = (
            None
            if self.cost_usd is None and other.cost_usd is None
            else (self.cost_usd or 0.0) + (other.cost_usd or 0.0)
        )
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            cost,
        )


@dataclass(frozen=True, slots=True)
class Completion:
    """One answer of the model: an assistant message, possibly with tool calls."""

    message: Message
    usage: Usage = field(default_factory=Usage)
    finish_reason: FinishReason = "stop"
    model: str = ""
