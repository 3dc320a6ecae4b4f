"""What the fake LLM server replays: a list of scripted steps, vendor-neutral.

Each step answers ``times`` requests (default one) and is then used up:

* a text reply (``reply_text``), or tool calls (``reply_tool_calls``), or both;
* an injected failure (``fail``): an HTTP status in the vendor's real error shape (429 with
  retry-after, 500, 401, 404 unknown model, 400 context overflow…), or a dropped connection.

Any step may wait ``delay_s`` before answering (for client-timeout tests) and, when streamed,
``chunk_delay_s`` between chunks (for interrupt tests). The same steps load from JSON for the
standalone server: ``[{"text": "hi"}, {"tool_calls": [{"name": "echo", "arguments": {}}]},
{"fail": 429, "times": 2, "retry_after": 0}, {"fail": "drop"}, {"fail": "context_overflow"}]``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "CONTEXT_OVERFLOW",
    "DROP",
    "EXHAUSTED_TEXT",
    "Failure",
    "ScriptedReply",
    "ScriptedToolCall",
    "fail",
    "load_script",
    "reply_text",
    "reply_tool_calls",
    "script_from_json",
]

EXHAUSTED_TEXT = "script exhausted"
DROP = "drop"
CONTEXT_OVERFLOW = "context_overflow"

FailureKind = Literal["status", "drop", "context_overflow"]


@dataclass(frozen=True, slots=True)
class Failure:
    """An injected failure. ``status`` is used for kind "status"; overflow is always a 400."""

    kind: FailureKind = "status"
    status: int = 500
    retry_after: float | None = None  # seconds, sent as retry-after and retry-after-ms
    message: str | None = None  # overrides the vendor's usual message


@dataclass(frozen=True, slots=True)
class ScriptedToolCall:
    """``arguments`` as a JSON object, or a raw string (which may be deliberately invalid)."""

    name: str
    arguments: Mapping[str, Any] | str = field(default_factory=dict)

    @property
    def arguments_json(self) -> str:
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(self.arguments, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class ScriptedReply:
    text: str = ""
    tool_calls: tuple[ScriptedToolCall, ...] = ()
    failure: Failure | None = None
    times: int = 1
    delay_s: float = 0.0
    chunk_delay_s: float = 0.0
    chunk_chars: int = 4  # text and tool arguments are split into deltas of this size
    input_tokens: int | None = None  # None: estimated from the request size
    output_tokens: int | None = None  # None: estimated from the reply size
    finish_reason: Literal["stop", "length"] | None = None  # None: stop, or tool_calls

    def with_delay(self, seconds: float) -> ScriptedReply:
        return replace(self, delay_s=seconds)


def reply_text(text: str, **options: Any) -> ScriptedReply:
    """A plain assistant answer. Options are ``ScriptedReply`` fields (usage, delays…)."""
    return ScriptedReply(text=text, **options)


def reply_tool_calls(
    *calls: tuple[str, Mapping[str, Any] | str], text: str = "", **options: Any
) -> ScriptedReply:
    """An answer asking for one or more tool calls, e.g. ``reply_tool_calls(("echo", {...}))``."""
    if not calls:
        raise ValueError("reply_tool_calls needs at least one (name, arguments) pair")
    scripted = tuple(ScriptedToolCall(name, arguments) for name, arguments in calls)
    return ScriptedReply(text=text, tool_calls=scripted, **options)


def fail(
    status: int | Literal["drop", "context_overflow"],
    *,
    times: int = 1,
    retry_after: float | None = None,
    message: str | None = None,
    delay_s: float = 0.0,
) -> ScriptedReply:
    """``times`` failed answers: an HTTP status, ``"drop"`` (connection closed without an
    answer) or ``"context_overflow"`` (the vendor's real 400 for a too-long prompt)."""
    if status == DROP:
        failure = Failure(kind="drop", status=0)
    elif status == CONTEXT_OVERFLOW:
        failure = Failure(kind="context_overflow", status=400, message=message)
    elif isinstance(status, int):
        failure = Failure(kind="status", status=status, retry_after=retry_after, message=message)
    else:
        raise ValueError(f"unknown failure {status!r}")
    return ScriptedReply(failure=failure, times=times, delay_s=delay_s)


def script_from_json(steps: Sequence[Mapping[str, Any]]) -> list[ScriptedReply]:
    """Build a script from its JSON form (see the module docstring)."""
    script: list[ScriptedReply] = []
    for step in steps:
        common = {
            key: step[key]
            for key in (
                "times",
                "delay_s",
                "chunk_delay_s",
                "chunk_chars",
                "input_tokens",
                "output_tokens",
                "finish_reason",
            )
            if key in step
        }
        if "fail" in step:
            reply = fail(
                step["fail"], retry_after=step.get("retry_after"), message=step.get("message")
            )
            script.append(replace(reply, **common))
            continue
        calls = tuple(
            ScriptedToolCall(call["name"], call.get("arguments", {}))
            for call in step.get("tool_calls", ())
        )
        script.append(ScriptedReply(text=step.get("text", ""), tool_calls=calls, **common))
    return script


def load_script(path: Path) -> list[ScriptedReply]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise TypeError(f"{path}: a script is a JSON list of steps")
    return script_from_json(data)
