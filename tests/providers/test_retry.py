"""Backoff arithmetic and the retry loop, without a network."""

from __future__ import annotations

import pytest

from bastion.contracts.errors import LLMAuthError, LLMUnavailable
from bastion.providers.failures import TransientFailure, parse_retry_after
from bastion.providers.retry import RetryPolicy, call_with_retries


def test_full_jitter_stays_under_the_exponential_ceiling() -> None:
    policy = RetryPolicy(max_retries=5, base_s=0.5, max_s=4.0)
    for attempt, ceiling in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (6, 4.0)]:
        delays = [policy.delay(attempt, None) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling / 2  # jittered across the range, not stuck at zero


def test_retry_after_is_honoured_but_capped() -> None:
    policy = RetryPolicy(max_retries=3, base_s=0.5, max_s=10.0)
    assert policy.delay(0, 3.0) == 3.0
    assert policy.delay(0, 600.0) == 10.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, None),
        ({}, None),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers) == expected


@pytest.mark.anyio
async def test_only_transient_failures_are_retried() -> None:
    calls: list[int] = []

    async def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise TransientFailure("HTTP 503")
        return "ok"

    policy = RetryPolicy(max_retries=2, base_s=0.001, max_s=0.001)
    assert await call_with_retries(flaky, policy, "http://llm") == "ok"

    async def rejected() -> str:
        calls.append(1)
        raise LLMAuthError("no")

    calls.clear()
    with pytest.raises(LLMAuthError):
        await call_with_retries(rejected, policy, "http://llm")
    assert len(calls) == 1


@pytest.mark.anyio
async def test_zero_retries_means_one_attempt() -> None:
    async def down() -> str:
        raise TransientFailure("connection failed")

    with pytest.raises(LLMUnavailable, match=r"http://llm did not answer after 1 attempt \("):
        await call_with_retries(down, RetryPolicy(max_retries=0), "http://llm")
