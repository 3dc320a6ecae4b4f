"""The OpenAI Chat Completions wire format, as the fake server writes it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from tests.fakes.llm_script import Failure, ScriptedReply

__all__ = [
    "chunk_bytes",
    "completion_body",
    "error_body",
    "model_body",
    "models_body",
    "stream_chunks",
]


def _split(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _finish(reply: ScriptedReply) -> str:
    if reply.finish_reason is not None:
        return reply.finish_reason
    return "tool_calls" if reply.tool_calls else "stop"


def _usage(input_tokens: int, output_tokens: int) -> dict[str, int]:
    return {
        "prompt_tokens": input_tokens,
        "completion_tokens": output_tokens,
        "total_tokens": input_tokens + output_tokens,
    }


def completion_body(
    reply: ScriptedReply, model: str, ids: list[str], usage: tuple[int, int]
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text or None}
    if reply.tool_calls:
        message["tool_calls"] = [
            {
                "id": call_id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments_json},
            }
            for call_id, call in zip(ids, reply.tool_calls, strict=True)
        ]
    return {
        "id": f"chatcmpl-{ids[0] if ids else 'fake'}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": _finish(reply)}],
        "usage": _usage(*usage),
    }


def stream_chunks(
    reply: ScriptedReply,
    model: str,
    ids: list[str],
    usage: tuple[int, int],
    include_usage: bool,
) -> Iterator[dict[str, Any]]:
    """The chunk objects of one streamed answer, in order (without the final ``[DONE]``)."""
    created = int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            "id": "chatcmpl-stream",
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    yield chunk({"role": "assistant", "content": ""})
    if reply.text:
        for piece in _split(reply.text, reply.chunk_chars):
            yield chunk({"content": piece})
    for index, (call_id, call) in enumerate(zip(ids, reply.tool_calls, strict=True)):
        head = {"index": index, "id": call_id, "type": "function"}
        yield chunk({"tool_calls": [{**head, "function": {"name": call.name, "arguments": ""}}]})
        for piece in _split(call.arguments_json, reply.chunk_chars):
            yield chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
    yield chunk({}, _finish(reply))
    if include_usage:
        final = chunk({})
        final["choices"] = []
        final["usage"] = _usage(*usage)
        yield final


def error_body(failure: Failure, model: str) -> dict[str, Any]:
    """The error object OpenAI sends for each injected status (the SDKs parse this shape)."""
    status = failure.status
    if failure.kind == "context_overflow":
        message = (
            "This model's maximum context length is 8192 tokens. However, your messages "
            "resulted in 9000 tokens. Please reduce the length of the messages."
        )
        error = {"type": "invalid_request_error", "param": "messages"}
        error["code"] = "context_length_exceeded"
    elif status == 401:
        # The real message echoes a masked key; adapters must not pass it through.
        message = "Incorrect API key provided: sk-fake****1234. You can find your API key at …"
        error = {"type": "invalid_request_error", "param": None, "code": "invalid_api_key"}
    elif status == 404:
        message = f"The model `{model}` does not exist or you do not have access to it."
        error = {"type": "invalid_request_error", "param": None, "code": "model_not_found"}
    elif status == 429:
        message = "Rate limit reached for requests. Please try again shortly."
        error = {"type": "requests", "param": None, "code": "rate_limit_exceeded"}
    else:
        message = "The server had an error while processing your request. Sorry about that!"
        error = {"type": "server_error", "param": None, "code": None}
    error["message"] = failure.message or message
    return {"error": error}


def model_body(model: str) -> dict[str, Any]:
    return {"id": model, "object": "model", "created": 0, "owned_by": "fake"}


def models_body(models: list[str]) -> dict[str, Any]:
    return {"object": "list", "data": [model_body(model) for model in models]}


def chunk_bytes(data: dict[str, Any] | str) -> bytes:
    payload = data if isinstance(data, str) else json.dumps(data)
    return f"data: {payload}\n\n".encode()
