"""The safety stage of the dispatcher, and the same checks for user messages and LLM answers.

For every tool result: leak scan → sanitizer and policy → spotlighting wrap. A leak block or
an injection block replaces the whole output with a notice; every decision stronger than
allow is reported as (rule, action) so the dispatcher records and audits it. Every output is
wrapped, whether or not the tool reads outside content; ``tainted`` follows the tool's spec.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from bastion.contracts.tools import ToolOutput
from bastion.contracts.untrusted import Untrusted
from bastion.kernel.hooks import FilteredOutput, ProposedCall
from bastion.safety import (
    ContentChecker,
    LeakAction,
    LeakDetector,
    Verdict,
    new_boundary,
    system_prompt_rule,
    wrap_untrusted,
)

__all__ = [
    "LEAK_BLOCK_NOTICE",
    "SafetyFilter",
    "ScreenedText",
    "TurnBoundaries",
    "screen_llm_output",
    "screen_user_message",
]

LEAK_BLOCK_NOTICE = "[Output blocked: it contained a secret ({rules}). Nothing of it was shown.]"
INJECTION_BLOCK_NOTICE = (
    "[Output withheld: it tried to instruct the assistant ({rules}). Ask the user before "
    "fetching it again.]"
)
USER_REDACTION_NOTICE = (
    "Your message contained what looks like a secret ({rules}); it was redacted and never "
    "sent to the model."
)
_MAX_TURNS = 256


class TurnBoundaries:
    """One random spotlighting boundary per turn (bounded: old turns are forgotten)."""

    def __init__(self) -> None:
        self._by_turn: OrderedDict[str, str] = OrderedDict()

    def boundary(self, turn_id: str | None) -> str:
        if turn_id is None:
            return new_boundary()
        found = self._by_turn.get(turn_id)
        if found is None:
            found = self._by_turn[turn_id] = new_boundary()
            while len(self._by_turn) > _MAX_TURNS:
                self._by_turn.popitem(last=False)
        return found

    def system_rule(self, turn_id: str | None) -> str:
        """The standing system-prompt rule carrying this turn's boundary."""
        return system_prompt_rule(self.boundary(turn_id))


def _names(pairs: list[tuple[str, str]]) -> str:
    return ", ".join(sorted({rule for rule, _ in pairs}))


class SafetyFilter:
    """``OutputFilter`` for the dispatcher: leak scan, sanitizer + policy, wrap."""

    def __init__(
        self,
        detector: LeakDetector,
        checker: ContentChecker,
        boundaries: TurnBoundaries | None = None,
    ) -> None:
        self._detector = detector
        self._checker = checker
        self.boundaries = boundaries or TurnBoundaries()

    def filter(self, call: ProposedCall, output: ToolOutput, text: str) -> FilteredOutput:
        tainted = call.spec.reads_outside_content
        boundary = self.boundaries.boundary(call.context.turn_id)
        source = f"tool:{call.spec.name}"
        scan = self._detector.scan(text)
        decisions = [(f.rule, f.action.value) for f in scan.findings]
        if scan.action is LeakAction.BLOCK:
            blocked = [(r, a) for r, a in decisions if a == LeakAction.BLOCK.value]
            notice = LEAK_BLOCK_NOTICE.format(rules=_names(blocked))
            wrapped = wrap_untrusted(Untrusted(notice, source), boundary)
            return FilteredOutput(wrapped.text, tainted, True, tuple(decisions))
        check = self._checker.check(scan.redacted)
        decisions += [
            (f.rule, check.verdict.value)
            for f in check.findings
            if check.verdict is not Verdict.ALLOW
        ]
        if check.verdict is Verdict.BLOCK:
            notice = INJECTION_BLOCK_NOTICE.format(rules=_names(decisions[len(scan.findings) :]))
            wrapped = wrap_untrusted(Untrusted(notice, source), boundary)
            return FilteredOutput(wrapped.text, True, True, tuple(decisions))
        wrapped = wrap_untrusted(Untrusted(check.sanitized, source), boundary)
        # Review-level content is shown wrapped but taints the thread even for a trusted tool,
        # so that side-effecting calls after it need approval.
        tainted = tainted or check.verdict is Verdict.REVIEW
        return FilteredOutput(wrapped.text, tainted, False, tuple(decisions))


@dataclass(frozen=True, slots=True)
class ScreenedText:
    text: str  # what may go on (to the model, or to a channel)
    notice: str | None  # one line for the user when something was redacted or blocked
    decisions: tuple[tuple[str, str], ...]  # (rule, action) to record
    blocked: bool = False


def screen_user_message(detector: LeakDetector, text: str) -> ScreenedText:
    """Before the model sees a user message: every finding is redacted, the user is told.

    Even a block-level finding only redacts here: the user wrote it, so the rest of the
    message can still be answered.
    """
    scan = detector.scan(text)
    if not scan.findings:
        return ScreenedText(text, None, ())
    decisions = tuple((f.rule, f.action.value) for f in scan.findings)
    strong = [(f.rule, f.action.value) for f in scan.findings if f.action is not LeakAction.WARN]
    if not strong:
        return ScreenedText(text, None, decisions)
    return ScreenedText(
        scan.redacted, USER_REDACTION_NOTICE.format(rules=_names(strong)), decisions
    )


def screen_llm_output(detector: LeakDetector, text: str) -> ScreenedText:
    """Before any channel shows a model answer: block replaces it, redact redacts."""
    scan = detector.scan(text)
    decisions = tuple((f.rule, f.action.value) for f in scan.findings)
    if scan.action is LeakAction.BLOCK:
        blocked = [(r, a) for r, a in decisions if a == LeakAction.BLOCK.value]
        notice = LEAK_BLOCK_NOTICE.format(rules=_names(blocked))
        return ScreenedText(notice, notice, decisions, blocked=True)
    return ScreenedText(scan.redacted, None, decisions)
