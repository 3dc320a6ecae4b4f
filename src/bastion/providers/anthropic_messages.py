"""Bastion's message vocabulary to and from the Anthropic Messages wire format.

Anthropic differs from OpenAI in ways the loop must not care about: the system prompt is a
separate parameter, tool calls are ``tool_use`` content blocks whose input is a JSON object,
tool results are ``tool_result`` blocks inside a *user* message, and consecutive results must
share one user message.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bastion.contracts.messages import FinishReason, Message
from bastion.contracts.tools import ToolSchema

__all__ = ["finish_reason", "split_system", "tool_input", "wire_messages", "wire_tools"]

_FINISH: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "tool_use": "tool_calls",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "refusal": "error",
}


def split_system(messages: Sequence[Message]) -> tuple[str, list[Message]]:
    """The system prompt (all system messages, in order) and the conversation without them."""
    system = "\n\n".join(m.content for m in messages if m.role == "system" and m.content)
    return system, [m for m in messages if m.role != "system"]


def tool_input(arguments_json: str) -> dict[str, Any]:
    """A past call's arguments as the object Anthropic requires. A model that once produced
    invalid JSON gets it back verbatim under one key, so the history stays truthful."""
    try:
        value = json.loads(arguments_json or "{}")
    except json.JSONDecodeError:
        return {"_unparsed_arguments": arguments_json}
    return value if isinstance(value, dict) else {"_unparsed_arguments": arguments_json}


def _blocks(message: Message) -> list[dict[str, Any]]:
    if message.role == "tool":
        return [
            {
                "type": "tool_result",
                "tool_use_id": message.tool_call_id or "",
                "content": message.content,
            }
        ]
    blocks: list[dict[str, Any]] = []
    if message.content:  # Anthropic refuses empty text blocks
        blocks.append({"type": "text", "text": message.content})
    blocks.extend(
        {
            "type": "tool_use",
            "id": call.id,
            "name": call.name,
            "input": tool_input(call.arguments_json),
        }
        for call in message.tool_calls
    )
    return blocks


def wire_messages(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """Messages without system ones; tool results (and any user text after them) merged into
    one user message, because Anthropic wants strictly alternating turns."""
    out: list[dict[str, Any]] = []
    for message in messages:
        role = "assistant" if message.role == "assistant" else "user"
        blocks = _blocks(message)
        if not blocks:
            continue
        if out and out[-1]["role"] == role:
            out[-1]["content"].extend(blocks)
        else:
            out.append({"role": role, "content": blocks})
    return out


def wire_tools(tools: Sequence[ToolSchema]) -> list[dict[str, Any]]:
    return [
        {"name": tool.name, "description": tool.description, "input_schema": dict(tool.parameters)}
        for tool in tools
    ]


def finish_reason(raw: str | None, has_tool_calls: bool) -> FinishReason:
    if has_tool_calls:
        return "tool_calls"
    return _FINISH.get(raw or "end_turn", "stop")
