"""The approval gate decides from risk and approval requirement; "always allow" never covers
high risk; a flagged call gets one recorded request bound to the exact call."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bastion.contracts.authorization import CallContext
from bastion.contracts.errors import ApprovalDenied
from bastion.contracts.tools import ApprovalRequirement, RiskLevel
from bastion.kernel.approval_gate import ApprovalGate, approval_required
from bastion.kernel.hooks import GuardVerdict
from bastion.store.approvals import ApprovalState
from security.approval_world import World, call, spec

A = CallContext(thread_id="thread-a", channel="cli", user="local")
B = CallContext(thread_id="thread-b", channel="cli", user="local")
NEVER, UNLESS, ALWAYS = (
    ApprovalRequirement.NEVER,
    ApprovalRequirement.UNLESS_AUTO_APPROVED,
    ApprovalRequirement.ALWAYS,
)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    built = World(tmp_path / "bastion.db", auto_approve=("send_mail", "shell"))
    yield built
    built.close()


@pytest.mark.parametrize(
    ("risk", "approval", "auto", "needed"),
    [
        (RiskLevel.LOW, NEVER, False, False),
        (RiskLevel.MEDIUM, UNLESS, False, True),
        (RiskLevel.MEDIUM, UNLESS, True, False),
        (RiskLevel.LOW, ALWAYS, True, True),
        (RiskLevel.HIGH, UNLESS, True, True),
        (RiskLevel.HIGH, NEVER, True, True),  # a mistaken manifest fails safe
    ],
)
def test_approval_table(
    risk: RiskLevel, approval: ApprovalRequirement, auto: bool, needed: bool
) -> None:
    tool = spec("t", risk=risk, approval=approval)
    assert approval_required(tool, auto_approved=auto) is needed


@pytest.mark.anyio
async def test_flagged_call_records_one_request_bound_to_the_exact_call(world: World) -> None:
    tool = spec("delete_file", risk=RiskLevel.MEDIUM, approval=ALWAYS)
    proposed = call(tool, {"path": "notes/a.md"}, A)
    gate = ApprovalGate(world.desk)

    first = await gate.check(proposed)
    again = await gate.check(proposed)

    assert first.verdict is GuardVerdict.NEEDS_APPROVAL
    assert first.approval_id is not None
    assert again.approval_id == first.approval_id  # a retry does not pile up requests
    request = world.desk.get(first.approval_id)
    assert request is not None
    assert request.state is ApprovalState.PENDING
    assert request.binding.thread_id == "thread-a"
    assert request.binding.tool == "delete_file"
    assert request.binding.digest == proposed.digest
    assert request.expires_at == world.clock.now + 600


@pytest.mark.anyio
async def test_global_auto_approve_allows_but_never_for_high_risk(world: World) -> None:
    gate = ApprovalGate(world.desk)
    mail = spec("send_mail", risk=RiskLevel.MEDIUM, approval=UNLESS)
    shell = spec("shell", risk=RiskLevel.HIGH, approval=UNLESS)

    assert (await gate.check(call(mail, {"to": "bob@example.com"}, A))).verdict is (
        GuardVerdict.ALLOW
    )
    assert (await gate.check(call(shell, {"command": "ls"}, A))).verdict is (
        GuardVerdict.NEEDS_APPROVAL
    )


@pytest.mark.anyio
async def test_always_for_this_thread_covers_that_thread_user_and_channel_only(
    world: World,
) -> None:
    gate = ApprovalGate(world.desk)
    tool = spec("post_note", risk=RiskLevel.LOW, approval=UNLESS)
    world.desk.allow_for_thread(call(tool, {"text": "x"}, A))

    assert (await gate.check(call(tool, {"text": "y"}, A))).verdict is GuardVerdict.ALLOW
    assert (await gate.check(call(tool, {"text": "y"}, B))).verdict is (GuardVerdict.NEEDS_APPROVAL)
    other_user = CallContext(thread_id="thread-a", channel="cli", user="mallory")
    assert (await gate.check(call(tool, {"text": "y"}, other_user))).verdict is (
        GuardVerdict.NEEDS_APPROVAL
    )
    other_channel = CallContext(thread_id="thread-a", channel="telegram", user="local")
    assert (await gate.check(call(tool, {"text": "y"}, other_channel))).verdict is (
        GuardVerdict.NEEDS_APPROVAL
    )


def test_high_risk_tools_cannot_be_always_allowed(world: World) -> None:
    tool = spec("shell", risk=RiskLevel.HIGH, approval=UNLESS)
    with pytest.raises(ApprovalDenied, match="never always allowed"):
        world.desk.allow_for_thread(call(tool, {"command": "ls"}, A))
    assert not world.desk.is_auto_approved(call(tool, {"command": "ls"}, A))
