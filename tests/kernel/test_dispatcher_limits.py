"""Timeouts, rate limits, the output cap (before every filter) and concurrent calls."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping

import pytest
from dispatch_fakes import Journal, ListRecorder, RecordingFilter, ScriptedTool, sleep_then_say

from bastion.contracts.authorization import CallContext
from bastion.contracts.json_types import JsonValue
from bastion.contracts.messages import ToolCallRequest
from bastion.contracts.tools import ToolOutput
from bastion.kernel.dispatcher import Dispatcher
from bastion.kernel.rate_limit import SlidingWindowRateLimiter
from bastion.kernel.registry import ToolRegistry

CONTEXT = CallContext(thread_id="t")


def _request(text: str = "hi", call_id: str = "c1", name: str = "say") -> ToolCallRequest:
    return ToolCallRequest(call_id, name, f'{{"text": "{text}"}}')


def _dispatcher(*tools: ScriptedTool, **kwargs: object) -> Dispatcher:
    registry = ToolRegistry()
    for tool in tools:
        registry.register(tool)
    return Dispatcher(registry, **kwargs)  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_a_slow_tool_is_stopped_at_its_timeout() -> None:
    tool = ScriptedTool(behaviour=sleep_then_say(10), timeout_s=0.05)
    started = time.perf_counter()
    result = await _dispatcher(tool).call(_request(), CONTEXT)
    assert time.perf_counter() - started < 2
    assert not result.ok
    assert result.refused
    assert "limit 'timeout' exceeded" in result.content
    assert "0.05 s" in result.content


@pytest.mark.anyio
async def test_a_tools_own_timeout_error_is_a_tool_failure_not_our_limit() -> None:
    async def own_timeout(arguments: Mapping[str, JsonValue]) -> ToolOutput:
        raise TimeoutError("upstream")

    result = await _dispatcher(ScriptedTool(behaviour=own_timeout)).call(_request(), CONTEXT)
    assert not result.ok
    assert not result.refused
    assert result.content == "tool failed: TimeoutError"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.anyio
async def test_rate_limit_per_minute_refuses_then_recovers() -> None:
    clock = FakeClock()
    tool = ScriptedTool(rate_per_minute=3, rate_per_hour=100)
    dispatcher = _dispatcher(tool, rate_limiter=SlidingWindowRateLimiter(clock))
    results = [await dispatcher.call(_request(), CONTEXT) for _ in range(4)]
    assert [r.ok for r in results] == [True, True, True, False]
    assert results[3].refused
    assert "3 calls per minute" in results[3].content
    assert len(tool.ran) == 3
    clock.now += 61
    assert (await dispatcher.call(_request(), CONTEXT)).ok


@pytest.mark.anyio
async def test_rate_limit_per_hour_and_per_tool() -> None:
    clock = FakeClock()
    limited = ScriptedTool(rate_per_minute=100, rate_per_hour=2)
    other = ScriptedTool("other", rate_per_minute=100, rate_per_hour=2)
    dispatcher = _dispatcher(limited, other, rate_limiter=SlidingWindowRateLimiter(clock))
    for _ in range(2):
        assert (await dispatcher.call(_request(), CONTEXT)).ok
        clock.now += 120
    refused = await dispatcher.call(_request(), CONTEXT)
    assert refused.refused
    assert "2 calls per hour" in refused.content
    assert (await dispatcher.call(_request(name="other"), CONTEXT)).ok
    clock.now += 3600
    assert (await dispatcher.call(_request(), CONTEXT)).ok


@pytest.mark.anyio
async def test_concurrent_calls_cannot_overrun_the_rate_limit() -> None:
    tool = ScriptedTool(behaviour=sleep_then_say(0.01), rate_per_minute=5)
    dispatcher = _dispatcher(tool)
    results = await asyncio.gather(
        *(dispatcher.call(_request(call_id=f"c{i}"), CONTEXT) for i in range(20))
    )
    assert sum(r.ok for r in results) == 5
    assert sum(r.refused for r in results) == 15


@pytest.mark.anyio
async def test_oversized_output_is_capped_before_every_filter_sees_it() -> None:
    cap = 100_000
    huge = "é" * 120_000  # 240,000 bytes of two-byte characters

    async def flood(arguments: Mapping[str, JsonValue]) -> ToolOutput:
        return ToolOutput(True, huge)

    journal = Journal()
    filters = [RecordingFilter(journal, "leak"), RecordingFilter(journal, "wrap")]
    recorder = ListRecorder(journal)
    dispatcher = _dispatcher(
        ScriptedTool(behaviour=flood), filters=filters, recorder=recorder, output_cap_bytes=cap
    )
    result = await dispatcher.call(_request(), CONTEXT)

    assert result.ok
    for output_filter in filters:
        (seen,) = output_filter.seen
        assert len(seen.encode("utf-8")) <= cap
    assert result.content.endswith("[output truncated: 140000 bytes over the 100 KB cap]")
    assert result.content.encode("utf-8").decode("utf-8") == result.content
    assert ("output_cap", "truncated") in recorder.records[0].decisions


@pytest.mark.anyio
async def test_several_calls_run_concurrently_and_keep_their_own_results() -> None:
    tool = ScriptedTool(behaviour=sleep_then_say(0.2))
    dispatcher = _dispatcher(tool)
    started = time.perf_counter()
    results = await asyncio.gather(
        *(dispatcher.call(_request(f"n{i}", f"c{i}"), CONTEXT) for i in range(8))
    )
    elapsed = time.perf_counter() - started
    assert elapsed < 0.2 * 4, f"calls ran one after another ({elapsed:.2f} s)"
    assert [(r.call_id, r.content) for r in results] == [(f"c{i}", f"n{i}") for i in range(8)]


@pytest.mark.anyio
async def test_a_hot_reload_during_a_call_keeps_the_executor_that_was_checked() -> None:
    old = ScriptedTool(behaviour=sleep_then_say(0.05))

    async def new_behaviour(arguments: Mapping[str, JsonValue]) -> ToolOutput:
        return ToolOutput(True, "new")

    new = ScriptedTool(behaviour=new_behaviour)
    dispatcher = _dispatcher(old)
    pending = asyncio.ensure_future(dispatcher.call(_request("old"), CONTEXT))
    await asyncio.sleep(0.01)
    assert dispatcher.registry.replace(new) is old
    assert (await pending).content == "old"
    assert (await dispatcher.call(_request(), CONTEXT)).content == "new"
