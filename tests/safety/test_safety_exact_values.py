"""A stored secret is found by exact value in every encoded form, before any pattern."""

from __future__ import annotations

import base64
from urllib.parse import quote, quote_plus

import pytest

from bastion.safety import VAULT_SECRET_RULE, LeakAction, LeakDetector

# No pattern matches this: only exact-value detection can find it.
SECRET = "correct horse/battery+staple=42"


def forms() -> dict[str, str]:
    raw = SECRET.encode()
    return {
        "raw": SECRET,
        "b64": base64.b64encode(raw).decode(),
        "b64_nopad": base64.b64encode(raw).decode().rstrip("="),
        "b64url": base64.urlsafe_b64encode(raw).decode(),
        "hex": raw.hex(),
        "HEX": raw.hex().upper(),
        "url": quote(SECRET, safe=""),
        "url_plus": quote_plus(SECRET),
    }


@pytest.fixture(scope="module")
def detector() -> LeakDetector:
    d = LeakDetector()
    assert d.add_known_secret(SECRET)
    return d


@pytest.mark.parametrize("name", sorted(forms()))
def test_each_encoded_form_is_redacted(detector: LeakDetector, name: str) -> None:
    encoded = forms()[name]
    scan = detector.scan(f"result: {encoded} done")
    assert [f.rule for f in scan.findings] == [VAULT_SECRET_RULE]
    assert encoded not in scan.redacted
    assert scan.redacted == f"result: [REDACTED:{VAULT_SECRET_RULE}] done"


@pytest.mark.parametrize("prefix", [b"", b"a", b"ab", b"abc", b"abcd"])
def test_secret_inside_a_longer_base64_stream_at_any_alignment(
    detector: LeakDetector, prefix: bytes
) -> None:
    blob = base64.b64encode(prefix + b"{'token': '" + SECRET.encode() + b"'} trailing").decode()
    scan = detector.scan(blob)
    assert scan.findings, f"missed at alignment {len(prefix) % 3}"
    assert scan.findings[0].rule == VAULT_SECRET_RULE


def test_secret_split_by_zero_width_characters(detector: LeakDetector) -> None:
    text = "correct\u200b horse/batt\u200dery+staple=42"
    scan = detector.scan(text)
    assert scan.findings
    finding = scan.findings[0]
    assert text[finding.start : finding.end] == text


def test_known_secrets_from_the_constructor_and_action_override() -> None:
    d = LeakDetector(known_secrets=[SECRET], overrides={VAULT_SECRET_RULE: "block"})
    assert d.scan(SECRET).action is LeakAction.BLOCK


def test_too_short_secret_is_refused_not_silently_ignored() -> None:
    assert LeakDetector().add_known_secret("abc") is False
