"""``bastion safety check``: injection sanitizer and content policy, one verdict."""

from __future__ import annotations

from collections.abc import Mapping

from bastion.safety.lookalikes import fold_lookalikes
from bastion.safety.normalize import normalize
from bastion.safety.policy import PolicyEngine
from bastion.safety.sanitizer import InjectionFinding, Sanitizer, SanitizeResult
from bastion.safety.verdicts import strongest_verdict

__all__ = ["ContentChecker"]


class ContentChecker:
    """Sanitizer findings plus policy violations; the strongest verdict wins."""

    def __init__(
        self,
        injection_verdicts: Mapping[str, str] | None = None,
        policy_actions: Mapping[str, str] | None = None,
    ) -> None:
        self.sanitizer = Sanitizer(injection_verdicts)
        self.policy = PolicyEngine(policy_actions)

    def check(self, text: str) -> SanitizeResult:
        norm = normalize(text)
        result = self.sanitizer.check(text, norm)
        # "/etc/passwd" with a Cyrillic a is still a system file.
        folded = fold_lookalikes(norm.text, norm.encoded.data)
        violations = (
            self.policy.check(norm.text, norm.encoded)
            if folded is None
            else self.policy.check(folded)
        )
        if not violations:
            return result
        extra = tuple(
            InjectionFinding(v.rule, v.severity, *norm.to_original(v.start, v.end))
            for v in violations
        )
        verdict = strongest_verdict([result.verdict, *(v.action for v in violations)])
        findings = tuple(sorted(result.findings + extra, key=lambda f: (f.start, f.rule)))
        return SanitizeResult(verdict, findings, result.sanitized)
