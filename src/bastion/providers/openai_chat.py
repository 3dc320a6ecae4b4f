"""``ChatModel`` over the official ``openai`` SDK: OpenAI and every OpenAI-compatible server
(Ollama, vLLM, llama.cpp, OpenRouter, NEAR AI…), streamed or not."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import openai
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from bastion.contracts.errors import LLMError
from bastion.contracts.messages import Completion, Message, Usage
from bastion.contracts.ports import CompletionRequest, TextSink
from bastion.providers.config import ProviderConfig
from bastion.providers.failures import (
    TransientFailure,
    parse_retry_after,
    scrub,
    status_failure,
)
from bastion.providers.openai_messages import (
    ToolCallAssembler,
    finish_reason,
    response_tool_calls,
    wire_messages,
    wire_tools,
)
from bastion.providers.sdk_chat_model import SdkChatModel

__all__ = ["OpenAIChatModel", "convert_openai_error", "new_openai_client"]

# OpenAI's own API wants max_completion_tokens; compatible servers mostly know max_tokens only.
_OPENAI_HOSTS = ("api.openai.com",)
# Local servers need no key, but the SDK insists on one; this placeholder is not a secret.
_NO_KEY = "no-key"


def new_openai_client(config: ProviderConfig, timeout_s: float) -> openai.AsyncOpenAI:
    """A client with the SDK's own retries off (``retry.py`` is the one retry loop) and every
    setting explicit, so no OPENAI_* environment variable is read behind the settings' back."""
    return openai.AsyncOpenAI(
        api_key=config.api_key or _NO_KEY,
        base_url=config.endpoint,
        timeout=timeout_s,
        max_retries=0,
        organization=None,
        project=None,
    )


def convert_openai_error(exc: openai.OpenAIError, config: ProviderConfig) -> Exception:
    """An SDK exception as an ``LLMError`` (permanent) or a ``TransientFailure`` (retry)."""
    if isinstance(exc, openai.APITimeoutError):
        return TransientFailure(f"timed out after {config.timeout_s:g}s")
    if isinstance(exc, openai.APIConnectionError):
        return TransientFailure("connection failed")
    if isinstance(exc, openai.APIStatusError):
        return status_failure(
            status=exc.status_code,
            detail=scrub(_error_detail(exc), config.api_key),
            model=config.model,
            endpoint=config.endpoint,
            retry_after=parse_retry_after(exc.response.headers),
        )
    if isinstance(exc, openai.APIError):  # an error event inside a stream
        return TransientFailure(f"stream error: {scrub(exc.message, config.api_key)}")
    return LLMError(
        f"the OpenAI client failed: {scrub(str(exc), config.api_key)} ({type(exc).__name__})"
    )


def _error_detail(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            code = error.get("code")
            return f"{error['message']} ({code})" if isinstance(code, str) else error["message"]
    return exc.message


class OpenAIChatModel(SdkChatModel["openai.AsyncOpenAI"]):
    """One configured OpenAI-compatible model. Use from one event loop; ``aclose`` at the end."""

    def __init__(self, config: ProviderConfig) -> None:
        super().__init__(
            config, config.endpoint, lambda: new_openai_client(config, config.timeout_s)
        )
        host = urlsplit(config.endpoint).hostname or ""
        self._max_tokens_field = "max_completion_tokens" if host in _OPENAI_HOSTS else "max_tokens"

    def _body(self, request: CompletionRequest) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self._config.model,
            "messages": wire_messages(request.messages),
            self._max_tokens_field: request.max_output_tokens or self._config.max_output_tokens,
        }
        if request.tools:
            body["tools"] = wire_tools(request.tools)
        if request.temperature is not None:
            body["temperature"] = request.temperature
        return body

    def _usage(self, input_tokens: int | None, output_tokens: int | None) -> Usage:
        if input_tokens is None and output_tokens is None:
            return Usage()  # the server did not say: no tokens, no cost
        tokens_in, tokens_out = input_tokens or 0, output_tokens or 0
        return Usage(tokens_in, tokens_out, self._config.cost_usd(tokens_in, tokens_out))

    async def _once(self, body: dict[str, Any]) -> Completion:
        client = await self._clients.get()
        try:
            response: ChatCompletion = await client.chat.completions.create(**body)
        except openai.OpenAIError as exc:
            raise convert_openai_error(exc, self._config) from exc
        if not response.choices:
            raise LLMError(f"the provider at {self._config.endpoint} answered with no choices")
        choice = response.choices[0]
        calls = response_tool_calls(choice.message.tool_calls)
        usage = response.usage
        return Completion(
            message=Message("assistant", choice.message.content or "", tool_calls=calls),
            usage=self._usage(
                usage.prompt_tokens if usage else None, usage.completion_tokens if usage else None
            ),
            finish_reason=finish_reason(choice.finish_reason, bool(calls)),
            model=response.model or self._config.model,
        )

    async def _streamed(self, body: dict[str, Any], on_text: TextSink) -> Completion:
        text: list[str] = []
        assembler = ToolCallAssembler()
        raw_finish: str | None = None
        usage: Usage = Usage()
        model = self._config.model
        client = await self._clients.get()
        with self._stream_errors(
            openai.OpenAIError,
            lambda exc: convert_openai_error(exc, self._config),
            lambda: bool(text),
        ):
            stream = await client.chat.completions.create(
                **body, stream=True, stream_options={"include_usage": True}
            )
            async with stream:
                async for chunk in stream:
                    raw_finish = self._take(chunk, text, assembler, on_text) or raw_finish
                    model = chunk.model or model
                    if chunk.usage is not None:
                        usage = self._usage(
                            chunk.usage.prompt_tokens, chunk.usage.completion_tokens
                        )
        calls = assembler.calls()
        return Completion(
            message=Message("assistant", "".join(text), tool_calls=calls),
            usage=usage,
            finish_reason=finish_reason(raw_finish, bool(calls)),
            model=model,
        )

    @staticmethod
    def _take(
        chunk: ChatCompletionChunk,
        text: list[str],
        assembler: ToolCallAssembler,
        on_text: TextSink,
    ) -> str | None:
        finish: str | None = None
        assembler.feed(chunk)
        for choice in chunk.choices:
            if choice.delta.content:
                text.append(choice.delta.content)
                on_text(choice.delta.content)
            finish = choice.finish_reason or finish
        return finish
