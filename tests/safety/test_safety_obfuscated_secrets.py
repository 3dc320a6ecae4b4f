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


def _shown_fragments(
    detector: LeakDetector, sample: leak_corpus.Sample, at: int, disguise: str
) -> list[tuple[str, str, str]]:
    """The runs of the sample's secret either side of character ``at`` that still show once
    that character is written as ``disguise`` and the text is scanned."""
    secret = sample.secret
    assert secret is not None
    text = sample.text.replace(secret, secret[:at] + disguise + secret[at + 1 :])
    context = sample.text.replace(secret, "")
    shown = _MARKER.sub("#", detector.scan(text).redacted)
    return [
        (sample.kind, fragment, shown[:120])
        for fragment in (secret[at - _FRAGMENT : at], secret[at + 1 : at + 1 + _FRAGMENT])
        if fragment in shown and fragment not in context
    ]


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
        leaks += _shown_fragments(detector, sample, at, _DISGUISES[disguise](secret[at]))
    assert len(_SAMPLES) > 150
    assert not leaks, leaks


# The Cyrillic letters an attacker swaps in for Latin ones (Unicode's clear confusables).
_CYRILLIC_FOR = {
    "a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441", "x": "\u0445",
    "y": "\u0443", "A": "\u0410", "B": "\u0412", "E": "\u0415", "K": "\u041a", "M": "\u041c",
    "H": "\u041d", "O": "\u041e", "P": "\u0420", "C": "\u0421", "T": "\u0422", "X": "\u0425",
}  # fmt: skip


def test_a_lookalike_letter_does_not_let_part_of_a_secret_out(detector: LeakDetector) -> None:
    rng = random.Random("lookalike")
    leaks = []
    tried = 0
    for sample in _SAMPLES:
        secret = sample.secret
        assert secret is not None
        places = [
            i
            for i in range(_FRAGMENT, len(secret) - _FRAGMENT)
            if secret[i] in _CYRILLIC_FOR and secret[i - 1].isalpha()
        ]
        if not places:
            continue
        tried += 1
        at = rng.choice(places)
        leaks += _shown_fragments(detector, sample, at, _CYRILLIC_FOR[secret[at]])
    assert tried > 100
    assert not leaks, leaks


def test_a_stored_secret_with_a_lookalike_letter_is_found() -> None:
    secret = "sk-live-9fK2mQ7xR4tB8nW1"
    detector = LeakDetector(known_secrets=[secret])
    disguised = secret.replace("K", "\u039a")  # GREEK CAPITAL LETTER KAPPA
    scan = detector.scan(f"the key is {disguised}, keep it")
    assert "lookalike:vault_secret" in {f.rule for f in scan.findings}
    assert disguised not in scan.redacted


@pytest.mark.parametrize(
    "text",
    # Real text in Russian and Greek, whose letters only look Latin: it is read as it is.
    [
        "Привет! Код заказа AB12 отправлен, модель iPhone 15 Pro, ключ API выдаётся в кабинете.",
        "Η ομάδα DevOps ανέβασε το release v2.4.1 στο GitHub χθες το βράδυ.",  # noqa: RUF001
        "Встреча по проекту Atlas в 10:00, см. документ ТЗ-2024-17 и таблицу KPI.",  # noqa: RUF001
    ],
)
def test_text_in_other_scripts_with_latin_words_stays_clean(
    detector: LeakDetector, text: str
) -> None:
    assert not detector.scan(text).findings
