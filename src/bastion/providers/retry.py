"""Retries with exponential backoff and full jitter, for transient provider failures only.

The SDKs' own retries are switched off (``max_retries=0`` on every client) so that this is the
one retry loop: it honours ``retry-after``, and it is what the circuit breaker counts.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from bastion.contracts.errors import LLMUnavailable
from bastion.providers.failures import TransientFailure

__all__ = ["RetryPolicy", "call_with_retries"]

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int = 3
    base_s: float = 0.5
    max_s: float = 20.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based). A server's retry-after is
        honoured (capped at ``max_s``); otherwise full jitter, so clients that failed together
        do not come back together."""
        if retry_after is not None:
            return min(retry_after, self.max_s)
        ceiling = min(self.max_s, self.base_s * (2**attempt))
        return random.uniform(0.0, ceiling)  # noqa: S311 - jitter, not cryptography


async def call_with_retries(
    attempt: Callable[[], Awaitable[T]], policy: RetryPolicy, endpoint: str
) -> T:
    """Run ``attempt`` until it succeeds, raises a permanent error, or retries run out
    (then ``LLMUnavailable`` naming ``endpoint`` and the last reason)."""
    number = 0
    while True:
        try:
            return await attempt()
        except TransientFailure as failure:
            if number >= policy.max_retries:
                tries = number + 1
                raise LLMUnavailable(
                    f"the LLM provider at {endpoint} did not answer after {tries} "
                    f"attempt{'s' if tries > 1 else ''} ({failure.reason})"
                ) from failure
            wait = policy.delay(number, failure.retry_after)
            logger.info(
                "LLM call to %s failed (%s); retry %d of %d in %.2fs",
                endpoint,
                failure.reason,
                number + 1,
                policy.max_retries,
                wait,
            )
            await asyncio.sleep(wait)
            number += 1
