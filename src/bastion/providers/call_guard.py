"""The one path every provider call takes: circuit breaker around the retry loop."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from bastion.contracts.errors import LLMUnavailable
from bastion.providers.circuit_breaker import CircuitBreaker
from bastion.providers.config import ProviderConfig
from bastion.providers.retry import RetryPolicy, call_with_retries

__all__ = ["CallGuard"]

T = TypeVar("T")


class CallGuard:
    """Counts a call as failed only when the provider is unavailable (retries exhausted); a
    rejected key, an unknown model or an overflowing prompt means the provider is up."""

    def __init__(self, config: ProviderConfig) -> None:
        self.endpoint = config.endpoint
        self.policy = RetryPolicy(config.max_retries, config.backoff_base_s, config.backoff_max_s)
        self.breaker = CircuitBreaker(
            config.circuit_failures,
            config.circuit_reset_s,
            name=f"the LLM provider at {self.endpoint}",
        )

    async def run(self, attempt: Callable[[], Awaitable[T]]) -> T:
        self.breaker.before_call()
        try:
            result = await call_with_retries(attempt, self.policy, self.endpoint)
        except LLMUnavailable:
            self.breaker.record_failure()
            raise
        except Exception:
            self.breaker.record_success()  # the provider answered, with a permanent error
            raise
        except BaseException:
            self.breaker.release()  # cancelled (Ctrl-C): no verdict on the provider
            raise
        self.breaker.record_success()
        return result
