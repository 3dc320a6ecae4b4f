"""Lookalike letters inside Latin words are read as Latin; other scripts are left alone."""

from __future__ import annotations

import random
import unicodedata

from bastion.safety.lookalikes import fold_lookalikes

_CYRILLIC_O = unicodedata.lookup("CYRILLIC SMALL LETTER O")
_CYRILLIC_ES = unicodedata.lookup("CYRILLIC SMALL LETTER ES")
_GREEK_ALPHA = unicodedata.lookup("GREEK SMALL LETTER ALPHA")
_RUSSIAN = "\u043f\u0440\u043e\u0435\u043a\u0442"  # a Russian word, every letter a lookalike


def _fold(text: str) -> str | None:
    return fold_lookalikes(text, text.encode())


def test_a_mixed_word_is_read_as_latin_and_keeps_its_length() -> None:
    text = f"n{_CYRILLIC_O}t {_CYRILLIC_ES}opy {_GREEK_ALPHA}ll"
    assert _fold(text) == "not copy all"


def test_words_of_one_script_are_left_alone() -> None:
    assert _fold("plain ascii text") is None
    assert _fold(f"{_RUSSIAN} and a project") is None  # each word is in one script
    assert _fold(f"{_RUSSIAN}-project") is None  # the hyphen separates the words


def test_random_text_keeps_every_offset_and_every_unmixed_word() -> None:
    rng = random.Random(8)
    alphabet = ["a", "b", "o", " ", ".", _CYRILLIC_O, _CYRILLIC_ES, _GREEK_ALPHA, "\u00e9"]
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        folded = _fold(text)
        if folded is None:
            continue
        assert len(folded) == len(text)
        for original, seen in zip(text.split(" "), folded.split(" "), strict=True):
            if original.isascii() or not any(c.isascii() and c.isalpha() for c in original):
                assert seen == original  # nothing mixed here: untouched
