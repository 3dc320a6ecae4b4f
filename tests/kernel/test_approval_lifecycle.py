"""An approval is single-use, expires, and is consumed by exactly one of any number of racers."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bastion.contracts.authorization import CallContext
from bastion.contracts.errors import ApprovalDenied, UsageError
from bastion.contracts.tools import ApprovalRequirement, RiskLevel
from bastion.kernel.hooks import ProposedCall
from bastion.store.approvals import ApprovalState
from security.approval_world import CLI, World, call, decider_for, spec

CTX = CallContext(thread_id="thread-1", channel="cli", user="local")
TOOL = spec("send_mail", risk=RiskLevel.MEDIUM, approval=ApprovalRequirement.ALWAYS)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    built = World(tmp_path / "bastion.db")
    yield built
    built.close()


def _approved(world: World) -> tuple[ProposedCall, str]:
    proposed = call(TOOL, {"to": "bob@example.com", "body": "hi"}, CTX)
    request = world.desk.request(proposed, "needs approval")
    world.desk.decide(request.id, approve=True, decider=CLI)
    return proposed, request.id


def test_second_consume_of_the_same_approval_fails(world: World) -> None:
    proposed, approval_id = _approved(world)
    assert world.desk.consume(proposed) == approval_id
    assert world.desk.consume(proposed) is None
    request = world.desk.get(approval_id)
    assert request is not None
    assert request.state is ApprovalState.CONSUMED


def test_an_expired_approval_cannot_be_consumed_or_decided(world: World) -> None:
    proposed, approval_id = _approved(world)
    world.clock.advance(601)
    assert world.desk.consume(proposed) is None

    pending = world.desk.request(call(TOOL, {"to": "carol@example.com"}, CTX), "asks")
    world.clock.advance(601)
    with pytest.raises(ApprovalDenied, match="expired"):
        world.desk.decide(pending.id, approve=True, decider=CLI)
    states = {r.id: r.state for r in world.desk.requests()}
    assert states[approval_id] is ApprovalState.EXPIRED
    assert states[pending.id] is ApprovalState.EXPIRED


def test_an_expired_request_is_replaced_by_a_fresh_one(world: World) -> None:
    proposed = call(TOOL, {"to": "bob@example.com"}, CTX)
    old = world.desk.request(proposed, "asks")
    world.clock.advance(700)
    new = world.desk.request(proposed, "asks")
    assert new.id != old.id
    assert new.state is ApprovalState.PENDING


def test_a_request_is_decided_once(world: World) -> None:
    proposed = call(TOOL, {"to": "bob@example.com"}, CTX)
    request = world.desk.request(proposed, "asks")
    world.desk.decide(request.id, approve=False, decider=CLI)
    with pytest.raises(ApprovalDenied, match="already denied"):
        world.desk.decide(request.id, approve=True, decider=CLI)
    assert world.desk.consume(proposed) is None


def test_unknown_request_is_a_usage_error(world: World) -> None:
    with pytest.raises(UsageError, match="no approval request"):
        world.desk.decide("ap_000000000000", approve=True, decider=CLI)


def test_threads_hammering_consume_exactly_one_wins(world: World) -> None:
    proposed, approval_id = _approved(world)
    start = threading.Barrier(16)

    def race() -> str | None:
        start.wait()
        return world.desk.consume(proposed)

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda _: race(), range(16)))
    assert results.count(approval_id) == 1
    assert results.count(None) == 15


def test_two_database_handles_racing_exactly_one_wins(world: World) -> None:
    """Two processes' worth of connections on one file: the conditional UPDATE still decides."""
    from bastion.kernel.approval_desk import ApprovalDesk
    from bastion.store.approvals import ApprovalRepository
    from bastion.store.database import Database

    proposed, approval_id = _approved(world)
    other_db = Database(world.path)
    try:
        other = ApprovalDesk(ApprovalRepository(other_db), clock=world.clock)
        start = threading.Barrier(2)

        def race(desk: ApprovalDesk) -> str | None:
            start.wait()
            return desk.consume(proposed)

        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(race, [world.desk, other]))
    finally:
        other_db.close()
    assert sorted(results, key=str) == sorted([approval_id, None], key=str)


@pytest.mark.anyio
async def test_asyncio_tasks_racing_consume_exactly_one_wins(world: World) -> None:
    proposed, approval_id = _approved(world)

    async def race() -> str | None:
        await asyncio.sleep(0)
        return await asyncio.to_thread(world.desk.consume, proposed)

    results = await asyncio.gather(*(race() for _ in range(12)))
    assert results.count(approval_id) == 1


def test_approve_and_deny_racing_only_one_decision_stands(world: World) -> None:
    proposed = call(TOOL, {"to": "bob@example.com"}, CTX)
    request = world.desk.request(proposed, "asks")
    start = threading.Barrier(2)

    def decide(approve: bool) -> bool:
        start.wait()
        try:
            world.desk.decide(request.id, approve=approve, decider=decider_for(CTX))
        except ApprovalDenied:
            return False
        return True

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(decide, [True, False]))
    assert outcomes.count(True) == 1
    final = world.desk.get(request.id)
    assert final is not None
    assert final.state in {ApprovalState.APPROVED, ApprovalState.DENIED}
