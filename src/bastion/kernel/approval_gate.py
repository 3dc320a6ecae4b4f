"""The approval gate: a ``CallGuard`` that asks for the user's decision where the tool says so.

    approval  │ risk low/medium                  │ risk high
    ──────────┼──────────────────────────────────┼─────────────────
    never     │ allow                            │ needs approval
    unless_…  │ allow if auto-approved, else ask │ needs approval
    always    │ needs approval                   │ needs approval

"Auto-approved" is a global grant (settings ``[approvals] auto_approve``) or a per-thread
"always" answer; high risk is never covered by either, and a high-risk tool that declares
``never`` is treated as asking anyway, because a mistaken manifest should fail safe.
When the gate flags a call it records the request (bound to the exact call) and returns its id.
"""

from __future__ import annotations

from bastion.contracts.tools import ApprovalRequirement, RiskLevel, ToolSpec
from bastion.kernel.approval_desk import ApprovalDesk
from bastion.kernel.hooks import GuardDecision, GuardVerdict, ProposedCall

__all__ = ["ApprovalGate", "approval_required"]


def approval_required(spec: ToolSpec, *, auto_approved: bool) -> bool:
    if spec.risk is RiskLevel.HIGH or spec.approval is ApprovalRequirement.ALWAYS:
        return True
    if spec.approval is ApprovalRequirement.UNLESS_AUTO_APPROVED:
        return not auto_approved
    return False


class ApprovalGate:
    """Put it after the taint guard, so a tainted call's request carries the taint reason."""

    def __init__(self, desk: ApprovalDesk) -> None:
        self._desk = desk

    async def check(self, call: ProposedCall) -> GuardDecision:
        spec = call.spec
        if not approval_required(spec, auto_approved=self._desk.is_auto_approved(call)):
            return GuardDecision.allow()
        reason = f"{spec.name} is {spec.risk.value} risk and needs your approval"
        request = self._desk.request(call, reason)
        return GuardDecision(
            GuardVerdict.NEEDS_APPROVAL,
            reason=request.reason,
            rule="approval.required",
            approval_id=request.id,
        )
