"""Bastion's message vocabulary in the OpenAI Chat Completions wire format.

Plain dicts on the way out (what the SDK's client serialises); answers are read by
``openai_answers``. Nothing here leaves the providers package.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bastion.contracts.messages import FinishReason, Message
from bastion.contracts.tools import ToolSchema

__all__ = ["finish_reason", "wire_messages", "wire_tools"]

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
