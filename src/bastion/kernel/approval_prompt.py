"""``Approver`` implementations: ask inline (REPL), or record the request and report PENDING.

Either way an APPROVED outcome means the approval bound to this exact call was consumed just
now, and the dispatcher executes that same ``ProposedCall``. Neither approver reads chat
messages: a "yes" typed as a message is conversation, never a decision (IronClaw #2248). The
only ways to decide are the inline prompt, which is a separate input owned by the channel, and
``bastion approvals approve|deny ID`` (or a channel's own explicit approval control).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from bastion.contracts.errors import ApprovalDenied
from bastion.contracts.tools import RiskLevel
from bastion.kernel.approval_desk import ApprovalDesk
from bastion.kernel.hooks import ApprovalOutcome, GuardDecision, ProposedCall
from bastion.store.approvals import ApprovalRequest, ApprovalState, Decider

__all__ = [
    "ApprovalAnswer",
    "ApprovalPrompt",
    "ApprovalPromptFn",
    "InteractiveApprover",
    "PendingApprover",
]

logger = logging.getLogger(__name__)


class ApprovalAnswer(StrEnum):
    YES = "yes"
    NO = "no"
    ALWAYS_THIS_THREAD = "always"


@dataclass(frozen=True, slots=True)
class ApprovalPrompt:
    """What the REPL shows: one line of why (taint source included) and one of what."""

    approval_id: str
    tool: str
    risk: str
    summary: str  # what the call would do
    reason: str  # why it is asked, e.g. "thread tainted by web_fetch: … would reach evil.example"
    expires_in_s: float
    always_offered: bool  # False for high risk: "always" is not a valid answer then

    def render(self) -> str:
        choices = (
            "[y]es / [n]o / [a]lways for this thread" if self.always_offered else "[y]es / [n]o"
        )
        return f"{self.reason}\n  {self.summary}\n  approve? {choices}"


# The REPL supplies this. It must read the answer from the user's terminal directly, never from
# the conversation, and may raise EOFError/KeyboardInterrupt, which count as "no".
ApprovalPromptFn = Callable[[ApprovalPrompt], Awaitable[ApprovalAnswer]]


def _request_for(
    desk: ApprovalDesk, call: ProposedCall, decision: GuardDecision
) -> ApprovalRequest:
    if decision.approval_id is not None:
        request = desk.get(decision.approval_id)
        if request is not None:
            return request
    return desk.request(call, decision.reason or f"{call.spec.name} needs your approval")


class PendingApprover:
    """For channels with nobody to ask inline (API, webhooks, routines, `chat -m`).

    Consumes an approval already given for this exact call (``bastion approvals approve ID``),
    else leaves the request pending and returns PENDING, so the model tells the user to decide.
    """

    def __init__(self, desk: ApprovalDesk) -> None:
        self._desk = desk

    async def decide(self, call: ProposedCall, decision: GuardDecision) -> ApprovalOutcome:
        if self._desk.consume(call) is not None:
            return ApprovalOutcome.APPROVED
        request = _request_for(self._desk, call, decision)
        if request.state is ApprovalState.DENIED:
            return ApprovalOutcome.DENIED
        return ApprovalOutcome.PENDING


class InteractiveApprover:
    """For the REPL: asks yes / no / always-for-this-thread through ``prompt``.

    The decider is the call's own thread, channel and user: the prompt appears in the session
    that made the call, so nobody else can answer it.
    """

    def __init__(
        self,
        desk: ApprovalDesk,
        prompt: ApprovalPromptFn,
        *,
        via: str = "repl",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._desk = desk
        self._prompt = prompt
        self._via = via
        self._clock = clock

    async def decide(self, call: ProposedCall, decision: GuardDecision) -> ApprovalOutcome:
        if self._desk.consume(call) is not None:  # already approved elsewhere, e.g. the CLI
            return ApprovalOutcome.APPROVED
        request = _request_for(self._desk, call, decision)
        if request.state is ApprovalState.DENIED:
            return ApprovalOutcome.DENIED
        always = call.spec.risk is not RiskLevel.HIGH
        shown = ApprovalPrompt(
            approval_id=request.id,
            tool=call.spec.name,
            risk=call.spec.risk.value,
            summary=request.summary,
            reason=request.reason,
            expires_in_s=max(0.0, request.expires_at - self._clock()),
            always_offered=always,
        )
        try:
            answer = await self._prompt(shown)
        except (EOFError, KeyboardInterrupt):
            answer = ApprovalAnswer.NO
        return self._apply(call, request, answer, always_offered=always)

    def _apply(
        self,
        call: ProposedCall,
        request: ApprovalRequest,
        answer: ApprovalAnswer,
        *,
        always_offered: bool,
    ) -> ApprovalOutcome:
        context = call.context
        decider = Decider(context.channel, context.user, context.thread_id, self._via)
        if answer is ApprovalAnswer.NO or (
            answer is ApprovalAnswer.ALWAYS_THIS_THREAD and not always_offered
        ):
            try:
                self._desk.decide(request.id, approve=False, decider=decider)
            except ApprovalDenied as exc:  # already decided or expired: still a no
                logger.info("denial of %s not recorded: %s", request.id, exc)
            return ApprovalOutcome.DENIED
        try:
            consumed = self._desk.approve_and_consume(call, request.id, decider)
        except ApprovalDenied as exc:  # expired while the user was reading the prompt
            logger.info("approval of %s refused: %s", request.id, exc)
            return ApprovalOutcome.DENIED
        if not consumed:
            return ApprovalOutcome.DENIED
        if answer is ApprovalAnswer.ALWAYS_THIS_THREAD:
            self._desk.allow_for_thread(call)
        return ApprovalOutcome.APPROVED
