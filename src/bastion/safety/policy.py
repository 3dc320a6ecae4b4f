"""Content policy: named rules with a severity and an action, configurable by name."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import re2

from bastion.contracts.errors import ConfigError
from bastion.safety.encoded_text import EncodedText
from bastion.safety.findings import Severity
from bastion.safety.verdicts import Verdict

__all__ = ["DEFAULT_POLICY_RULES", "PolicyEngine", "PolicyRule", "PolicyViolation"]

# A DFA budget that holds on text that keeps changing (the default 8 MB filled and was rebuilt
# over and over); states are built as text needs them.
_SET_OPTIONS = re2.Options()
_SET_OPTIONS.max_mem = 64 << 20

C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW


@dataclass(frozen=True, slots=True)
class PolicyRule:
    name: str
    severity: Severity
    action: Verdict  # warn | sanitize | review | block (allow disables the rule)
    pattern: str


@dataclass(frozen=True, slots=True)
class PolicyViolation:
    rule: str
    severity: Severity
    action: Verdict
    start: int
    end: int


DEFAULT_POLICY_RULES: tuple[PolicyRule, ...] = (
    PolicyRule(
        "system_file_access",
        C,
        Verdict.BLOCK,
        r"(?i)/etc/(?:passwd|shadow|gshadow|sudoers)\b|~?/\.ssh/|\.aws/credentials|"
        r"\.git-credentials|/\.netrc\b|/\.pgpass\b|\.docker/config\.json|\.kube/config|"
        r"/proc/(?:self|\d+)/environ|/\.gnupg/|\bid_(?:rsa|ed25519|ecdsa|dsa)\b",
    ),
    PolicyRule(
        "crypto_private_key",
        C,
        Verdict.BLOCK,
        r"(?i)(?:private.?key|seed.?phrase|mnemonic).{0,20}[0-9a-f]{64}",
    ),
    PolicyRule(
        "shell_injection",
        C,
        Verdict.BLOCK,
        r"(?i)(?:;|&&|\|\||\|)\s*(?:sudo\s+)?rm\s+-[rRf]{1,3}\s|;\s*(?:curl|wget)\s[^|\n]{0,300}\|\s*"
        r"(?:sudo\s+)?(?:ba|z|da)?sh\b|\bnc\s+(?:-\w+\s+)*-e\s|/dev/tcp/\S+|\bbash\s+-i\s+>&|"
        r"\bbase64\s+(?:-d|--decode)\s*\|\s*(?:ba|z)?sh\b|\bmkfifo\s+/tmp/\S+;\s*nc\b",
    ),
    PolicyRule(
        "remote_script_pipe",
        H,
        Verdict.REVIEW,
        r"(?i)\b(?:curl|wget)\s[^|\n]{0,300}\|\s*(?:sudo\s+)?(?:ba|z|da)?sh\b|"
        r"\$\(\s*(?:curl|wget)\s|`(?:curl|wget)\s",
    ),
    PolicyRule(
        "sql_pattern",
        M,
        Verdict.WARN,
        r"(?i)\b(?:DROP\s+TABLE|DELETE\s+FROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|TRUNCATE\s+TABLE)\b",
    ),
    PolicyRule(
        "encoded_exploit",
        H,
        Verdict.SANITIZE,
        r"(?i)\bbase64_decode\s*\(|\beval\s*\(\s*(?:base64|atob|unescape)|\batob\s*\(",
    ),
    PolicyRule("excessive_urls", L, Verdict.WARN, r"(?:https?://[^\s]+\s*){10,}"),
    PolicyRule("obfuscated_string", M, Verdict.WARN, r"[^\s]{500,}"),
)


class PolicyEngine:
    """Runs the policy rules; ``overrides`` maps a rule name to a new action."""

    def __init__(
        self,
        overrides: Mapping[str, str] | None = None,
        rules: Iterable[PolicyRule] = DEFAULT_POLICY_RULES,
    ) -> None:
        table = list(rules)
        names = {r.name for r in table}
        active: list[PolicyRule] = []
        overrides = dict(overrides or {})
        unknown = sorted(set(overrides) - names)
        if unknown:
            raise ConfigError(f"unknown policy rule(s) in settings: {', '.join(unknown)}")
        for base in table:
            r = base
            if r.name in overrides:
                try:
                    r = replace(r, action=Verdict(overrides[r.name]))
                except ValueError:
                    raise ConfigError(
                        f"policy rule {r.name!r}: {overrides[r.name]!r} is not a verdict"
                    ) from None
            if r.action is not Verdict.ALLOW:
                active.append(r)
        self._rules = tuple(active)
        self._compiled = tuple(re2.compile(r.pattern) for r in active)
        self._set = re2.Set.SearchSet(_SET_OPTIONS)
        for r in active:
            self._set.Add(r.pattern)
        self._set.Compile()

    def check(self, text: str, encoded: EncodedText | None = None) -> tuple[PolicyViolation, ...]:
        """Violations in ``text``; pass ``encoded`` when the caller has its UTF-8 already."""
        encoded = encoded or EncodedText(text)
        hits = self._set.Match(encoded.data)
        if not hits:
            return ()
        found: list[PolicyViolation] = []
        for index in sorted(hits):
            r = self._rules[index]
            match = self._compiled[index].search(encoded.data)
            if match is not None:
                start, end = encoded.span(*match.span())
                found.append(PolicyViolation(r.name, r.severity, r.action, start, end))
        return tuple(found)
