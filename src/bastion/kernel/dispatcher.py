"""``Dispatcher``: the one door every tool call passes, whatever executes it.

For each call, in this order (see ``kernel.hooks`` for the seams):

    parse + schema check → rate limit → guards (first non-ALLOW wins; NEEDS_APPROVAL asks
    the approver) → mint ``Authorized`` for the exact arguments → execute under the spec's timeout
    → output cap → output filters → call recorder → audit

A malformed call, a refusal, a timeout or a crashing tool all come back as a ``ToolResult`` the
model can read; only cancellation and failures of the kernel's own recorder or audit sink
propagate. The dispatcher keeps no per-call state on itself, so the agent may run several calls
concurrently.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bastion.contracts.authorization import CallContext, arguments_digest
from bastion.contracts.errors import BastionError, CapabilityDenied, LimitExceeded, PolicyRefusal
from bastion.contracts.json_types import JsonValue
from bastion.contracts.messages import ToolCallRequest
from bastion.contracts.ports import ToolExecutor, ToolInvoker, ToolPort, ToolResult
from bastion.contracts.tools import Denial, ToolOutput, ToolSchema
from bastion.kernel.call_parsing import MalformedCall, parse_call
from bastion.kernel.hooks import (
    ApprovalOutcome,
    Approver,
    AuditSink,
    CallGuard,
    CallRecord,
    CallRecorder,
    FilteredOutput,
    GuardDecision,
    GuardVerdict,
    OutputFilter,
    ProposedCall,
)
from bastion.kernel.mint import authorize_call
from bastion.kernel.output_cap import cap_output
from bastion.kernel.rate_limit import RateLimiter, SlidingWindowRateLimiter
from bastion.kernel.registry import ToolRegistry

__all__ = ["DEFAULT_MAX_INVOKE_DEPTH", "Dispatcher"]

logger = logging.getLogger(__name__)

DEFAULT_MAX_INVOKE_DEPTH = 8


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What one call came to, before it is recorded and handed back."""

    status: str  # ok | error | refused | pending | invalid
    text: str
    error: str | None = None  # a short code for records and audit, never tool output
    decisions: tuple[tuple[str, str], ...] = ()
    tainted: bool = False
    approval_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _refused(text: str, error: str, rule: str, action: str = "deny") -> _Outcome:
    return _Outcome("refused", text, error=error, decisions=((rule, action),))


def _pending_text(call: ProposedCall, decision: GuardDecision) -> str:
    why = f" ({decision.reason})" if decision.reason else ""
    if decision.approval_id is None:
        return (
            f"{call.spec.name} needs the user's approval before it runs{why}, and no approval "
            "request could be recorded. Tell the user what you wanted to do and ask them to "
            "allow it; do not retry the call until they have."
        )
    context = call.context
    # `bastion approvals` decides as channel "cli", user "local" unless told otherwise, and a
    # decision must come from the request's own channel and user.
    scope = ""
    if (context.channel, context.user) != ("cli", "local"):
        scope = f" --channel {context.channel} --user {context.user}"
    approval = decision.approval_id
    return (
        f"{call.spec.name} needs the user's approval before it runs{why}. Approval request "
        f"{approval} is waiting: the user can approve it with `bastion approvals approve "
        f"{approval}{scope}` (or refuse with `bastion approvals deny {approval}{scope}`) or in "
        "the web UI. Tell the user; do not retry the call until they have decided."
    )


def _from_exception(name: str, exc: Exception) -> tuple[ToolOutput, bool, str | None]:
    """An executor's exception as (output, refused by policy, error code)."""
    kind = type(exc).__name__
    result: tuple[ToolOutput, bool, str | None]
    if isinstance(exc, LimitExceeded):
        result = ToolOutput(False, str(exc), limit=exc.limit), True, f"limit:{exc.limit}"
    elif isinstance(exc, CapabilityDenied):
        denial = Denial(exc.capability, exc.detail)
        result = ToolOutput(False, f"refused: {exc}", denials=(denial,)), True, None
    elif isinstance(exc, PolicyRefusal):
        result = ToolOutput(False, f"refused: {exc}"), True, f"refused:{kind}"
    elif isinstance(exc, BastionError):
        result = ToolOutput(False, f"tool failed: {exc}"), False, f"failed:{kind}"
    else:
        # Not one of ours: the model gets only the type, the log gets the traceback.
        logger.error("tool %s raised %s", name, kind, exc_info=exc)
        result = ToolOutput(False, f"tool failed: {kind}"), False, "crashed"
    return result


class Dispatcher:
    """Implements ``ToolPort`` (for the agent loop) and ``ToolInvoker`` (for nested calls)."""

    def __init__(
        self,
        registry: ToolRegistry,
        *,
        guards: Sequence[CallGuard] = (),
        filters: Sequence[OutputFilter] = (),
        recorder: CallRecorder | None = None,
        audit: AuditSink | None = None,
        approver: Approver | None = None,
        output_cap_bytes: int = 100_000,
        rate_limiter: RateLimiter | None = None,
        max_invoke_depth: int = DEFAULT_MAX_INVOKE_DEPTH,
    ) -> None:
        if output_cap_bytes < 256:
            raise ValueError("output_cap_bytes must leave room for the truncation notice")
        self._registry = registry
        self._guards = tuple(guards)
        self._filters = tuple(filters)
        self._recorder = recorder
        self._audit = audit
        self._approver = approver
        self._cap = output_cap_bytes
        self._rate = rate_limiter if rate_limiter is not None else SlidingWindowRateLimiter()
        self._max_depth = max_invoke_depth

    @property
    def registry(self) -> ToolRegistry:
        return self._registry

    def schemas(self) -> Sequence[ToolSchema]:
        return self._registry.schemas()

    async def invoke(self, tool: str, params_json: str, context: CallContext) -> ToolResult:
        """A nested call from inside a tool: the same path, one level deeper."""
        request = ToolCallRequest(f"invoke-{uuid.uuid4().hex[:16]}", tool, params_json)
        return await self.call(request, replace(context, depth=context.depth + 1))

    async def call(self, request: ToolCallRequest, context: CallContext) -> ToolResult:
        started = time.perf_counter()
        parsed = parse_call(request, context, self._registry)
        if isinstance(parsed, MalformedCall):
            logger.info("malformed call of %r: %s", request.name[:80], parsed.message)
            if parsed.call is None:
                return ToolResult(request.id, request.name, ok=False, content=parsed.message)
            outcome = _Outcome("invalid", parsed.message, error="invalid_arguments")
            return self._finish(parsed.call, outcome, started)
        outcome = await self._run(parsed.call, parsed.executor)
        return self._finish(parsed.call, outcome, started)

    async def _run(self, call: ProposedCall, executor: ToolExecutor) -> _Outcome:
        name = call.spec.name
        if call.context.depth > self._max_depth:
            return _refused(
                f"limit 'invoke_depth' exceeded: tool calls may nest {self._max_depth} deep",
                "limit:invoke_depth",
                "invoke_depth",
            )
        # The rate limit comes before the approval step: a call refused for its rate must not
        # spend an approval the user gave for it.
        limit = self._rate.acquire(call.spec)
        if limit is not None:
            return _refused(
                f"limit 'rate' exceeded: {name} may be called at most {limit}; try again later",
                "limit:rate",
                "rate_limit",
            )
        gate = await self._gate(call)
        if isinstance(gate, _Outcome):
            return gate
        # Guards and the approver saw these exact arguments; refuse if anything changed them.
        if arguments_digest(call.arguments) != call.digest:
            return _refused(
                f"{name} was refused: its arguments changed after they were checked",
                "arguments_changed",
                "dispatcher",
            )
        outcome = await self._execute(call, executor)
        return replace(outcome, approval_id=gate)

    async def _gate(self, call: ProposedCall) -> _Outcome | str | None:
        """Guards, then the approver. Returns the outcome that stops the call, or else the id
        of the approval it consumed (``None`` when none was needed)."""
        decision = await self._check_guards(call)
        name = call.spec.name
        if decision.verdict is GuardVerdict.ALLOW:
            return None
        if decision.verdict is GuardVerdict.DENY:
            reason = decision.reason or "not allowed by policy"
            rule = decision.rule or "guard"
            return _refused(f"{name} was refused: {reason}", f"denied:{rule}", rule)
        answer = ApprovalOutcome.PENDING
        if self._approver is not None:
            answer = await self._approver.decide(call, decision)
        rule = decision.rule or "approval"
        if answer is ApprovalOutcome.APPROVED:
            return decision.approval_id
        if answer is ApprovalOutcome.DENIED:
            text = f"the user denied this call of {name}; do not retry it"
            return _refused(text, "approval_denied", rule, "denied")
        return _Outcome(
            "pending",
            _pending_text(call, decision),
            error="approval_pending",
            decisions=((rule, "pending"),),
            approval_id=decision.approval_id,
        )

    async def _check_guards(self, call: ProposedCall) -> GuardDecision:
        for guard in self._guards:
            decision = await guard.check(call)
            if decision.verdict is not GuardVerdict.ALLOW:
                return decision
        return GuardDecision.allow()

    async def _execute(self, call: ProposedCall, executor: ToolExecutor) -> _Outcome:
        output, raised_refusal, error = await self._run_executor(call, executor)
        refused = raised_refusal or output.limit is not None or bool(output.denials)
        text = output.text
        if output.limit is not None and f"'{output.limit}'" not in text:
            text += f"\n[limit '{output.limit}' exceeded]"
        for denial in output.denials:
            text += f"\n[denied: {denial.capability}: {denial.detail}]"
        capped = cap_output(text, self._cap)
        decisions: list[tuple[str, str]] = []
        if capped.truncated:
            decisions.append(("output_cap", "truncated"))
        text, tainted, blocked = capped.text, call.spec.reads_outside_content, False
        for output_filter in self._filters:
            filtered = _filter_failing_closed(output_filter, call, output, text)
            text = filtered.text
            tainted = tainted or filtered.tainted
            blocked = blocked or filtered.blocked
            decisions.extend(filtered.decisions)
        if blocked:
            refused, error = True, error or "output_blocked"
        elif output.limit is not None:
            error = error or f"limit:{output.limit}"
        elif output.denials:
            error = error or "denied:" + ",".join(d.capability for d in output.denials)
        status = "refused" if refused else ("ok" if output.ok else "error")
        if status == "error" and error is None:
            error = "tool_error"
        return _Outcome(status, text, error, tuple(decisions), tainted)

    async def _run_executor(
        self, call: ProposedCall, executor: ToolExecutor
    ) -> tuple[ToolOutput, bool, str | None]:
        """Execute under the spec's timeout; returns (output, refused by policy, error code)."""
        spec = call.spec
        authorized = authorize_call(spec.name, call.arguments, call.context)
        try:
            async with asyncio.timeout(spec.timeout_s) as deadline:
                output = await executor.execute(authorized)
        except TimeoutError as exc:
            if not deadline.expired():  # the tool's own timeout, not ours: a tool failure
                return _from_exception(spec.name, exc)
            text = (
                f"limit 'timeout' exceeded: {spec.name} did not finish within {spec.timeout_s:g} s"
            )
            return ToolOutput(False, text, limit="timeout"), True, "limit:timeout"
        except Exception as exc:  # noqa: BLE001
            # The tool boundary: a tool's bug must not crash the turn or the other calls
            # running beside it. Our own errors map to their kind; anything else is a crash.
            return _from_exception(spec.name, exc)
        return output, False, None

    def _finish(self, call: ProposedCall, outcome: _Outcome, started: float) -> ToolResult:
        duration_ms = (time.perf_counter() - started) * 1000.0
        if self._recorder is not None:
            self._recorder.record(
                CallRecord(
                    call=call,
                    ok=outcome.ok,
                    result_text=outcome.text,
                    duration_ms=duration_ms,
                    decisions=outcome.decisions,
                    error=outcome.error,
                    approval_id=outcome.approval_id,
                )
            )
        if self._audit is not None:
            self._audit.append("tool_call", self._audit_payload(call, outcome, duration_ms))
        logger.debug("%s %s in %.1f ms", call.spec.name, outcome.status, duration_ms)
        spec = call.spec
        return ToolResult(
            call_id=call.call_id,
            name=spec.name,
            ok=outcome.ok,
            content=outcome.text,
            tainted=outcome.tainted,
            tainted_by=f"output of tool {spec.name}" if outcome.tainted else None,
            pending_approval_id=outcome.approval_id if outcome.status == "pending" else None,
            refused=outcome.status == "refused",
        )

    @staticmethod
    def _audit_payload(
        call: ProposedCall, outcome: _Outcome, duration_ms: float
    ) -> dict[str, JsonValue]:
        """Who called what and how it ended. Never the arguments or output, only their digest:
        either could carry a secret or outside content."""
        context = call.context
        return {
            "call_id": call.call_id,
            "tool": call.spec.name,
            "kind": call.spec.kind,
            "digest": call.digest,
            "thread_id": context.thread_id,
            "channel": context.channel,
            "user": context.user,
            "turn_id": context.turn_id,
            "depth": context.depth,
            "tainted_thread": context.tainted,
            "outcome": outcome.status,
            "error": outcome.error,
            "decisions": [[rule, action] for rule, action in outcome.decisions],
            "approval_id": outcome.approval_id,
            "duration_ms": round(duration_ms, 3),
        }


def _conforms(dispatcher: Dispatcher) -> tuple[ToolPort, ToolInvoker]:
    """Never called: mypy checks here that the dispatcher satisfies both ports it serves."""
    return dispatcher, dispatcher


_FILTER_FAILED = "[output withheld: the safety filter failed on it; nothing of it was shown]"


def _filter_failing_closed(
    output_filter: OutputFilter, call: ProposedCall, output: ToolOutput, text: str
) -> FilteredOutput:
    """``output_filter``'s verdict, or, if it raises, the output withheld: a scanner's bug that
    hostile content can trigger must neither let the content through unscanned nor end the
    turn. The error's kind is recorded with the call (its message may quote the content)."""
    try:
        return output_filter.filter(call, output, text)
    except Exception as exc:  # any failure of a filter withholds the output
        logger.exception(
            "output filter %s failed on the output of %s: %s",
            type(output_filter).__name__,
            call.spec.name,
            type(exc).__name__,
        )
        failed = ("output_filter", f"failed:{type(exc).__name__}")
        return FilteredOutput(_FILTER_FAILED, tainted=True, blocked=True, decisions=(failed,))
