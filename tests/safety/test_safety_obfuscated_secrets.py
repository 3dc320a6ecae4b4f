"""A credential with one character disguised (percent-escape, zero-width space, HTML
reference, fullwidth form, soft hyphen) is redacted whole: no run of it survives either side
of the disguise. One sample of every family in the leak corpus, written as an attacker would."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from bastion.safety import LeakDetector

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks" / "safety"))

import leak_corpus
from tests.safety.leak_rule_checks import one_sample_per_family

_DISGUISES = {
    "percent": lambda c: f"%{ord(c):02X}",
    "zero_width": lambda c: c + "\u200b",
    "html_reference": lambda c: f"&#{ord(c)};",
    "fullwidth": lambda c: chr(ord(c) + 0xFEE0),
    "soft_hyphen": lambda c: c + "\u00ad",
}
_FRAGMENT = 6  # characters of a secret that must not survive next to the disguise
_MARKER = re.compile(r"\[REDACTED:[^\]]*\]")


def _one_sample_per_family() -> list[leak_corpus.Sample]:
    return one_sample_per_family(
        leak_corpus.build(), lambda secret: len(secret) >= 2 * _FRAGMENT + 4 and "\n" not in secret
    )


_SAMPLES = _one_sample_per_family()


@pytest.fixture(scope="module")
def detector() -> LeakDetector:
    return LeakDetector()


@pytest.mark.parametrize("disguise", sorted(_DISGUISES))
def test_a_disguised_character_does_not_let_part_of_a_secret_out(
    detector: LeakDetector, disguise: str
) -> None:
    rng = random.Random(disguise)
    leaks = []
    for sample in _SAMPLES:
        secret = sample.secret
        assert secret is not None
        places = [i for i in range(_FRAGMENT, len(secret) - _FRAGMENT) if secret[i].isalnum()]
        at = rng.choice(places)
        disguised = secret[:at] + _DISGUISES[disguise](secret[at]) + secret[at + 1 :]
        text = sample.text.replace(secret, disguised)
        context = sample.text.replace(secret, "")
        shown = _MARKER.sub("#", detector.scan(text).redacted)
        for fragment in (secret[at - _FRAGMENT : at], secret[at + 1 : at + 1 + _FRAGMENT]):
            if fragment in shown and fragment not in context:
                leaks.append((sample.kind, fragment, shown[:120]))
    assert len(_SAMPLES) > 150
    assert not leaks, leaks
