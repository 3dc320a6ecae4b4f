"""Provider configs for tests: the fake server's URL, a known key, millisecond backoff."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bastion.providers.config import ProviderConfig, ProviderName

__all__ = ["API_KEY", "MakeConfig", "fast_config"]

API_KEY = "sk-test-9f8e7d6c5b4a39281706"

MakeConfig = Callable[..., ProviderConfig]


def fast_config(provider: ProviderName, base_url: str, **overrides: Any) -> ProviderConfig:
    """Tiny backoff and timeouts, so retry tests take milliseconds."""
    config = ProviderConfig(
        provider=provider,
        model="fake-model",
        api_key=API_KEY,
        base_url=base_url,
        timeout_s=2.0,
        max_retries=2,
        circuit_failures=3,
        circuit_reset_s=30.0,
        backoff_base_s=0.001,
        backoff_max_s=0.01,
        probe_timeout_s=1.0,
        price_input_per_mtok=2.0,
        price_output_per_mtok=10.0,
    )
    return replace(config, **overrides)
