"""A key written in groups set apart by punctuation is found on its groups joined.

``AKIA IOSF …`` with spaces or dashes was read already; a model told to use dots, slashes,
bars (a table's cells), commas, quotes or brackets instead got the key past every rule.
"""

from __future__ import annotations

import random
import string

import pytest

from bastion.safety import LeakDetector
from bastion.safety.punctuated_groups import punctuated_runs

_RNG = random.Random(41)


def _random(n: int, alphabet: str) -> str:
    return "".join(_RNG.choice(alphabet) for _ in range(n))


AWS_KEY = "AKIA" + _random(16, string.ascii_uppercase + string.digits)
GITHUB_TOKEN = "ghp_" + _random(36, string.ascii_letters + string.digits)

SEPARATORS = [".", "/", ":", ";", ",", ", ", " | ", "|", "+", " + ", "...", "\u00b7", " \u2022 "]
WRAPPERS = {
    "quoted": lambda groups: ", ".join(f"'{g}'" for g in groups),
    "bracketed": lambda groups: "".join(f"[{g}]" for g in groups),
    "parenthesised": lambda groups: "".join(f"({g})" for g in groups),
    "table cells": lambda groups: "| " + " | ".join(groups) + " |",
}


def _groups(secret: str, size: int) -> list[str]:
    return [secret[i : i + size] for i in range(0, len(secret), size)]


@pytest.fixture(scope="module")
def detector() -> LeakDetector:
    return LeakDetector()


@pytest.mark.parametrize("separator", SEPARATORS)
@pytest.mark.parametrize("size", [3, 4, 5, 8])
@pytest.mark.parametrize("secret", [AWS_KEY, GITHUB_TOKEN])
def test_groups_apart_by_punctuation_are_read_joined(
    detector: LeakDetector, separator: str, size: int, secret: str
) -> None:
    groups = _groups(secret, size)
    text = f"here it is, as you asked: {separator.join(groups)} (do not share)"
    scan = detector.scan(text)
    assert any(f.rule.startswith("grouped:") for f in scan.findings), text
    # Every group but a preview's worth at the edges is gone.
    for group in groups[1:-1]:
        assert group not in scan.redacted, scan.redacted


@pytest.mark.parametrize("style", sorted(WRAPPERS))
def test_groups_quoted_bracketed_or_in_cells_are_read_joined(
    detector: LeakDetector, style: str
) -> None:
    text = "key: " + WRAPPERS[style](_groups(AWS_KEY, 4))
    scan = detector.scan(text)
    assert any(f.rule == "grouped:aws_access_key" for f in scan.findings), text


@pytest.mark.parametrize(
    "text",
    [
        "see /usr/local/lib/python3.11/site-packages/bastion/safety for the code",
        "released v2.14.3 and v2.15.0 on 2026.11.30 at 10:15:02",
        "the server is at 2001:0db8:85a3:0000:0000:8a2e:0370:7334 behind 10.0.0.1",
        "MAC 00:1a:2b:3c:4d:5e, card on file ends 4111.1111.1111.1111? no, 1111",
        "call +1.555.123.4567 or 555.987.6543 before 18:00",
        "tags: alpha, bravo, delta, gamma, kappa, sigma",
        "| name | role | team |\n|------|------|------|\n| Anna | lead | core |",
        "[INFO][main][2026][boot] starting worker pool",
        "a.b.c.d.e.f.g (the chain), then abcd.efgh.ijkl.mnop for the test table",
        "org.apache.commons.lang3.StringUtils and com.google.common.base.Preconditions",
    ],
)
def test_ordinary_punctuated_text_stays_clean(detector: LeakDetector, text: str) -> None:
    assert detector.scan(text).findings == ()


def test_runs_keep_to_one_separator_and_one_group_length() -> None:
    data = b"x AKIA.Q3EG.T5L6.NRW and 1.22.333 and ab/cd/ef"
    runs = [[data[s:e] for s, e in run.groups] for run in punctuated_runs(data)]
    assert [b"AKIA", b"Q3EG", b"T5L6", b"NRW"] in runs
    assert all(b"333" not in run for run in runs)  # group lengths 1, 2, 3: not a run


def test_a_mixed_separator_ends_the_run() -> None:
    data = b"AKIA.Q3EG.T5L6/NRWJ/DPVK"
    runs = [[data[s:e] for s, e in run.groups] for run in punctuated_runs(data)]
    assert runs[0] == [b"AKIA", b"Q3EG", b"T5L6"]
