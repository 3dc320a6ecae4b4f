"""Provider tests run the real SDK code paths against the fake LLM server on loopback."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from tests.fakes.llm_server import FakeLLMServer
from tests.providers.fast_config import MakeConfig, fast_config

from bastion.providers.config import ProviderConfig, ProviderName


@pytest.fixture
def llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as server:
        yield server


@pytest.fixture(params=["openai", "anthropic"])
def provider(request: pytest.FixtureRequest) -> ProviderName:
    name: ProviderName = request.param
    return name


@pytest.fixture
def make_config(llm: FakeLLMServer, provider: ProviderName) -> MakeConfig:
    def make(**overrides: Any) -> ProviderConfig:
        base = llm.openai_base_url if provider == "openai" else llm.anthropic_base_url
        return fast_config(provider, base, **overrides)

    return make


@pytest.fixture
def refused_url() -> str:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
