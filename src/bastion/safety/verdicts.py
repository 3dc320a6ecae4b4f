"""Verdicts of the injection and policy checks, and the configurable severity → verdict map."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from bastion.contracts.errors import ConfigError
from bastion.safety.findings import Severity

__all__ = ["DEFAULT_VERDICTS", "Verdict", "parse_verdicts", "strongest_verdict"]


class Verdict(StrEnum):
    """allow < warn < sanitize < review < block."""

    ALLOW = "allow"
    WARN = "warn"
    SANITIZE = "sanitize"
    REVIEW = "review"
    BLOCK = "block"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {v: i for i, v in enumerate(Verdict)}

# High-severity signals (an instruction to drop the rules, a forged tool call, a template
# token) block; medium ones ask for review; low ones are only recorded.
DEFAULT_VERDICTS: Mapping[Severity, Verdict] = {
    Severity.LOW: Verdict.WARN,
    Severity.MEDIUM: Verdict.REVIEW,
    Severity.HIGH: Verdict.BLOCK,
    Severity.CRITICAL: Verdict.BLOCK,
}


def strongest_verdict(verdicts: list[Verdict]) -> Verdict:
    return max(verdicts, key=lambda v: v.rank, default=Verdict.ALLOW)


def parse_verdicts(overrides: Mapping[str, str] | None) -> dict[Severity, Verdict]:
    """Defaults with ``overrides`` (severity name → verdict name) applied; bad names fail."""
    table = dict(DEFAULT_VERDICTS)
    for severity_name, verdict_name in (overrides or {}).items():
        try:
            table[Severity(severity_name)] = Verdict(verdict_name)
        except ValueError:
            raise ConfigError(
                f"injection verdict {severity_name!r} -> {verdict_name!r}: severities are "
                f"{', '.join(s.value for s in Severity)}; verdicts are "
                f"{', '.join(v.value for v in Verdict)}"
            ) from None
    return table
