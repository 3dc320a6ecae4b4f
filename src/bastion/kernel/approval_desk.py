"""The approval desk: records requests, takes decisions, and consumes approvals for one call.

Everything here is bound to the exact call: thread, channel, user, tool and the SHA-256 of the
canonical arguments. A decision must come from the request's own channel and user (and its
thread, when the decider is inside one), which closes IronClaw #1485 (approval hijacking across
channels). Consumption is the store's single conditional UPDATE, made by the approver right
before the dispatcher executes the very ``ProposedCall`` it was handed, and it re-derives the
digest from that call's arguments first, so no argument can change in between (IronClaw #1486).
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Collection
from dataclasses import replace

from bastion.contracts.authorization import arguments_digest
from bastion.contracts.errors import ApprovalDenied, UsageError
from bastion.contracts.tools import RiskLevel
from bastion.kernel.audit_events import (
    record_approval_consumed,
    record_approval_decided,
    record_approval_requested,
)
from bastion.kernel.hooks import AuditSink, ProposedCall
from bastion.store.approvals import (
    ApprovalBinding,
    ApprovalRepository,
    ApprovalRequest,
    ApprovalState,
    Decider,
)

__all__ = ["ApprovalDesk", "binding_of", "describe_call"]

_SUMMARY_CHARS = 200


def binding_of(call: ProposedCall) -> ApprovalBinding:
    context = call.context
    return ApprovalBinding(
        context.thread_id, context.channel, context.user, call.spec.name, call.digest
    )


def describe_call(call: ProposedCall) -> str:
    """One line saying what the call would do: the tool and its arguments, shortened."""
    args = json.dumps(dict(call.arguments), ensure_ascii=False, sort_keys=True)
    if len(args) > _SUMMARY_CHARS:
        args = args[:_SUMMARY_CHARS] + "…"
    return f"{call.spec.name} {args}"


class ApprovalDesk:
    """Approval requests, decisions, "always allow" grants and consumption, in one place."""

    def __init__(
        self,
        repository: ApprovalRepository,
        *,
        expiry_s: float = 600.0,
        auto_approve: Collection[str] = (),
        audit: AuditSink | None = None,
        redactor: Callable[[str], str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._repository = repository
        # Summaries and reasons quote the arguments; they are stored and shown, so redact them.
        self._redact = redactor or (lambda text: text)
        self._expiry_s = expiry_s
        self._global_auto_approve = frozenset(auto_approve)
        self._audit = audit
        self._clock = clock

    # -- requests -----------------------------------------------------------------------------
    def request(self, call: ProposedCall, reason: str) -> ApprovalRequest:
        """The open request for this exact call, or a new pending one."""
        now = self._clock()
        binding = binding_of(call)
        existing = self._repository.find_open(binding, now)
        if existing is not None:
            return existing
        created = self._repository.create(
            f"ap_{secrets.token_hex(6)}",
            binding,
            risk=call.spec.risk.value,
            summary=self._redact(describe_call(call)),
            reason=self._redact(reason),
            now=now,
            expires_at=now + self._expiry_s,
        )
        if self._audit is not None:
            record_approval_requested(self._audit, created)
        return created

    def get(self, approval_id: str) -> ApprovalRequest | None:
        return self._repository.get(approval_id)

    def requests(self, states: Collection[ApprovalState] | None = None) -> list[ApprovalRequest]:
        return self._repository.requests(self._clock(), states)

    # -- decisions ----------------------------------------------------------------------------
    def decide(self, approval_id: str, *, approve: bool, decider: Decider) -> ApprovalRequest:
        """Approve or deny a pending request. Raises ``UsageError`` for an unknown id and
        ``ApprovalDenied`` when the decider may not decide it (or it is no longer pending)."""
        result = self._repository.decide(
            approval_id, approve=approve, decider=decider, now=self._clock()
        )
        if result.request is None:
            raise UsageError(f"no approval request {approval_id!r}; see `bastion approvals list`")
        if self._audit is not None:
            record_approval_decided(self._audit, result.request, decider, refused=result.refusal)
        if not result.ok:
            raise ApprovalDenied(result.refusal)
        return result.request

    # -- consumption --------------------------------------------------------------------------
    def consume(self, call: ProposedCall, approval_id: str | None = None) -> str | None:
        """Spend the approval covering exactly ``call``; returns its id, or None if none does.

        Call this immediately before executing ``call`` itself, never a copy or a re-parse.
        """
        if arguments_digest(dict(call.arguments)) != call.digest:
            return None  # the arguments no longer hash to what was approved: cover nothing
        consumed = self._repository.consume(binding_of(call), self._clock(), approval_id)
        if consumed is not None and self._audit is not None:
            record_approval_consumed(self._audit, consumed, call)
        return consumed

    def approve_and_consume(self, call: ProposedCall, approval_id: str, decider: Decider) -> bool:
        """An inline "yes": decide and spend in one step, for the call being executed now.

        Raises ``UsageError`` / ``ApprovalDenied`` as ``decide`` does; False when the call's
        arguments no longer hash to what was shown (then nothing is decided).
        """
        if arguments_digest(dict(call.arguments)) != call.digest:
            return False
        result = self._repository.approve_and_consume(
            approval_id, binding_of(call), decider=decider, now=self._clock()
        )
        if result.request is None:
            raise UsageError(f"no approval request {approval_id!r}; see `bastion approvals list`")
        if self._audit is not None:
            decided = result.request
            if result.ok:  # the decision as it was made; the spending is its own event
                decided = replace(decided, state=ApprovalState.APPROVED)
            record_approval_decided(self._audit, decided, decider, refused=result.refusal)
        if not result.ok:
            raise ApprovalDenied(result.refusal)
        if self._audit is not None:
            record_approval_consumed(self._audit, approval_id, call)
        return True

    # -- "always allow" -----------------------------------------------------------------------
    def is_auto_approved(self, call: ProposedCall) -> bool:
        """Global (settings) or per-thread grant. High risk is never covered."""
        if call.spec.risk is RiskLevel.HIGH:
            return False
        if call.spec.name in self._global_auto_approve:
            return True
        context = call.context
        return self._repository.has_grant(
            call.spec.name, thread_id=context.thread_id, channel=context.channel, user=context.user
        )

    def allow_for_thread(self, call: ProposedCall) -> None:
        """ "Always for this thread": refused for high-risk tools."""
        if call.spec.risk is RiskLevel.HIGH:
            raise ApprovalDenied(f"{call.spec.name} is high risk: it is never always allowed")
        context = call.context
        self._repository.grant(
            call.spec.name,
            scope=context.thread_id,
            channel=context.channel,
            user=context.user,
            now=self._clock(),
        )
