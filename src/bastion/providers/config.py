"""What a provider adapter needs to know, as plain values handed down by the app's wiring."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["DEFAULT_BASE_URLS", "ProviderConfig", "ProviderName"]

ProviderName = Literal["openai", "anthropic"]

DEFAULT_BASE_URLS: dict[ProviderName, str] = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
}


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """One configured LLM. ``api_key`` is kept out of ``repr`` so it cannot reach a log line."""

    provider: ProviderName
    model: str
    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None  # None: the vendor's own API
    timeout_s: float = 60.0
    max_retries: int = 3
    circuit_failures: int = 5
    circuit_reset_s: float = 30.0
    context_window: int = 128_000
    max_output_tokens: int = 4096
    price_input_per_mtok: float | None = None
    price_output_per_mtok: float | None = None
    # Backoff between retries: full jitter in [0, min(max, base * 2**attempt)].
    backoff_base_s: float = 0.5
    backoff_max_s: float = 20.0
    probe_timeout_s: float = 5.0

    @property
    def endpoint(self) -> str:
        """The base URL requests go to, for messages (never carries the key)."""
        return (self.base_url or DEFAULT_BASE_URLS[self.provider]).rstrip("/")

    def cost_usd(self, input_tokens: int, output_tokens: int) -> float | None:
        """Cost of one call from the configured prices; None when a price is unknown."""
        if self.price_input_per_mtok is None or self.price_output_per_mtok is None:
            return None
        return (
            input_tokens * self.price_input_per_mtok + output_tokens * self.price_output_per_mtok
        ) / 1_000_000
