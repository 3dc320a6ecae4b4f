"""What a safety scan reports: severities, actions and findings with safe previews."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Finding", "LeakAction", "Severity", "preview_of", "strongest_action"]


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


class LeakAction(StrEnum):
    """What happens to text holding a finding: allow < warn < redact < block."""

    ALLOW = "allow"
    WARN = "warn"
    REDACT = "redact"
    BLOCK = "block"

    @property
    def rank(self) -> int:
        return _ACTION_RANK[self]


_SEVERITY_RANK = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2, Severity.CRITICAL: 3}
_ACTION_RANK = {LeakAction.ALLOW: 0, LeakAction.WARN: 1, LeakAction.REDACT: 2, LeakAction.BLOCK: 3}

# Matches this short or shorter are previewed as stars only: 4 + 4 visible characters of an
# 8-character secret would be the whole secret.
_MIN_PREVIEW_LEN = 12


def preview_of(match: str) -> str:
    """First 4 and last 4 characters around an ellipsis; nothing visible for short matches."""
    if len(match) <= _MIN_PREVIEW_LEN:
        return "*" * min(len(match), 8)
    return f"{match[:4]}…{match[-4:]}"


def strongest_action(actions: list[LeakAction] | tuple[LeakAction, ...]) -> LeakAction:
    best = LeakAction.ALLOW
    for action in actions:
        if action.rank > best.rank:
            best = action
    return best


@dataclass(frozen=True, slots=True)
class Finding:
    """One match. ``start``/``end`` are character offsets into the text as given."""

    rule: str
    severity: Severity
    action: LeakAction
    start: int
    end: int
    preview: str

    def to_json(self) -> dict[str, str | int]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "action": self.action.value,
            "start": self.start,
            "end": self.end,
            "preview": self.preview,
        }
