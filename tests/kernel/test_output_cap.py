"""The output cap cuts on a character boundary and says how much was cut."""

from __future__ import annotations

import pytest

from bastion.kernel.output_cap import cap_output, describe_size


def test_text_within_the_cap_is_untouched() -> None:
    capped = cap_output("short", 1000)
    assert capped.text == "short"
    assert not capped.truncated


@pytest.mark.parametrize("char", ["a", "é", "€", "🙂"])
def test_the_cut_never_splits_a_character(char: str) -> None:
    text = char * 5000
    capped = cap_output(text, 1001)
    encoded = capped.text.encode("utf-8")
    assert len(encoded) <= 1001
    assert capped.text.startswith(char)
    body = capped.text.split("\n[output truncated")[0]
    assert set(body) == {char}
    assert capped.over_bytes == len(text.encode("utf-8")) - 1001


def test_notice_and_sizes() -> None:
    capped = cap_output("x" * 100_010, 100_000)
    assert capped.text.endswith("[output truncated: 10 bytes over the 100 KB cap]")
    assert describe_size(4096) == "4096 bytes"
