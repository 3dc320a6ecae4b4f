"""``ChatModel`` over the official ``openai`` SDK: OpenAI and every OpenAI-compatible server
(Ollama, vLLM, llama.cpp, OpenRouter, NEAR AI…), streamed or not. The SDK's client sends each
request; the answer's JSON is read by ``openai_answers``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx2
import openai

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
from bastion.providers.openai_answers import (
    Answer,
    MalformedAnswer,
    StreamAssembler,
    StreamErrorEvent,
    read_completion,
    sse_data,
)
from bastion.providers.openai_messages import finish_reason, wire_messages, wire_tools
from bastion.providers.sdk_chat_model import SdkChatModel

__all__ = ["OpenAIChatModel", "convert_openai_error", "new_openai_client"]

# OpenAI's own API wants max_completion_tokens; compatible servers mostly know max_tokens only.
_OPENAI_HOSTS = ("api.openai.com",)
# Local servers need no key, but the SDK insists on one; this placeholder is not a secret.
_NO_KEY = "no-key"

# The SDK's client makes the request (base URL, auth, headers, timeout, its error classes), but
# through ``client.post``, its documented door for requests it does not model: the typed
# ``chat.completions.create`` deep-copies and transforms the whole body against its TypedDicts
# (~3.4 ms for a 6 KB prompt with eleven tools) and builds pydantic models of the answer and of
# every stream chunk, all for dicts we already built and a few fields we read (openai_answers).
_PATH = "/chat/completions"
_REQUEST_OPTIONS: openai.RequestOptions = {"security": {"bearer_auth": True}}  # as create() sends


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
            response = await client.post(
                _PATH, body=body, cast_to=httpx2.Response, options=_REQUEST_OPTIONS
            )
        except openai.OpenAIError as exc:
            raise convert_openai_error(exc, self._config) from exc
        try:
            answer = read_completion(response.content)
        except MalformedAnswer as exc:
            raise MalformedAnswer(f"the provider at {self._config.endpoint}: {exc}") from None
        return self._completion(answer)

    async def _streamed(self, body: dict[str, Any], on_text: TextSink) -> Completion:
        assembler = StreamAssembler()
        client = await self._clients.get()
        with self._stream_errors(
            openai.OpenAIError,
            lambda exc: convert_openai_error(exc, self._config),
            lambda: assembler.has_text,
        ):
            response = await client.post(
                _PATH,
                body={**body, "stream": True, "stream_options": {"include_usage": True}},
                cast_to=httpx2.Response,
                options=_REQUEST_OPTIONS,
                stream=True,
            )
            try:
                async for data in sse_data(response.aiter_lines()):
                    try:
                        deltas = assembler.feed(data)
                    except StreamErrorEvent as exc:
                        raise openai.APIError(exc.message, response.request, body=None) from None
                    for delta in deltas:
                        on_text(delta)
            finally:
                await response.aclose()
        return self._completion(assembler.answer())

    def _completion(self, answer: Answer) -> Completion:
        calls = answer.tool_calls
        return Completion(
            message=Message("assistant", answer.text, tool_calls=calls),
            usage=self._usage(answer.input_tokens, answer.output_tokens),
            finish_reason=finish_reason(answer.finish, bool(calls)),
            model=answer.model or self._config.model,
        )
