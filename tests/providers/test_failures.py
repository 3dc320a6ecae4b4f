"""Every way a provider fails, through the real SDKs: retried, or a clear one-line error."""

from __future__ import annotations

import time

import pytest
from tests.fakes import fail, reply_text
from tests.fakes.llm_server import FakeLLMServer
from tests.providers.fast_config import MakeConfig, fast_config

from bastion.contracts.errors import (
    ContextOverflow,
    LLMAuthError,
    LLMError,
    LLMModelNotFound,
    LLMUnavailable,
)
from bastion.contracts.messages import Message
from bastion.contracts.ports import CompletionRequest
from bastion.providers.config import ProviderName
from bastion.providers.factory import build_chat_model

pytestmark = pytest.mark.anyio

HI = CompletionRequest([Message("user", "hi")])
STREAMS = pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])


def _sink(stream: bool) -> list[str] | None:
    return [] if stream else None


async def _ask(config_maker: MakeConfig, stream: bool = False, **overrides: object) -> str:
    model = build_chat_model(config_maker(**overrides))
    deltas: list[str] = []
    try:
        completion = await model.complete(HI, on_text=deltas.append if stream else None)
    finally:
        await model.aclose()
    return completion.message.content


@STREAMS
async def test_429_twice_then_success_honours_retry_after(
    llm: FakeLLMServer, make_config: MakeConfig, stream: bool
) -> None:
    llm.add(fail(429, times=2, retry_after=0.05), reply_text("finally"))
    started = time.perf_counter()
    # backoff_max_s caps what a server may ask for; lift it so the 50 ms are honoured.
    assert await _ask(make_config, stream, backoff_max_s=1.0) == "finally"
    assert time.perf_counter() - started >= 0.1  # two waits of 50 ms
    assert len(llm.completion_requests) == 3
    # The SDKs' own retries are off: every attempt is ours.
    assert all(r.headers.get("x-stainless-retry-count") == "0" for r in llm.completion_requests)


@pytest.mark.parametrize("status", [500, 502, 503, 529])
async def test_server_errors_are_retried(
    llm: FakeLLMServer, make_config: MakeConfig, status: int
) -> None:
    llm.add(fail(status), reply_text("recovered"))
    assert await _ask(make_config) == "recovered"


async def test_timeout_then_success(llm: FakeLLMServer, make_config: MakeConfig) -> None:
    llm.add(reply_text("too late", delay_s=1.0), reply_text("in time"))
    assert await _ask(make_config, timeout_s=0.2) == "in time"


async def test_dropped_connection_then_success(llm: FakeLLMServer, make_config: MakeConfig) -> None:
    llm.add(fail("drop"), reply_text("reconnected"))
    assert await _ask(make_config) == "reconnected"


@STREAMS
async def test_retries_exhausted_names_the_base_url(
    llm: FakeLLMServer, make_config: MakeConfig, provider: ProviderName, stream: bool
) -> None:
    llm.add(fail(500, times=3))
    with pytest.raises(LLMUnavailable) as caught:
        await _ask(make_config, stream)
    message = str(caught.value)
    assert llm.base_url in message
    assert "after 3 attempts" in message
    assert "HTTP 500" in message
    assert len(llm.completion_requests) == 3  # max_retries=2: one try and two retries


@pytest.mark.parametrize("provider_name", ["openai", "anthropic"])
async def test_connection_refused(refused_url: str, provider_name: ProviderName) -> None:
    model = build_chat_model(fast_config(provider_name, refused_url, max_retries=1))
    try:
        with pytest.raises(LLMUnavailable, match="connection failed") as caught:
            await model.complete(HI)
    finally:
        await model.aclose()
    assert refused_url.removesuffix("/v1") in str(caught.value)


@STREAMS
@pytest.mark.parametrize("status", [401, 403])
async def test_rejected_key_is_a_clear_auth_error(
    llm: FakeLLMServer, make_config: MakeConfig, stream: bool, status: int
) -> None:
    llm.add(fail(status))
    with pytest.raises(LLMAuthError) as caught:
        await _ask(make_config, stream)
    assert "run `bastion onboard` or set BASTION_LLM_API_KEY" in str(caught.value)
    assert isinstance(caught.value.__cause__, Exception)  # converted at the boundary
    assert len(llm.completion_requests) == 1  # never retried


async def test_anthropic_without_a_key_fails_before_any_request(llm: FakeLLMServer) -> None:
    model = build_chat_model(fast_config("anthropic", llm.anthropic_base_url, api_key=None))
    with pytest.raises(LLMAuthError):
        await model.complete(HI)
    await model.aclose()
    assert llm.requests == []


async def test_openai_compatible_without_a_key_still_works(llm: FakeLLMServer) -> None:
    llm.add(reply_text("local servers need no key"))
    model = build_chat_model(fast_config("openai", llm.openai_base_url, api_key=None))
    try:
        completion = await model.complete(HI)
    finally:
        await model.aclose()
    assert completion.message.content == "local servers need no key"


@STREAMS
async def test_unknown_model_names_the_model(provider: ProviderName, stream: bool) -> None:
    with FakeLLMServer(models=["real-model"]) as server:
        base = server.openai_base_url if provider == "openai" else server.anthropic_base_url
        model = build_chat_model(fast_config(provider, base, model="no-such-model"))
        try:
            with pytest.raises(LLMModelNotFound, match="'no-such-model'") as caught:
                await model.complete(HI, on_text=(lambda _: None) if stream else None)
        finally:
            await model.aclose()
    assert "BASTION_LLM_MODEL" in str(caught.value)
    assert len(server.completion_requests) == 1


@STREAMS
async def test_context_overflow_in_each_vendors_shape(
    llm: FakeLLMServer, make_config: MakeConfig, stream: bool
) -> None:
    llm.add(fail("context_overflow"))
    with pytest.raises(ContextOverflow, match="context window of 'fake-model'"):
        await _ask(make_config, stream)
    assert len(llm.completion_requests) == 1


@pytest.mark.parametrize(
    "message",
    [
        "This model's maximum context length is 4096 tokens. However, you requested 5000.",  # vLLM
        "the request exceeds the available context size, try increasing it",  # llama.cpp
        "input length exceeds the context length",  # Ollama
    ],
)
async def test_overflow_wordings_of_compatible_servers(llm: FakeLLMServer, message: str) -> None:
    llm.add(fail(400, message=message))
    model = build_chat_model(fast_config("openai", llm.openai_base_url))
    try:
        with pytest.raises(ContextOverflow):
            await model.complete(HI)
    finally:
        await model.aclose()


async def test_other_client_errors_say_what_the_server_said(
    llm: FakeLLMServer, make_config: MakeConfig
) -> None:
    llm.add(fail(400, message="tools[0].name: invalid characters"))
    with pytest.raises(LLMError, match=r"HTTP 400.*invalid characters") as caught:
        await _ask(make_config)
    assert type(caught.value) is LLMError
    assert len(llm.completion_requests) == 1


async def test_a_stream_that_broke_after_text_is_not_replayed(
    llm: FakeLLMServer, provider: ProviderName
) -> None:
    # The server dies mid-stream: the user saw part of the answer, a retry would repeat it.
    base = llm.openai_base_url if provider == "openai" else llm.anthropic_base_url
    llm.add(reply_text("a long answer " * 20, chunk_delay_s=0.02), reply_text("second"))
    model = build_chat_model(fast_config(provider, base))
    deltas: list[str] = []

    def on_text(delta: str) -> None:
        if not deltas:
            llm.stop()  # hangs up on the stream in flight
        deltas.append(delta)

    try:
        with pytest.raises(LLMUnavailable, match="broke off"):
            await model.complete(HI, on_text=on_text)
    finally:
        await model.aclose()
    assert deltas
    assert len(llm.completion_requests) == 1
