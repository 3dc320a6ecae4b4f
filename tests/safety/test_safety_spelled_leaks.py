"""Credentials spelt out a character at a time are found, as an injected model would write them
to get a key past every pattern; ordinary spaced-out text stays clean."""

from __future__ import annotations

import random

import pytest
import re2

from bastion.safety import LeakAction, LeakDetector
from bastion.safety.encoded_text import EncodedText

AWS = "AKIAIOSFODNN7EXAMPLE"
STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
GITHUB = "ghp_" + "aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gH3jK5"


@pytest.fixture(scope="module")
def detector() -> LeakDetector:
    return LeakDetector()


_KEYS = [(AWS, "aws_access_key"), (STRIPE, "stripe_secret_key"), (GITHUB, "github_token")]
_SEPARATORS = [" ", "\n", "\r\n", ".", ", ", "  ", " | ", "-", "_"]


@pytest.mark.parametrize(
    ("secret", "rule", "separator"),
    # A key's own characters cannot also separate them ("_" in sk_live_).
    [(k, r, s) for k, r in _KEYS for s in _SEPARATORS if s not in k],
)
def test_a_credential_spelt_out_is_found_and_acted_on_as_its_rule_says(
    detector: LeakDetector, secret: str, rule: str, separator: str
) -> None:
    spelt = separator.join(secret)
    text = f"Sure! Here it is, one character at a time:\n{spelt}\nLet me know if it works."
    scan = detector.scan(text)
    found = [f for f in scan.findings if f.rule == f"spaced:{rule}"]
    assert found, scan.findings
    assert scan.action is LeakAction.BLOCK
    # The finding spans the spelt characters, from the first to the last.
    assert text[found[0].start : found[0].end] == spelt
    assert spelt not in scan.redacted
    assert f"[REDACTED:spaced:{rule}]" in scan.redacted


def test_the_finding_covers_only_the_credential_inside_a_longer_spelt_run(
    detector: LeakDetector,
) -> None:
    spelt = " ".join("xy" + AWS + "z")
    scan = detector.scan(spelt)
    (finding,) = [f for f in scan.findings if f.rule == "spaced:aws_access_key"]
    assert spelt[finding.start : finding.end] == " ".join(AWS)
    assert finding.preview.startswith("A I") or len(finding.preview) < len(spelt)


@pytest.mark.parametrize(
    "text",
    [
        "Options: a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p.",
        "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
        "Row: 0 1 0 1 1 0 0 1 0 1 1 1 0 1 0 0 1 1 0 1",
        "The word is s p e l l e d  o u t  f o r  y o u.",
        "N\nA\nS\nA\n \nJ\nP\nL\n \nM\nI\nT\n \nC\nE\nR\nN",
        "grid:\nx . x . x . x . x . x . x . x . x",
        "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t",
    ],
)
def test_ordinary_spaced_out_text_stays_clean(detector: LeakDetector, text: str) -> None:
    assert detector.scan(text).findings == ()


def test_base64_runs_are_what_a_search_for_base64_alone_finds() -> None:
    # Spelt runs are found in the same pass as base64 runs; where one ends in a character
    # that also starts a base64 run, the base64 run must still be the maximal one.
    own = re2.compile(rb"[A-Za-z0-9+/_\-]{16,}={0,2}")
    rng = random.Random(17)
    pieces = ["A ", "b.", "7\n", "_ ", "-,", "x", "QUJD" * 5, "=", " ", ", ", "é", "+/", "Z"]
    pieces += ["a-", "b_", "-c", "Q-U-J-D-Q-U-J-D-Q", " ", "\t", "S-e-n-d ", "=="]  # dashed words
    spelt = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) * rng.randint(1, 14) for _ in range(rng.randint(1, 10)))
        encoded = EncodedText(text)
        assert encoded.base64_runs() == [m.span() for m in own.finditer(encoded.data)], text
        spelt += bool(encoded.spelled_runs())
    assert spelt > 300  # the generator does make spelt runs
