"""The shape of one leak-detection rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bastion.safety.findings import LeakAction, Severity

__all__ = ["ASSIGN", "LeakRule", "keyed", "rule"]

_TOKEN_END = r"(?:[^A-Za-z0-9_\-]|$)"  # noqa: S105 (a pattern, not a secret)
# After a keyword: up to 20 more name characters, then an assignment (`KEY=`, `key: "`,
# `"key": "`, `key := `, `key => `).
ASSIGN = r"[A-Za-z0-9_\-.]{0,20}[\"']?\s*(?::=|=>|[:=])\s*[\"']?"


@dataclass(frozen=True, slots=True)
class LeakRule:
    """A credential format: an RE2 pattern, where the secret sits in it, and a post-check.

    ``group`` selects the capture group holding the secret (0: the whole match), so that a
    connection string loses only its password. ``validator`` sees that secret only.
    ``fixed_preview`` replaces the 4+4 preview (private keys show no characters at all).
    ``as_given``: also matched on the text before percent-decoding (passwords in URLs).
    """

    name: str
    severity: Severity
    action: LeakAction
    pattern: str
    group: int = 0
    validator: Callable[[str], bool] | None = None
    fixed_preview: str | None = None
    # Also matched on the text as given when it holds percent-escapes: a URL spells a
    # password's "@" or "/" as %40 or %2F, and decoded, the password would end early.
    as_given: bool = False


def rule(
    name: str,
    pattern: str,
    severity: Severity = Severity.CRITICAL,
    action: LeakAction = LeakAction.BLOCK,
    *,
    group: int = 0,
    validator: Callable[[str], bool] | None = None,
    fixed_preview: str | None = None,
    ended: bool = False,
    as_given: bool = False,
) -> LeakRule:
    """Build a rule; ``ended`` requires that no token character follows the match.

    RE2 has no lookahead, so the following character is consumed outside group 1, which then
    holds the token (inner groups of ``pattern`` shift by one).
    """
    if ended:
        pattern = f"({pattern}){_TOKEN_END}"
        group = group + 1 if group else 1
    return LeakRule(name, severity, action, pattern, group, validator, fixed_preview, as_given)


def keyed(
    name: str,
    keyword: str,
    value: str,
    severity: Severity = Severity.HIGH,
    *,
    validator: Callable[[str], bool] | None = None,
) -> LeakRule:
    """A value with no prefix of its own, assigned to a name holding its vendor's
    (``ZENDESK_KEY = ...``): ``keyword`` is matched case-insensitively, the value (group 1)
    must not run on into more token characters, and the finding redacts rather than blocks,
    since the name, not a format, marks the value as a secret."""
    return rule(
        name,
        f"(?i:{keyword}){ASSIGN}({value})",
        severity,
        LeakAction.REDACT,
        group=1,
        validator=validator,
        ended=True,
    )
