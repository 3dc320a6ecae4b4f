"""The Anthropic Messages wire format, as the fake server writes it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tests.fakes.llm_script import Failure, ScriptedReply, ScriptedToolCall

__all__ = [
    "error_body",
    "event_bytes",
    "message_body",
    "model_body",
    "models_body",
    "stream_events",
]


def _split(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _stop_reason(reply: ScriptedReply) -> str:
    if reply.finish_reason == "length":
        return "max_tokens"
    return "tool_use" if reply.tool_calls else "end_turn"


def _tool_input(call: ScriptedToolCall) -> Any:
    try:
        return json.loads(call.arguments_json)
    except json.JSONDecodeError:
        return {}  # the non-stream wire can only carry an object; streams carry the raw text


def message_body(
    reply: ScriptedReply, model: str, ids: list[str], usage: tuple[int, int]
) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if reply.text:
        content.append({"type": "text", "text": reply.text})
    for call_id, call in zip(ids, reply.tool_calls, strict=True):
        content.append(
            {"type": "tool_use", "id": call_id, "name": call.name, "input": _tool_input(call)}
        )
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": _stop_reason(reply),
        "stop_sequence": None,
        "usage": {"input_tokens": usage[0], "output_tokens": usage[1]},
    }


def stream_events(
    reply: ScriptedReply, model: str, ids: list[str], usage: tuple[int, int]
) -> Iterator[dict[str, Any]]:
    """The real event sequence: message_start, per block start/deltas/stop, message_delta,
    message_stop (with the ping Anthropic sends after the first block start)."""
    start = message_body(reply, model, ids, (usage[0], 1))
    start["content"] = []
    start["stop_reason"] = None
    yield {"type": "message_start", "message": start}
    index = 0
    if reply.text:
        block = {"type": "text", "text": ""}
        yield {"type": "content_block_start", "index": index, "content_block": block}
        yield {"type": "ping"}
        for piece in _split(reply.text, reply.chunk_chars):
            delta = {"type": "text_delta", "text": piece}
            yield {"type": "content_block_delta", "index": index, "delta": delta}
        yield {"type": "content_block_stop", "index": index}
        index += 1
    for call_id, call in zip(ids, reply.tool_calls, strict=True):
        block = {"type": "tool_use", "id": call_id, "name": call.name, "input": {}}
        yield {"type": "content_block_start", "index": index, "content_block": block}
        for piece in _split(call.arguments_json, reply.chunk_chars):
            delta = {"type": "input_json_delta", "partial_json": piece}
            yield {"type": "content_block_delta", "index": index, "delta": delta}
        yield {"type": "content_block_stop", "index": index}
        index += 1
    yield {
        "type": "message_delta",
        "delta": {"stop_reason": _stop_reason(reply), "stop_sequence": None},
        "usage": {"output_tokens": usage[1]},
    }
    yield {"type": "message_stop"}


def event_bytes(event: dict[str, Any]) -> bytes:
    return f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()


def error_body(failure: Failure, model: str) -> dict[str, Any]:
    status = failure.status
    if failure.kind == "context_overflow":
        kind, message = (
            "invalid_request_error",
            "prompt is too long: 210000 tokens > 200000 maximum",
        )
    elif status == 401:
        kind, message = "authentication_error", "invalid x-api-key"
    elif status == 403:
        kind, message = "permission_error", "Your API key does not have permission to use this."
    elif status == 404:
        kind, message = "not_found_error", f"model: {model}"
    elif status == 429:
        kind, message = "rate_limit_error", "Number of requests has exceeded your rate limit."
    elif status == 529:
        kind, message = "overloaded_error", "Overloaded"
    elif status == 400:
        kind, message = "invalid_request_error", "invalid request"
    else:
        kind, message = "api_error", "Internal server error"
    return {"type": "error", "error": {"type": kind, "message": failure.message or message}}


def model_body(model: str) -> dict[str, Any]:
    return {
        "type": "model",
        "id": model,
        "display_name": model,
        "created_at": "2025-01-01T00:00:00Z",
    }


def models_body(models: list[str]) -> dict[str, Any]:
    data = [model_body(model) for model in models]
    return {
        "data": data,
        "has_more": False,
        "first_id": models[0] if models else None,
        "last_id": models[-1] if models else None,
    }
