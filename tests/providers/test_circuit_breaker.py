"""The circuit breaker on its own (a hand-driven clock) and inside a real adapter."""

from __future__ import annotations

import asyncio

import pytest
from tests.fakes import fail, reply_text
from tests.fakes.llm_server import FakeLLMServer
from tests.providers.fast_config import MakeConfig

from bastion.contracts.errors import LLMAuthError, LLMUnavailable
from bastion.contracts.messages import Message
from bastion.contracts.ports import CompletionRequest
from bastion.providers.circuit_breaker import CircuitBreaker
from bastion.providers.factory import build_chat_model

HI = CompletionRequest([Message("user", "hi")])


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_opens_after_n_consecutive_failures_and_says_when_to_retry() -> None:
    clock = Clock()
    breaker = CircuitBreaker(3, 30.0, name="the LLM provider at http://x", clock=clock)
    for _ in range(2):
        breaker.before_call()
        breaker.record_failure()
    assert breaker.state == "closed"
    breaker.before_call()
    breaker.record_failure()
    assert breaker.state == "open"
    clock.now += 10.2
    with pytest.raises(LLMUnavailable, match=r"at http://x: circuit open .* retry in 20s"):
        breaker.before_call()


def test_a_success_resets_the_count() -> None:
    breaker = CircuitBreaker(2, 30.0, clock=Clock())
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state == "closed"


def test_half_open_admits_one_trial_then_closes_or_reopens() -> None:
    clock = Clock()
    breaker = CircuitBreaker(1, 5.0, clock=clock)
    breaker.record_failure()
    clock.now += 5.0
    assert breaker.state == "half_open"
    breaker.before_call()  # the one trial
    with pytest.raises(LLMUnavailable, match="trial call is in flight"):
        breaker.before_call()
    breaker.record_failure()  # the trial failed: open again, for a full period
    assert breaker.state == "open"
    clock.now += 5.0
    breaker.before_call()
    breaker.record_success()
    assert breaker.state == "closed"
    breaker.before_call()


def test_a_cancelled_trial_frees_the_slot() -> None:
    clock = Clock()
    breaker = CircuitBreaker(1, 1.0, clock=clock)
    breaker.record_failure()
    clock.now += 1.0
    breaker.before_call()
    breaker.release()
    breaker.before_call()  # another trial may go


@pytest.mark.anyio
async def test_adapter_opens_the_circuit_fails_fast_then_recovers(
    llm: FakeLLMServer, make_config: MakeConfig
) -> None:
    # Two calls each exhaust their retries (2 attempts each): the circuit opens.
    llm.add(fail(503, times=4), reply_text("back"))
    model = build_chat_model(make_config(max_retries=1, circuit_failures=2, circuit_reset_s=0.3))
    try:
        for _ in range(2):
            with pytest.raises(LLMUnavailable, match="did not answer"):
                await model.complete(HI)
        assert model.circuit_state == "open"
        with pytest.raises(LLMUnavailable, match="circuit open"):
            await model.complete(HI)
        assert len(llm.completion_requests) == 4  # failing fast sent nothing
        await asyncio.sleep(0.35)
        assert model.circuit_state == "half_open"
        completion = await model.complete(HI)
        assert completion.message.content == "back"
        assert model.circuit_state == "closed"
    finally:
        await model.aclose()


@pytest.mark.anyio
async def test_permanent_errors_do_not_open_the_circuit(
    llm: FakeLLMServer, make_config: MakeConfig
) -> None:
    llm.add(fail(401, times=3), reply_text("ok"))
    model = build_chat_model(make_config(circuit_failures=1))
    try:
        for _ in range(3):
            with pytest.raises(LLMAuthError):
                await model.complete(HI)
        assert model.circuit_state == "closed"
        assert (await model.complete(HI)).message.content == "ok"
    finally:
        await model.aclose()
