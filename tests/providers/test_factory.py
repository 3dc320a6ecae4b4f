"""Building models lazily, and probing providers for `bastion doctor`."""

from __future__ import annotations

import subprocess
import sys

import pytest
from tests.fakes.llm_server import FakeLLMServer
from tests.providers.fast_config import API_KEY, fast_config

from bastion.providers.anthropic_chat import AnthropicChatModel
from bastion.providers.config import ProviderConfig, ProviderName
from bastion.providers.factory import build_chat_model, probe
from bastion.providers.openai_chat import OpenAIChatModel


def test_importing_the_factory_loads_no_sdk() -> None:
    code = (
        "import sys, bastion.providers.factory, bastion.providers.config; "
        "print(sorted(m for m in ('openai', 'anthropic', 'httpx', 'httpx2') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.anyio
async def test_build_picks_the_adapter_and_carries_the_config() -> None:
    openai_model = build_chat_model(
        ProviderConfig("openai", "gpt-x", api_key=API_KEY, context_window=8192)
    )
    claude = build_chat_model(ProviderConfig("anthropic", "claude-x", api_key=API_KEY))
    assert isinstance(openai_model, OpenAIChatModel)
    assert isinstance(claude, AnthropicChatModel)
    assert (openai_model.model, openai_model.context_window) == ("gpt-x", 8192)
    assert "https://api.anthropic.com" in repr(claude)  # the vendor's URL when none is set
    await openai_model.aclose()
    await claude.aclose()


def test_cost_needs_both_prices() -> None:
    config = ProviderConfig("openai", "m", price_input_per_mtok=1.0, price_output_per_mtok=4.0)
    assert config.cost_usd(1_000_000, 500_000) == pytest.approx(3.0)
    assert ProviderConfig("openai", "m", price_input_per_mtok=1.0).cost_usd(1, 1) is None


@pytest.mark.anyio
@pytest.mark.parametrize("provider", ["openai", "anthropic"])
async def test_probe_served_model(provider: ProviderName) -> None:
    with FakeLLMServer(models=["fake-model"], api_key=API_KEY) as server:
        base = server.openai_base_url if provider == "openai" else server.anthropic_base_url
        result = await probe(fast_config(provider, base))
    assert result.ok
    assert (result.reachable, result.authenticated, result.model_found) == (True, True, True)
    assert result.latency_ms is not None
    assert "'fake-model' is served" in result.detail
    assert server.completion_requests == []  # a probe never spends tokens


@pytest.mark.anyio
@pytest.mark.parametrize("provider", ["openai", "anthropic"])
async def test_probe_unknown_model(provider: ProviderName) -> None:
    with FakeLLMServer(models=["llama3:latest", "qwen"]) as server:
        base = server.openai_base_url if provider == "openai" else server.anthropic_base_url
        result = await probe(fast_config(provider, base, model="mistral"))
        ollama_style = await probe(fast_config("openai", server.openai_base_url, model="llama3"))
    assert not result.ok
    assert (result.reachable, result.model_found) == (True, False)
    assert "'mistral'" in result.detail
    assert "BASTION_LLM_MODEL" in result.detail
    if provider == "openai":
        assert "llama3:latest, qwen" in result.detail  # says what it does serve
    assert ollama_style.model_found is True


@pytest.mark.anyio
@pytest.mark.parametrize("provider", ["openai", "anthropic"])
async def test_probe_rejected_key(provider: ProviderName) -> None:
    with FakeLLMServer(api_key="sk-the-right-one") as server:
        base = server.openai_base_url if provider == "openai" else server.anthropic_base_url
        result = await probe(fast_config(provider, base))
        keyless = await probe(fast_config(provider, base, api_key=None))
    for answer in (result, keyless):
        assert not answer.ok
        assert (answer.reachable, answer.authenticated) == (True, False)
        assert "bastion onboard" in answer.detail
    assert API_KEY not in result.detail


@pytest.mark.anyio
@pytest.mark.parametrize("provider", ["openai", "anthropic"])
async def test_probe_unreachable(refused_url: str, provider: ProviderName) -> None:
    result = await probe(fast_config(provider, refused_url))
    assert not result.ok
    assert not result.reachable
    assert result.latency_ms is None
    assert "cannot reach" in result.detail
    assert "BASTION_LLM_BASE_URL" in result.detail
