"""A stored secret is found by exact value in every encoded form, before any pattern."""

from __future__ import annotations

import base64
import codecs
from urllib.parse import quote, quote_plus

import pytest

from bastion.safety import VAULT_SECRET_RULE, LeakAction, LeakDetector
from bastion.safety.exact_values import encoded_forms

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
        # What a model told to hide the value writes without any tool.
        "reversed": SECRET[::-1],
        "rot13": codecs.encode(SECRET, "rot13"),
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
    # Found by its encoded form, and by what the whole blob decodes to (reported on the blob).
    assert scan.findings[0].rule in (VAULT_SECRET_RULE, f"base64:{VAULT_SECRET_RULE}")
    assert not any(form in scan.redacted for form in encoded_forms(SECRET))


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


KEY = "zq-live-4f9a8b7c6d5e3f2a"  # a stored key no pattern knows, spelt out or not


@pytest.mark.parametrize(
    "spelt",
    [
        " ".join(KEY),  # a space between every character
        "\n".join(KEY),  # one character per line
        ".".join(KEY.replace("-", "")),  # dots, the key's own dashes dropped
        "zq_live_4f9a 8b7c 6d5e 3f2a",  # groups, other separators
        "z-q-l-i-v-e-4-f-9-a-8-b-7-c-6-d-5-e-3-f-2-a",
        " ".join(KEY[::-1]),  # reversed, then spelt out
        "\n".join(codecs.encode(KEY, "rot13")),  # ROT13, one character per line
    ],
)
def test_a_secret_spelt_out_with_separators_is_redacted(spelt: str) -> None:
    # What an injected model is told to do to get a key past the scanner.
    detector = LeakDetector(known_secrets=[KEY])
    text = f"As requested: {spelt} (that is all)."
    scan = detector.scan(text)
    assert scan.blocked or scan.action is LeakAction.REDACT
    (finding,) = [f for f in scan.findings if f.rule == VAULT_SECRET_RULE]
    assert text[finding.start : finding.end] == spelt
    assert spelt not in scan.redacted
    assert scan.redacted == f"As requested: [REDACTED:{VAULT_SECRET_RULE}] (that is all)."


def test_spaced_search_does_not_flag_ordinary_text_or_short_secrets() -> None:
    detector = LeakDetector(known_secrets=[KEY, "hunter2"])
    assert not detector.scan("s k i p the l i v e demo, 4 f 9 a are hex digits.").findings
    # Seven characters: searched as written, never spaced out (it would match ordinary words).
    assert not detector.scan("h u n t e r 2").findings
    assert detector.scan("hunter2").findings


def test_a_hex_secret_is_found_in_either_letter_case() -> None:
    # Hex digits mean the same in either case: an upper-cased token is the token.
    token = "4f9a8b7c6d5e3f2a1b0c9d8e7f6a5b4c"
    detector = LeakDetector(known_secrets=[token])
    for shown in (token.upper(), token[::-1].upper()):
        scan = detector.scan(f"token {shown} ok")
        assert [f.rule for f in scan.findings] == [VAULT_SECRET_RULE], shown
        assert shown not in scan.redacted


def test_case_is_not_folded_for_a_secret_that_is_not_hex() -> None:
    # A base62 key upper-cased is another string: folding case for it would only add noise.
    detector = LeakDetector(known_secrets=[KEY])
    assert not [f for f in detector.scan(KEY.upper()).findings if f.rule == VAULT_SECRET_RULE]
