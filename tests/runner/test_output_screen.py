"""The streamed answer passes the same leak screen as the whole answer: a secret that arrives in
pieces, with spaces in it (a PEM key, a key written in groups or spelt out, a keyword and its
value), is never shown. Written as the attack: the model streams the secret in deltas of every
size, and what the channel receives must be exactly what screening the whole text gives."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from bastion.kernel.safety_filter import screen_llm_output
from bastion.runner.output_screen import DEFAULT_HOLD_CHARS, ScreenedStream
from bastion.safety import LeakDetector

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks" / "safety"))

import leak_corpus

VAULT = "Zq8vR2mK9pL4xT7wQ1"
AWS = "AKIAZ3MHQ7LXPWN4TRVB"
PROSE = "Here is some prose that goes on for a while, as answers do.\n" * 6


@pytest.fixture(scope="module")
def detector() -> LeakDetector:
    return LeakDetector(known_secrets=[VAULT])


def _streamed(detector: LeakDetector, text: str, sizes: list[int]) -> tuple[str, list[str]]:
    shown: list[str] = []
    stream = ScreenedStream(shown.append, lambda t: screen_llm_output(detector, t).text)
    at = 0
    for size in sizes:
        stream(text[at : at + size])
        at += size
        if at >= len(text):
            break
    stream(text[at:])
    stream.flush()
    return "".join(shown), shown


def _pem() -> str:
    sample = next(s for s in leak_corpus.build() if s.kind == "pem_private_key" and s.secret)
    return sample.text


def _secrets() -> dict[str, tuple[str, str]]:
    """Texts that each hold a secret with whitespace in it, and a piece of the secret that must
    not be shown."""
    pem = _pem()
    body = pem.splitlines()[2]
    return {
        "pem key": (pem, body),
        "key in groups": ("AKIA Z3MH Q7LX PWN4 TRVB", "Q7LX PWN4"),
        "key spelt out": (" ".join(AWS), "P W N 4"),
        "stored secret spelt out": (" ".join(VAULT), "9 p L 4"),
        "keyword and value": (
            "aws_secret_access_key =\n    wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq3T9vLm2Q",
            "bPxRfiCY",
        ),
        "key": (AWS, AWS[4:]),
    }


@pytest.mark.parametrize("name", sorted(_secrets()))
@pytest.mark.parametrize("delta", [1, 3, 7, 40, 500])
def test_a_streamed_secret_is_screened_as_the_whole_text_is(
    detector: LeakDetector, name: str, delta: int
) -> None:
    secret, piece = _secrets()[name]
    text = PROSE + secret + "\n" + PROSE
    shown, _ = _streamed(detector, text, [delta] * len(text))
    assert piece not in shown
    assert shown == screen_llm_output(detector, text).text


LONG_BLANKS = {
    "spaces": " " * 1000,
    "line breaks": "\n" * 600,
    "zero-width spaces between spaces": " \u200b" * 600,
}


@pytest.mark.parametrize("blanks", sorted(LONG_BLANKS))
@pytest.mark.parametrize("delta", [1, 40])
def test_a_keyword_and_its_value_apart_by_any_blank_run_are_held_together(
    detector: LeakDetector, blanks: str, delta: int
) -> None:
    # The keyword rules read any number of blanks between the keyword and its value; a
    # stream that released the keyword before the value came showed the value unscreened.
    value = "k8Fq2LmZx9Vb3NwR7tYp"
    text = PROSE + "client_secret:" + LONG_BLANKS[blanks] + value + "\n" + PROSE
    whole = screen_llm_output(detector, text).text
    assert value not in whole
    shown, _ = _streamed(detector, text, [delta] * len(text))
    assert value not in shown
    assert shown == whole


def test_random_deltas_never_show_more_than_the_whole_screen(detector: LeakDetector) -> None:
    rng = random.Random(3)
    texts = [
        PROSE + secret + " " + PROSE[: rng.randint(0, 300)] for secret, _ in _secrets().values()
    ]
    for _ in range(60):
        text = rng.choice(texts)
        sizes = [rng.randint(1, 60) for _ in range(len(text))]
        shown, _ = _streamed(detector, text, sizes)
        assert shown == screen_llm_output(detector, text).text


def test_plain_text_is_still_streamed_before_the_end(detector: LeakDetector) -> None:
    text = PROSE * 10
    shown: list[str] = []
    stream = ScreenedStream(shown.append, lambda t: screen_llm_output(detector, t).text)
    for at in range(0, len(text), 5):
        stream(text[at : at + 5])
    released = "".join(shown)
    # Everything but the held tail has reached the channel before the answer ends.
    assert len(released) >= len(text) - 3 * DEFAULT_HOLD_CHARS
    stream.flush()
    assert "".join(shown) == text


def test_a_blocked_secret_holds_the_rest_of_the_segment(detector: LeakDetector) -> None:
    # A private key blocks: from when it is in view, the segment is held and ends as the
    # notice; the prose shown before it came was clean.
    text = PROSE * 4 + _pem() + PROSE
    shown, pieces = _streamed(detector, text, [4] * len(text))
    assert "PRIVATE KEY" not in shown
    before = "".join(pieces[:-1])
    assert len(before) > len(PROSE)
    assert (PROSE * 4).startswith(before)
    assert pieces[-1] == screen_llm_output(detector, _pem()).text  # the notice


def test_a_long_answer_after_a_blocked_key_costs_few_scans(detector: LeakDetector) -> None:
    # No cut is safe while the key is in view; tries grow apart instead of rescanning the
    # whole held text every few hundred characters.
    scans: list[int] = []

    def screen(text: str) -> str:
        scans.append(len(text))
        return screen_llm_output(detector, text).text

    shown: list[str] = []
    stream = ScreenedStream(shown.append, screen)
    text = PROSE + _pem() + PROSE * 400  # ~24 KB after the key
    for at in range(0, len(text), 8):
        stream(text[at : at + 8])
    stream.flush()
    assert "PRIVATE KEY" not in "".join(shown)
    assert sum(scans) < 40 * len(text)
