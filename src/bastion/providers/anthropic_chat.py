"""``ChatModel`` over the official ``anthropic`` SDK (Messages API), streamed or not."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import anthropic

from bastion.contracts.errors import LLMError
from bastion.contracts.messages import Completion, Message, ToolCallRequest, Usage
from bastion.contracts.ports import CompletionRequest, TextSink
from bastion.providers.anthropic_messages import (
    finish_reason,
    split_system,
    wire_messages,
    wire_tools,
)
from bastion.providers.config import ProviderConfig
from bastion.providers.failures import (
    TransientFailure,
    auth_error,
    parse_retry_after,
    scrub,
    status_failure,
)
from bastion.providers.sdk_chat_model import SdkChatModel

__all__ = ["AnthropicChatModel", "anthropic_endpoint", "convert_anthropic_error"]


def anthropic_endpoint(config: ProviderConfig) -> str:
    """The SDK appends ``/v1/messages`` itself; people often paste ``…/v1``: accept both."""
    return config.endpoint.removesuffix("/v1")


def new_anthropic_client(config: ProviderConfig, timeout_s: float) -> anthropic.AsyncAnthropic:
    """SDK retries off (``retry.py`` is the one retry loop); everything explicit, so no
    ANTHROPIC_* variable or profile file is consulted behind the settings' back."""
    if not config.api_key:
        raise auth_error()
    return anthropic.AsyncAnthropic(
        api_key=config.api_key,
        base_url=anthropic_endpoint(config),
        timeout=timeout_s,
        max_retries=0,
    )


def convert_anthropic_error(exc: anthropic.AnthropicError, config: ProviderConfig) -> Exception:
    """An SDK exception as an ``LLMError`` (permanent) or a ``TransientFailure`` (retry)."""
    if isinstance(exc, anthropic.APITimeoutError):
        return TransientFailure(f"timed out after {config.timeout_s:g}s")
    if isinstance(exc, anthropic.APIConnectionError):
        return TransientFailure("connection failed")
    if isinstance(exc, anthropic.APIStatusError):
        return status_failure(
            status=exc.status_code,
            detail=scrub(_error_detail(exc), config.api_key),
            model=config.model,
            endpoint=anthropic_endpoint(config),
            retry_after=parse_retry_after(exc.response.headers),
        )
    if isinstance(exc, anthropic.APIError):  # an error event inside a stream (overloaded…)
        return TransientFailure(f"stream error: {scrub(exc.message, config.api_key)}")
    return LLMError(
        f"the Anthropic client failed: {scrub(str(exc), config.api_key)} ({type(exc).__name__})"
    )


def _error_detail(exc: anthropic.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])
    return exc.message


@dataclass
class _StreamState:
    text: list[str] = field(default_factory=list)
    calls: dict[int, list[str]] = field(default_factory=dict)  # index -> [id, name, *json]
    stop_reason: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    model: str = ""

    def tool_calls(self) -> tuple[ToolCallRequest, ...]:
        return tuple(
            ToolCallRequest(id=parts[0], name=parts[1], arguments_json="".join(parts[2:]) or "{}")
            for _, parts in sorted(self.calls.items())
        )


def _input_tokens(usage: Any) -> int:
    """Cached prompt tokens are prompt tokens too."""
    total = 0
    for name in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"):
        value = getattr(usage, name, None)
        total += value if isinstance(value, int) else 0
    return total


class AnthropicChatModel(SdkChatModel["anthropic.AsyncAnthropic"]):
    """One configured Claude model. Use from one event loop; ``aclose`` at the end."""

    def __init__(self, config: ProviderConfig) -> None:
        super().__init__(
            config,
            anthropic_endpoint(config),
            lambda: new_anthropic_client(config, config.timeout_s),
        )

    def _body(self, request: CompletionRequest) -> dict[str, Any]:
        system, conversation = split_system(request.messages)
        body: dict[str, Any] = {
            "model": self._config.model,
            "messages": wire_messages(conversation),
            "max_tokens": request.max_output_tokens or self._config.max_output_tokens,
        }
        if system:
            body["system"] = system
        if request.tools:
            body["tools"] = wire_tools(request.tools)
        if request.temperature is not None:
            body["temperature"] = request.temperature
        return body

    def _completion(self, state: _StreamState) -> Completion:
        calls = state.tool_calls()
        cost = self._config.cost_usd(state.input_tokens, state.output_tokens)
        return Completion(
            message=Message("assistant", "".join(state.text), tool_calls=calls),
            usage=Usage(state.input_tokens, state.output_tokens, cost),
            finish_reason=finish_reason(state.stop_reason, bool(calls)),
            model=state.model or self._config.model,
        )

    async def _once(self, body: dict[str, Any]) -> Completion:
        client = await self._clients.get()
        try:
            message = await client.messages.create(**body)
        except anthropic.AnthropicError as exc:
            raise convert_anthropic_error(exc, self._config) from exc
        state = _StreamState(stop_reason=message.stop_reason, model=message.model)
        state.input_tokens = _input_tokens(message.usage)
        state.output_tokens = message.usage.output_tokens
        for index, block in enumerate(message.content):
            if block.type == "text":
                state.text.append(block.text)
            elif block.type == "tool_use":
                state.calls[index] = [block.id, block.name, _dump(block.input)]
        return self._completion(state)

    async def _streamed(self, body: dict[str, Any], on_text: TextSink) -> Completion:
        state = _StreamState()
        client = await self._clients.get()
        with self._stream_errors(
            anthropic.AnthropicError,
            lambda exc: convert_anthropic_error(exc, self._config),
            lambda: bool(state.text),
        ):
            stream = await client.messages.create(**body, stream=True)
            async with stream:
                async for event in stream:
                    _apply(event, state, on_text)
        return self._completion(state)


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _apply(event: Any, state: _StreamState, on_text: TextSink) -> None:
    """Fold one raw stream event into ``state``; thinking and other block kinds are skipped."""
    kind = event.type
    if kind == "message_start":
        state.model = event.message.model
        state.input_tokens = _input_tokens(event.message.usage)
        state.output_tokens = event.message.usage.output_tokens or 0
    elif kind == "content_block_start" and event.content_block.type == "tool_use":
        block = event.content_block
        state.calls[event.index] = [block.id, block.name]
    elif kind == "content_block_delta":
        delta = event.delta
        if delta.type == "text_delta" and delta.text:
            state.text.append(delta.text)
            on_text(delta.text)
        elif delta.type == "input_json_delta" and event.index in state.calls:
            state.calls[event.index].append(delta.partial_json)
    elif kind == "message_delta":
        state.stop_reason = event.delta.stop_reason or state.stop_reason
        if event.usage is not None and event.usage.output_tokens is not None:
            state.output_tokens = event.usage.output_tokens
