"""Resource exhaustion and state: each hostile mode must be contained, and leave nothing."""

from __future__ import annotations

import json
import time

import pytest
from tests.sandbox.conftest import Harness

from bastion.sandbox.limits import ToolLimits

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


async def test_well_behaved_call(harness: Harness) -> None:
    out = await harness.run({"mode": "echo"})
    assert out.ok
    assert out.limit is None
    assert out.denials == ()
    assert json.loads(out.text)["now"] > 1_600_000_000_000


async def test_state_does_not_survive_between_calls(harness: Harness) -> None:
    first = await harness.run({"mode": "echo"})
    second = await harness.run({"mode": "echo"})
    assert json.loads(first.text)["counter"] == json.loads(second.text)["counter"] == 1


async def test_infinite_loop_runs_out_of_fuel(harness: Harness) -> None:
    out = await harness.run({"mode": "loop"}, harness.executor(limits=ToolLimits(fuel=200_000_000)))
    assert (out.ok, out.limit) == (False, "fuel")


async def test_infinite_loop_hits_the_wall_clock(harness: Harness) -> None:
    limits = ToolLimits(fuel=50_000_000_000, timeout_ms=400)
    start = time.monotonic()
    out = await harness.run({"mode": "loop"}, harness.executor(limits=limits))
    assert (out.ok, out.limit) == (False, "timeout")
    assert time.monotonic() - start < 3


async def test_memory_bomb(harness: Harness) -> None:
    out = await harness.run({"mode": "memory"}, harness.executor(limits=ToolLimits(memory_mb=48)))
    assert (out.ok, out.limit) == (False, "memory")


async def test_deep_recursion_is_contained(harness: Harness) -> None:
    out = await harness.run({"mode": "recurse"})
    assert not out.ok
    again = await harness.run({"mode": "echo"})  # nothing left behind by the trap
    assert again.ok
    assert json.loads(again.text)["counter"] == 1


async def test_huge_output(harness: Harness) -> None:
    out = await harness.run({"mode": "big_output", "size": 2_000_000})
    assert (out.ok, out.limit) == (False, "output")
    assert len(out.text) < 200


async def test_log_flood(harness: Harness) -> None:
    ex = harness.executor()
    out = await harness.run({"mode": "log_flood"}, ex)
    assert (out.ok, out.limit) == (False, "log")


async def test_stdout_flood(harness: Harness) -> None:
    out = await harness.run({"mode": "stdout_flood"})
    assert (out.ok, out.limit) == (False, "log")


async def test_tool_error_is_not_a_refusal(harness: Harness) -> None:
    out = await harness.run({"mode": "fail"})
    assert (out.ok, out.text, out.limit, out.denials) == (False, "failed on purpose", None, ())
