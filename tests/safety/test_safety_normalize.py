"""The normaliser's located-runs path gives the same text as folding every character."""

from __future__ import annotations

import random
import unicodedata
from urllib.parse import unquote

import re2

from bastion.safety.normalize import is_invisible, normalize

_PERCENT_RUN = re2.compile(r"(?:%(?:25){0,2}[0-9A-Fa-f]{2})+")
_ALPHABET = (
    "abc XYZ 019 .,;\n\t%"
    "äöüßéÀ—“”…€"  # stable non-ASCII: left alone
    "日本語テキスト한국어русский"
    "\u200b\u200d\u202e\ufeff\u00ad\x00\x1f\x7f\x85\ufe0f"  # invisible
    "\uff21\uff41\ufb01\u2460\u00b2\u3000\uff71"  # compatibility forms
)


def _reference(text: str) -> str:
    """Decode percent-escape runs (again while that changes them, up to three passes), then
    NFKC each character and drop invisible ones."""
    pieces: list[str] = []
    pos = 0
    for match in _PERCENT_RUN.finditer(text):
        run = match.group(0)
        for _ in range(3):
            run, previous = unquote(run, errors="replace"), run
            if run == previous:
                break
        pieces += [text[pos : match.start()], run]
        pos = match.end()
    decoded = "".join([*pieces, text[pos:]])
    out = []
    for char in decoded:
        if is_invisible(char):
            continue
        out += [c for c in unicodedata.normalize("NFKC", char) if not is_invisible(c)]
    return "".join(out)


def test_random_text_folds_like_the_reference() -> None:
    rng = random.Random(3)
    for _ in range(300):
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(1, 400)))
        text += rng.choice(["", "%41", "%e2%80%8b", "%4", "%2541", "%25252", "%252549%25"])
        norm = normalize(text)
        assert norm.text == _reference(text), repr(text)
        # Every normalised span maps to the smallest original text that produces it (a span
        # starting inside a ligature's expansion takes the whole ligature).
        for _ in range(10):
            start = rng.randrange(len(norm.text) + 1)
            end = min(len(norm.text), start + rng.randrange(12))
            s, e = norm.to_original(start, end)
            assert norm.text[start:end] in _reference(text[s:e]), (repr(text), start, end)


def test_stable_non_ascii_text_is_not_copied() -> None:
    text = "Grüße aus München — 会议改到周四下午三点。 Привет, 안녕하세요 " * 200
    norm = normalize(text)
    assert not norm.changed
    assert norm.text is text


def test_text_dense_with_changes_is_linear() -> None:
    text = "\uff21\u200b%41 " * 100_000
    norm = normalize(text)
    assert norm.text == "AA " * 100_000
    assert text[slice(*norm.to_original(len(norm.text) - 2, len(norm.text) - 1))] == "%41"
