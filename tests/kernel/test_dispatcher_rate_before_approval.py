"""A rate-limited call must not spend the approval the user gave for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dispatch_fakes import ScriptedTool

from bastion.contracts.authorization import CallContext
from bastion.contracts.messages import ToolCallRequest
from bastion.contracts.tools import ApprovalRequirement, RiskLevel
from bastion.kernel.approval_gate import ApprovalGate
from bastion.kernel.approval_prompt import PendingApprover
from bastion.kernel.dispatcher import Dispatcher
from bastion.kernel.rate_limit import SlidingWindowRateLimiter
from bastion.kernel.registry import ToolRegistry
from bastion.store.approvals import ApprovalState
from security.approval_world import CLI, World

CONTEXT = CallContext(thread_id="t", channel="cli", user="local")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    built = World(tmp_path / "bastion.db")
    yield built
    built.close()


class FrozenClock:
    def __call__(self) -> float:
        return 1000.0


@pytest.mark.anyio
async def test_a_rate_limited_call_leaves_its_approval_unspent(world: World) -> None:
    tool = ScriptedTool(
        risk=RiskLevel.MEDIUM,
        approval=ApprovalRequirement.ALWAYS,
        rate_per_minute=1,
        rate_per_hour=100,
    )
    registry = ToolRegistry()
    registry.register(tool)
    dispatcher = Dispatcher(
        registry,
        guards=[ApprovalGate(world.desk)],
        approver=PendingApprover(world.desk),
        rate_limiter=SlidingWindowRateLimiter(FrozenClock()),
    )
    first = await dispatcher.call(ToolCallRequest("c1", "say", '{"text": "a"}'), CONTEXT)
    assert first.pending_approval_id is not None  # the one slot of the minute went here
    world.desk.decide(first.pending_approval_id, approve=True, decider=CLI)
    again = await dispatcher.call(ToolCallRequest("c2", "say", '{"text": "a"}'), CONTEXT)
    assert again.refused
    assert "rate" in again.content
    assert tool.ran == []
    request = world.desk.get(first.pending_approval_id)
    assert request is not None
    assert request.state is ApprovalState.APPROVED  # still there to be used, not consumed


@pytest.mark.anyio
async def test_the_pending_message_names_the_channel_and_user_to_decide_as(world: World) -> None:
    registry = ToolRegistry()
    registry.register(ScriptedTool(risk=RiskLevel.MEDIUM, approval=ApprovalRequirement.ALWAYS))
    dispatcher = Dispatcher(
        registry, guards=[ApprovalGate(world.desk)], approver=PendingApprover(world.desk)
    )
    remote = CallContext(thread_id="t", channel="telegram", user="bob")
    result = await dispatcher.call(ToolCallRequest("c1", "say", '{"text": "a"}'), remote)
    approval = result.pending_approval_id
    assert f"bastion approvals approve {approval} --channel telegram --user bob" in result.content
    local = await dispatcher.call(ToolCallRequest("c2", "say", '{"text": "b"}'), CONTEXT)
    assert "--channel" not in local.content
