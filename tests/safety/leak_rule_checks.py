"""What every family of leak rules must show on its own samples, shared by the family tests:
names that read well, each sample found under its own rule with the rule's action and on
the secret alone, and redaction that removes the secret (a warn rule reports, never removes)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from bastion.safety import LeakAction, LeakDetector
from bastion.safety.leak_rules import DEFAULT_LEAK_RULES, LeakRule

ACTIONS = {r.name: r.action for r in DEFAULT_LEAK_RULES}
PUBLIC = {r.name for r in DEFAULT_LEAK_RULES if r.action is LeakAction.WARN}


def one_sample_per_family(samples: Iterable[Any], keep: Callable[[str], bool]) -> list[Any]:
    """The first leak-corpus sample of each family that a rule removes (not a warn rule's,
    not a near-miss) whose secret appears once in its text and passes ``keep``."""
    chosen: dict[str, Any] = {}
    for sample in samples:
        secret = sample.secret
        if (
            secret is not None
            and sample.context != "near_miss"
            and sample.kind not in PUBLIC
            and sample.text.count(secret) == 1
            and keep(secret)
        ):
            chosen.setdefault(sample.kind, sample)
    return sorted(chosen.values(), key=lambda s: s.kind)


def assert_names_are_snake_case_and_unique(rules: Iterable[LeakRule]) -> None:
    names = [r.name for r in rules]
    assert len(names) == len(set(names))
    assert all(n == n.lower() and " " not in n and "-" not in n for n in names)


def assert_found_under_its_own_name(
    detector: LeakDetector, text: str, secret: str, name: str
) -> None:
    start = text.index(secret)
    end = start + len(secret)
    mine = [f for f in detector.scan(text).findings if f.rule == name]
    assert mine, f"{name} did not report {text!r}: {detector.scan(text).findings}"
    (finding,) = mine
    assert finding.action is ACTIONS[name]
    assert finding.start <= start
    assert finding.end >= end
    # the finding is the secret, not the keyword or the line around it
    assert finding.end - finding.start <= len(secret) + 1


def assert_redacted(detector: LeakDetector, text: str, secret: str, name: str) -> None:
    scan = detector.scan(text)
    if ACTIONS[name] is LeakAction.WARN:  # public keys are reported, not removed
        assert secret in scan.redacted
        return
    assert secret not in scan.redacted
    assert f"[REDACTED:{name}]" in scan.redacted
