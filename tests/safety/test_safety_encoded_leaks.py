"""Credential patterns smuggled out in base64 or hex, and multi-pass percent-encoding."""

from __future__ import annotations

import base64
import hashlib
import random
from collections.abc import Callable

import pytest
import re2

from bastion.safety import LeakAction, LeakDetector
from bastion.safety.encoded_leaks import DecodeBudget, decoded_candidates
from bastion.safety.encoded_text import EncodedText

AWS = "AKIAIOSFODNN7EXAMPLE"
GHP = "ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A"
STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc" * 2
SLACK = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def b64url(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def hexed(text: str) -> str:
    return text.encode().hex()


def escaped_hex(text: str) -> str:
    return "".join(f"\\x{b:02x}" for b in text.encode())


@pytest.fixture(scope="module")
def detector() -> LeakDetector:
    return LeakDetector()


@pytest.mark.parametrize(
    ("secret", "rule"),
    [
        (AWS, "aws_access_key"),
        (f"aws_access_key_id = {AWS}\n", "aws_access_key"),
        (GHP, "github_token"),
        (STRIPE, "stripe_secret_key"),
        (SLACK, "slack_token"),
    ],
)
@pytest.mark.parametrize(
    "encoding_case",
    [
        (b64, "base64"),
        (lambda s: b64(s).rstrip("="), "base64"),
        (b64url, "base64"),
        (hexed, "hex"),
        (lambda s: hexed(s).upper(), "hex"),
        (escaped_hex, "hex"),
        (lambda s: b64(b64(s)), "base64:base64"),
        (lambda s: b64(hexed(s)), "base64:hex"),
    ],
)
@pytest.mark.parametrize(
    "carrier",
    [
        "GET /collect?d={e}&v=2 HTTP/1.1",
        "X-Trace: {e}\n",
        '{{"payload": "{e}"}}',
        "https://exfil.example/upload/{e}",
    ],
)
def test_encoded_credentials_are_found_on_the_encoded_span(
    detector: LeakDetector,
    secret: str,
    rule: str,
    encoding_case: tuple[Callable[[str], str], str],
    carrier: str,
) -> None:
    encode, encoding = encoding_case
    encoded = encode(secret)
    text = carrier.format(e=encoded)
    scan = detector.scan(text)
    (finding,) = scan.findings
    assert finding.rule == f"{encoding}:{rule}"
    assert text[finding.start : finding.end] == encoded
    assert finding.action is LeakAction.BLOCK
    assert scan.redacted == carrier.format(e=f"[REDACTED:{encoding}:{rule}]")
    visible = finding.preview.replace("…", "")
    assert len(visible) <= 8
    assert finding.preview == f"{encoded[:4]}…{encoded[-4:]}"


def test_percent_encoded_base64_padding_maps_to_the_original(detector: LeakDetector) -> None:
    encoded = b64(AWS).replace("=", "%3D")
    text = f"q={encoded}&x=1"
    (finding,) = detector.scan(text).findings
    assert finding.rule == "base64:aws_access_key"
    assert text[finding.start : finding.end] == encoded


def test_encoded_finding_keeps_the_rule_action_and_overrides(detector: LeakDetector) -> None:
    bearer = "Authorization: Bearer abcdef1234567890abcdef1234"
    (finding,) = detector.scan(b64(bearer)).findings
    assert finding.rule == "base64:bearer_token"
    assert finding.action is LeakAction.REDACT
    relaxed = LeakDetector(overrides={"aws_access_key": "warn"})
    (warned,) = relaxed.scan(b64(AWS)).findings
    assert warned.action is LeakAction.WARN
    assert LeakDetector(overrides={"aws_access_key": "allow"}).scan(b64(AWS)).findings == ()


def test_private_key_inside_base64_keeps_its_constant_preview(detector: LeakDetector) -> None:
    body = "\n".join("MIIEpAIBAAKCAQEA" + "x" * 48 for _ in range(4))
    pem = f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----"
    plain = detector.scan(pem).findings[0]
    (finding,) = detector.scan(f"blob={b64(pem)}").findings
    assert finding.rule == f"base64:{plain.rule}"
    assert finding.preview == plain.preview


def test_three_layers_are_not_peeled(detector: LeakDetector) -> None:
    assert detector.scan(b64(b64(b64(AWS)))).findings == ()


@pytest.mark.parametrize(
    "text",
    [
        "AKIA%2549OSFODNN7EXAMPLE",  # %49 encoded again
        "AKIA%252549OSFODNN7EXAMPLE",  # three times
        "AKIA%25%34%39OSFODNN7EXAMPLE",  # the escape's digits encoded too
        "%2541%254B%2549%2541IOSFODNN7EXAMPLE",
    ],
)
def test_multi_pass_percent_encoding_is_undone(detector: LeakDetector, text: str) -> None:
    (finding,) = detector.scan(f"d={text}&x=1").findings
    assert finding.rule == "aws_access_key"
    assert (finding.start, finding.end) == (2, 2 + len(text))


def test_four_percent_passes_are_not_undone(detector: LeakDetector) -> None:
    assert detector.scan("AKIA%25252549OSFODNN7EXAMPLE").findings == ()


def _near_misses() -> list[str]:
    rng = random.Random(11)
    blobs = [base64.b64encode(rng.randbytes(rng.randrange(12, 400))).decode() for _ in range(300)]
    blobs += [base64.urlsafe_b64encode(rng.randbytes(48)).decode() for _ in range(100)]
    digests = [hashlib.sha256(rng.randbytes(16)).hexdigest() for _ in range(100)]
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(200)
    return [
        *blobs,
        *(f"sha256:{d}" for d in digests),
        *(f"integrity sha512-{base64.b64encode(rng.randbytes(64)).decode()}" for _ in range(50)),
        f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}">',
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx2bWZ0cnVzdGVkLWtleS1mb3ItdGVzdGluZw dev@laptop",
        b64("The quarterly report is ready; the token ring was replaced."),
        hexed('{"alg": "HS256", "typ": "JWT"}'),
        b64("ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXX"),  # a placeholder stays one when encoded
    ]


def test_near_misses_stay_clean(detector: LeakDetector) -> None:
    dirty = [t for t in _near_misses() if detector.scan(t).findings]
    assert dirty == []


def test_decoding_is_bounded_per_call() -> None:
    budget = DecodeBudget(decodes=3, chars=1 << 20)
    text = EncodedText(" ".join([b64(f"harmless text number {i}") for i in range(10)]))
    assert len(list(decoded_candidates(text, budget))) == 3
    budget = DecodeBudget(decodes=100, chars=40)
    assert len(list(decoded_candidates(text, budget))) == 1


@pytest.mark.parametrize(
    "glued",
    [
        "id-{e}",
        "v2_{e}",
        "trace-id-{e}",
        "{e}-v2",
        "{e}_end",
        "prefix_{u}",  # URL-safe base64 (with its own - and _) glued on by _
    ],
)
def test_base64_glued_to_a_word_by_dash_or_underscore_is_found(
    detector: LeakDetector, glued: str
) -> None:
    encoded = b64(f"aws_access_key_id = {AWS}").rstrip("=")
    url_safe = b64url(f"token {GHP} end")
    text = "GET /c?d=" + glued.format(e=encoded, u=url_safe) + " HTTP/1.1"
    scan = detector.scan(text)
    assert scan.blocked, scan.findings
    assert AWS not in scan.redacted
    assert encoded not in scan.redacted
    assert url_safe not in scan.redacted


def test_shared_base64_runs_give_each_scanner_what_its_own_search_would() -> None:
    # The leak detector and the sanitizer read one list of base64 runs instead of searching
    # twice; on random text dense in alphabet edges, padding and \x escapes, each must still
    # see exactly the spans its own pattern finds.
    from bastion.safety import encoded_leaks, encoded_payloads

    own_leak = re2.compile(rb"(?:\\x[0-9A-Fa-f]{2}){8,}|[A-Za-z0-9+/_\-]{16,}={0,2}")
    own_sanitizer = re2.compile(rb"[A-Za-z0-9+/_\-]{24,}={0,2}")
    rng = random.Random(5)
    pieces = ["A", "z", "0", "+", "/", "_", "-", "=", "==", "\\x41", "\\", " ", "\n", "é", "Qk"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) * rng.randint(1, 12) for _ in range(rng.randint(1, 14)))
        encoded = EncodedText(text)
        assert list(encoded_leaks._candidate_spans(encoded)) == [
            m.span() for m in own_leak.finditer(encoded.data)
        ]
        assert [
            (s, e)
            for s, e in EncodedText(text).base64_runs()
            if e - s - encoded_payloads._padding(encoded.data, e) >= 24
        ] == [m.span() for m in own_sanitizer.finditer(encoded.data)]


# -- base64 wrapped over lines -------------------------------------------------------------
# `base64 ~/.aws/credentials` wraps at 76 columns, PEM at 64: a credential straddles line
# breaks, and no line decodes to it alone.


def _wrapped(text: str, width: int, newline: str = "\n") -> str:
    encoded = b64(text)
    return newline.join(encoded[i : i + width] for i in range(0, len(encoded), width))


@pytest.mark.parametrize("width", [76, 64, 40, 16])
@pytest.mark.parametrize("lead", [0, 1, 2, 7, 31])  # every alignment of the key in the lines
def test_every_family_in_wrapped_base64_is_found(width: int, lead: int) -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks" / "safety"))
    import leak_corpus
    from tests.safety.leak_rule_checks import one_sample_per_family

    detector = LeakDetector()
    samples = one_sample_per_family(leak_corpus.build(), lambda secret: len(secret) >= 16)
    missed = []
    for sample in samples[lead % 3 :: 3]:  # a third of the families for each alignment
        dump = _wrapped("#" * lead + "\n" + sample.text, width)
        text = f"$ base64 config.txt\n{dump}\n$ "
        scan = detector.scan(text)
        if dump in scan.redacted or not any(f.rule.startswith("base64:") for f in scan.findings):
            missed.append(sample.kind)
    assert len(samples) > 150
    assert not missed, missed


def test_a_stored_secret_in_wrapped_base64_is_found() -> None:
    secret = "Zq8vR2mK9pL4xT7wQ1zz"
    detector = LeakDetector(known_secrets=[secret])
    text = _wrapped(f"{'note: ' * 9}{secret}\n", 24, "\r\n")
    (finding,) = detector.scan(text).findings
    assert finding.rule == "base64:vault_secret"
    assert (finding.start, finding.end) == (0, len(text))


@pytest.mark.parametrize(
    "lines",
    [
        [b64("x" * 57)] * 3,  # lines of one width that decode to nothing secret
        [base64.b64encode(random.Random(1).randbytes(57)).decode() for _ in range(8)],
        [hashlib.sha256(str(i).encode()).hexdigest() for i in range(6)],  # a list of digests
        ["QUJDREVGR0hJSktMTU5PUFFSU1RVVldY", "not a line of base64 at all", "QUJD"],
    ],
)
def test_wrapped_lines_that_hold_no_credential_stay_clean(
    detector: LeakDetector, lines: list[str]
) -> None:
    assert detector.scan("\n".join(lines)).findings == ()


def test_only_lines_of_one_width_make_a_block() -> None:
    dump = _wrapped("x" * 200, 40)
    text = EncodedText(f"prefix {dump[:40]}\n{dump[41:]}")  # the first line is not whole
    assert [(s, e) for s, e, _ in text.wrapped_blocks()] == [(48, len(text.data))]
    # A longer line does not continue a block: wrapping never lengthens a line.
    uneven = EncodedText("QUJDREVGR0hJSktMTU5P\nQUJDREVGR0hJSktMTU5PUFFS")
    assert uneven.wrapped_blocks() == []
