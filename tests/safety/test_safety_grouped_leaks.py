"""Credentials written in groups (``AKIA IOSF ODNN 7EXA MPLE``), as a model told to "put a
space every four characters" would write a key to get it past every pattern, are found; text
that lines up in groups of its own (card numbers, IPv6, product keys, prose) stays clean."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from bastion.safety import LeakAction, LeakDetector
from bastion.safety.encoded_text import EncodedText

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks" / "safety"))

import leak_corpus
from tests.safety.leak_rule_checks import one_sample_per_family

AWS = "AKIAZ3MHQ7LXPWN4TRVB"
_GROUP_CHARACTERS = re.compile(r"[A-Za-z0-9_+/=\-]+")
_LOWER_AND_DIGITS = re.compile(r"[a-z0-9]+")
_MARKER = re.compile(r"\[REDACTED:[^\]]*\]")
_FRAGMENT = 6


@pytest.fixture(scope="module")
def detector() -> LeakDetector:
    return LeakDetector()


def _grouped(secret: str, size: int, separator: str) -> str:
    return separator.join(secret[i : i + size] for i in range(0, len(secret), size))


def _one_sample_per_family(separator: str) -> list[leak_corpus.Sample]:
    return one_sample_per_family(
        leak_corpus.build(),
        lambda secret: (
            len(secret) >= 16
            and _GROUP_CHARACTERS.fullmatch(secret) is not None
            # Keys of lowercase letters and digits alone (Etsy, Mattermost) are not covered:
            # a group of them is often all letters, and such groups are what prose is made of.
            and not _LOWER_AND_DIGITS.fullmatch(secret)
            and separator not in secret  # a key's own dashes cannot also separate its groups
        ),
    )


@pytest.mark.parametrize(
    ("size", "separator"), [(4, " "), (5, " "), (4, "-"), (5, "-"), (4, "_"), (5, "_")]
)
def test_no_group_of_a_credential_written_in_groups_gets_out(
    detector: LeakDetector, size: int, separator: str
) -> None:
    samples = _one_sample_per_family(separator)
    leaks = []
    for sample in samples:
        secret = sample.secret
        assert secret is not None
        text = sample.text.replace(secret, _grouped(secret, size, separator))
        context = sample.text.replace(secret, "")
        shown = _MARKER.sub("#", detector.scan(text).redacted).replace(separator, "")
        joined_shown = shown.replace(" ", "")
        for at in range(0, len(secret) - _FRAGMENT, _FRAGMENT):
            fragment = secret[at : at + _FRAGMENT]
            if fragment in joined_shown and fragment not in context.replace(" ", ""):
                leaks.append((sample.kind, fragment, shown[:120]))
                break
    assert len(samples) > 90
    assert not leaks, leaks


@pytest.mark.parametrize(
    "text",
    [
        f"key: {_grouped(AWS, 4, ' ')}",
        f"the cat sat on the mat with {_grouped(AWS, 4, ' ')}.",
        f"aws_access_key_id = {_grouped(AWS, 5, '-')}",
        f"aws_access_key_id = {_grouped(AWS, 4, '_')}",
        f"Here you go:\n{_grouped(AWS, 4, chr(9))}\nAnything else?",
        f"Schlüssel: {_grouped(AWS, 4, ' ')} (gültig)",
    ],
)
def test_the_finding_spans_exactly_the_groups(detector: LeakDetector, text: str) -> None:
    scan = detector.scan(text)
    (finding,) = [f for f in scan.findings if f.rule == "grouped:aws_access_key"]
    assert "".join(c for c in text[finding.start : finding.end] if c not in " -_\t") == AWS
    assert scan.action is LeakAction.BLOCK
    assert AWS[:4] not in scan.redacted
    assert AWS[-4:] not in scan.redacted
    assert "[REDACTED:grouped:aws_access_key]" in scan.redacted


@pytest.mark.parametrize("separator", ["-", "_"])
def test_base64_in_groups_keeps_the_groups_of_its_padding(
    detector: LeakDetector, separator: str
) -> None:
    # The base64 run stops at its first "=": "…MwMQ=-=" has the last group after it.
    encoded = "Z2h1X0NuWk1sYnJ5WTV4Ukh3UmtIaE1UVEoyMk9uR21zNTNoRVMwMQ=="  # a GitHub token
    text = f"GET /collect?d={_grouped(encoded, 5, separator)}&v=2 HTTP/1.1"
    scan = detector.scan(text)
    assert [f.rule for f in scan.findings] == ["grouped:base64:github_token"]
    assert scan.redacted == "GET /collect?d=[REDACTED:grouped:base64:github_token]&v=2 HTTP/1.1"


def test_a_lead_glued_to_its_key_is_read_with_it(detector: LeakDetector) -> None:
    key = "ghp_" + "aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gH3jK5"
    text = f"token: {key[:8]} {_grouped(key[8:], 4, ' ')}"
    rules = {f.rule for f in detector.scan(text).findings}
    assert "grouped:github_token" in rules


@pytest.mark.parametrize(
    "text",
    [
        "Card on file: 4111 1111 1111 1111, expires 12/29.",
        "Listening on 2001:0db8:85a3:0000:0000:8a2e:0370:7334 port 443",
        "Product key: BXK7Q-TM3PV-9WDHY-C2RJF-8GNXL (retail licence)",
        "Fingerprint SHA256:AB12 CD34 EF56 7890 1A2B 3C4D 5E6F 7A8B",
        "Order ref ORD-2024-0611-7781-0042 shipped with tracking 1Z99 9AA1 0123 4567 84",
        "IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX",
        "The team will meet here next week from 9 to 5; bring your own food.",
        "CALL THEM BACK SOON WITH GOOD NEWS AND SOME MORE DATA",
        "commit a1b2c3d e4f5a6b 7c8d9e0 f1a2b3c merged into main",
        "Phone +44 20 7946 0958 or 0800 123 4567",
        "ISBN 978-3-16-148410-0, UUID 123e4567-e89b-12d3-a456-426614174000",
        "MAX_RETRY_COUNT = get_user_by_id_or_404(USER_ID_HASH_SALT) if __name__ else None",
        "def test_the_api_key_is_read_from_env_var_and_not_logged_twice(): SKU_A19B_C20D_E31F",
        "path = 'logs/2024_05_02_1011_eu_west_1_worker_3.log'  # rotated daily",
    ],
)
def test_text_that_lines_up_in_groups_of_its_own_stays_clean(
    detector: LeakDetector, text: str
) -> None:
    assert detector.scan(text).findings == ()


def test_random_prose_and_digits_in_groups_raise_nothing(detector: LeakDetector) -> None:
    rng = random.Random(11)
    words = "the and for with team note plan ship data unit test case week".split()
    for _ in range(400):
        pieces = [
            rng.choice(words) if rng.random() < 0.6 else str(rng.randint(100, 99999999))
            for _ in range(rng.randint(4, 14))
        ]
        text = rng.choice([" ", "-", "\t"]).join(pieces)
        assert detector.scan(text).findings == (), text


def test_grouped_runs_are_found_in_one_pass_with_their_lead() -> None:
    encoded = EncodedText(f"id 42, key {_grouped(AWS, 4, ' ')} ok")
    (readings,) = encoded.grouped_runs()
    data = encoded.data
    # The widest reading takes the next word too ("ok" lines up); another leaves it out.
    spans = {(data[run.start : run.groups], data[run.groups : run.end]) for run in readings}
    assert (b"key ", _grouped(AWS, 4, " ").encode()) in spans
    assert (b"key ", _grouped(AWS, 4, " ").encode() + b" ok") in spans


@pytest.mark.parametrize("edge", ["\u65e5\u672c", "\u00e9", "\u0410", "\U0001f600"])
def test_a_grouped_run_against_a_character_that_is_not_ascii_is_read(edge: str) -> None:
    # RE2 reads the pattern's edge as one character, two to four bytes of UTF-8: trimming
    # one byte left part of it in the reading, and the scan raised UnicodeDecodeError.
    detector = LeakDetector()
    for text in (
        f"ignore a/b/c/d QUtJQUlP /{edge}AKIA",  # the case a fuzzer found
        f"AKIA IOSF ODNN 7EXA MPLE{edge}",
        f"{edge}AKIA IOSF ODNN 7EXA MPLE",
    ):
        scan = detector.scan(text)
        if "IOSF" in text:
            assert [f.rule for f in scan.findings] == ["grouped:aws_access_key"], text
