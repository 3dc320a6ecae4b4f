"""The seams where safety, approvals, taint and audit attach to the dispatcher.

The dispatcher runs, for every call, in this order:

    parse + schema check → guards (policy, taint, approval, rate) → mint Authorized → execute
    → output cap → output filters (leak scan, sanitizer, wrap) → call recorder → audit

Each stage is a small object behind one of these protocols, so a layer can be added without
editing the dispatcher's control flow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from bastion.contracts.authorization import CallContext
from bastion.contracts.json_types import JsonValue
from bastion.contracts.tools import ToolOutput, ToolSpec

__all__ = [
    "ApprovalOutcome",
    "Approver",
    "AuditSink",
    "CallGuard",
    "CallRecord",
    "CallRecorder",
    "FilteredOutput",
    "GuardDecision",
    "GuardVerdict",
    "OutputFilter",
    "ProposedCall",
]


@dataclass(frozen=True, slots=True)
class ProposedCall:
    """A call that passed parsing and schema validation, not yet authorised."""

    call_id: str
    spec: ToolSpec
    arguments: Mapping[str, JsonValue]
    digest: str  # SHA-256 of the canonical JSON arguments
    context: CallContext


class GuardVerdict(StrEnum):
    ALLOW = "allow"
    NEEDS_APPROVAL = "needs_approval"
    DENY = "deny"


@dataclass(frozen=True, slots=True)
class GuardDecision:
    verdict: GuardVerdict
    reason: str = ""  # one line, shown to the user and recorded
    rule: str = ""  # which guard/rule decided
    approval_id: str | None = None  # set with NEEDS_APPROVAL once a request is recorded

    @classmethod
    def allow(cls) -> GuardDecision:
        return cls(GuardVerdict.ALLOW)


class CallGuard(Protocol):
    """Decides before execution. The first non-ALLOW decision wins."""

    async def check(self, call: ProposedCall) -> GuardDecision: ...


@dataclass(frozen=True, slots=True)
class FilteredOutput:
    text: str  # what the model will read
    tainted: bool = False
    blocked: bool = False  # the filter replaced the output (leak or policy block)
    decisions: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (rule, action)


class OutputFilter(Protocol):
    """Transforms a tool's output on its way to the model (leak scan, sanitizer, wrap)."""

    def filter(self, call: ProposedCall, output: ToolOutput, text: str) -> FilteredOutput: ...


@dataclass(frozen=True, slots=True)
class CallRecord:
    call: ProposedCall
    ok: bool
    result_text: str  # after filters: never raw outside content, never a secret
    duration_ms: float
    decisions: tuple[tuple[str, str], ...] = ()
    error: str | None = None
    approval_id: str | None = None


class CallRecorder(Protocol):
    """Keeps a record of every call (the store's tool_calls table)."""

    def record(self, record: CallRecord) -> None: ...


class AuditSink(Protocol):
    """Appends an event to the signed audit log. Payloads must already be redacted."""

    def append(self, kind: str, payload: Mapping[str, JsonValue]) -> None: ...


class ApprovalOutcome(StrEnum):
    APPROVED = "approved"  # consumed: the dispatcher executes this exact call now
    DENIED = "denied"
    PENDING = "pending"  # no one to ask now; the model is told how the user can decide


class Approver(Protocol):
    """Asks the user about a call a guard flagged (REPL prompt, web UI, or nobody: PENDING).

    An APPROVED answer means the approval bound to this exact call (thread, channel, user, tool,
    argument digest) was consumed; the dispatcher then executes ``call`` itself, unchanged.
    """

    async def decide(self, call: ProposedCall, decision: GuardDecision) -> ApprovalOutcome: ...
