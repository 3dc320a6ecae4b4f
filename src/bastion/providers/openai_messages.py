"""Bastion's message vocabulary to and from the OpenAI Chat Completions wire format.

Plain dicts on the way out (what the SDK serialises), the SDK's response objects on the way
in; nothing here leaves the providers package.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openai.types.chat import ChatCompletionChunk

from bastion.contracts.messages import FinishReason, Message, ToolCallRequest
from bastion.contracts.tools import ToolSchema

__all__ = [
    "ToolCallAssembler",
    "finish_reason",
    "response_tool_calls",
    "wire_messages",
    "wire_tools",
]

_FINISH: dict[str, FinishReason] = {
    "stop": "stop",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "length": "length",
    "content_filter": "error",
}


def wire_messages(messages: Sequence[Message]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for message in messages:
        if message.role == "tool":
            out.append(
                {
                    "role": "tool",
                    "tool_call_id": message.tool_call_id or "",
                    "content": message.content,
                }
            )
        elif message.role == "assistant" and message.tool_calls:
            out.append(
                {
                    "role": "assistant",
                    "content": message.content or None,
                    "tool_calls": [
                        {
                            "id": call.id,
                            "type": "function",
                            "function": {"name": call.name, "arguments": call.arguments_json},
                        }
                        for call in message.tool_calls
                    ],
                }
            )
        else:
            out.append({"role": message.role, "content": message.content})
    return out


def wire_tools(tools: Sequence[ToolSchema]) -> list[dict[str, Any]]:
    return [
        {
            "type": "function",
            "function": {
                "name": tool.name,
                "description": tool.description,
                "parameters": dict(tool.parameters),
            },
        }
        for tool in tools
    ]


def finish_reason(raw: str | None, has_tool_calls: bool) -> FinishReason:
    # Some compatible servers (Ollama among them) say "stop" even when they asked for tools.
    if has_tool_calls:
        return "tool_calls"
    return _FINISH.get(raw or "stop", "stop")


@dataclass
class _PartialCall:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


class ToolCallAssembler:
    """Puts streamed tool-call fragments back together, keyed by their ``index``."""

    def __init__(self) -> None:
        self._calls: dict[int, _PartialCall] = {}

    def feed(self, chunk: ChatCompletionChunk) -> None:
        for choice in chunk.choices:
            for position, delta in enumerate(choice.delta.tool_calls or ()):
                # A few servers omit the index when they send whole calls in one delta.
                index = delta.index if delta.index is not None else len(self._calls) + position
                call = self._calls.setdefault(index, _PartialCall())
                if delta.id:
                    call.id = delta.id
                if delta.function is not None:
                    if delta.function.name:
                        call.name = delta.function.name
                    if delta.function.arguments:
                        call.arguments.append(delta.function.arguments)

    def calls(self) -> tuple[ToolCallRequest, ...]:
        return tuple(
            ToolCallRequest(
                id=call.id or f"call_{index}",
                name=call.name,
                arguments_json="".join(call.arguments) or "{}",
            )
            for index, call in sorted(self._calls.items())
        )


def response_tool_calls(raw_calls: Iterable[Any] | None) -> tuple[ToolCallRequest, ...]:
    """Tool calls of a non-streamed answer (function calls only; other kinds are skipped)."""
    calls: list[ToolCallRequest] = []
    for index, raw in enumerate(raw_calls or ()):
        function = getattr(raw, "function", None)
        if function is None:
            continue
        calls.append(
            ToolCallRequest(
                id=raw.id or f"call_{index}",
                name=function.name or "",
                arguments_json=function.arguments or "{}",
            )
        )
    return tuple(calls)
