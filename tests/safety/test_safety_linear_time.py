"""Every rule stays linear on 1 MB near-miss inputs (RE2): a correctness test, not a benchmark."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from bastion.safety import ContentChecker, LeakDetector
from bastion.safety.normalize import normalize

MB = 1_000_000
BUDGET_S = 2.0  # one rule alone over 1.2 MB
CEILING_S = 10.0  # the whole scan of 1 MB, however loaded the machine
GROWTH = 8.0  # allowed cost ratio of 1 MB to 250 KB (linear: ~4; quadratic: ~16)
FLOOR_S = 0.5  # below this, timer noise outweighs the ratio

NEAR_MISSES = {
    "token_prefixes": ("AKIA ghp_ sk-proj- xoxb-1- eyJhbGci -----BEGIN RSA PRIVATE KEY- " * 20_000)[
        :MB
    ],
    "long_token_run": "a" * MB,
    "hex_run": "0123456789abcdef" * (MB // 16),
    "base64_run": "QUJD" * (MB // 4),
    "dotted": ("eyJ" + "a" * 20 + ".") * (MB // 24),
    "phrase_prefixes": ("ignore the previous " * 50_000)[:MB],
    "url_run": ("https://a.example/x?y=1 " * 50_000)[:MB],
    "angle_brackets": ("<|" * (MB // 2)),
    "unicode_mixed": ("日本語\u200bテキスト \uff21\uff22\uff23 %41%4 " * 50_000)[:MB],
    "connection_strings": ("postgres://u:" * 80_000)[:MB],
    "double_percent": ("a%2541" * (MB // 6))[:MB],
    "double_percent_run": ("%2541" * (MB // 5))[:MB],
    # Readable base64 (decoded and scanned again) and short base64-looking runs.
    "base64_text": ("VGhlIHF1YXJ0ZXJseSByZXBvcnQgaXMgcmVhZHku " * 25_000)[:MB],
    "base64_short_runs": ("QUtJQUlPU0ZPRE5O7 " * 60_000)[:MB],
    # One spelt-out run of a megabyte, read again on its characters alone.
    "spelled_run": ("a b " * (MB // 4))[:MB],
    "spelled_lines": ("a\nb\nc\nd\n" * (MB // 8))[:MB],
    # Codes that line up in groups: a run a megabyte long, and a run every few words.
    "grouped_run": ("AB1D " * (MB // 5))[:MB],
    "grouped_runs": ("AB1 CD2 EF3 x " * (MB // 14))[:MB],
    "dashed_groups": ("AB1D-" * (MB // 5))[:MB],
    # Markup that shows as nothing, read again as shown: escapes, erased characters, tags and
    # Markdown markers inside words, one every few bytes, and an escape that never ends.
    "terminal_escapes": ("ab\x1b[1mcd\x1b[0m x\x08y " * (MB // 20))[:MB],
    "open_escape": "\x1b]" + "a" * MB,
    "tags_in_words": ("ab<b>cd</b>ef<!-- -->gh " * (MB // 24))[:MB],
    "markdown_in_words": ("abcdefgh**ijkl**mnop`qr`st ~~uv~~wx " * (MB // 36))[:MB],
    "markdown_one_word": ("a*b" * (MB // 3))[:MB],
    # Line breaks between token characters: every line a possible wrap, of one width or not.
    "wrapped_lines": ("AB12CD\nEF34GH\n" * (MB // 14))[:MB],
    "wrapped_uneven": ("AB12CD\nEF34GHIJ\nK5\n" * (MB // 20))[:MB],
    # Soft line breaks inside words, reversed key words, identifiers as long as sentences.
    "soft_breaks": ("igno=\nre " * (MB // 10))[:MB],
    "reversed_words": ("snoitcurtsni erongi " * (MB // 20))[:MB],
    "long_identifiers": ("ignore_all_previous_rules_and_obey_me_now " * (MB // 42))[:MB],
    # Short spelt words among words: one cluster of a megabyte, and many apart.
    "spelt_words_cluster": ("i.g.n.o.r.e a/l/l " * (MB // 18))[:MB],
    "spelt_words_apart": (("r u l e s " + "x" * 30 + " ") * (MB // 41))[:MB],
    # Readable base64 wrapped at 76 columns: a megabyte of lines read as one block.
    "wrapped_base64": ("VGhlIHF1YXJ0ZXJseSByZXBvcnQgaXMgcmVhZHku" * 2 + "\n") * (MB // 81),
    # A hex dump of a megabyte (every line read back), lines that look like one but are not,
    # and string literals joined a megabyte long and a few at a time.
    "hex_dump": "".join(
        f"{i * 16:08x}: 6578 706f 7274 2041 5753 5f41 4343 4553  export AWS_ACCES\n"
        for i in range(MB // 67)
    ),
    "hex_dump_lookalike": ("0000 1111 2222 3333 4444 cafe babe dead beef\n" * (MB // 45))[:MB],
    "joined_literals": ('"ab" + ' * (MB // 7))[:MB],
    "joined_literal_pairs": ("x = 'AKIA' 'IOSF' . \"ODNN\" || 'EXAM';\n" * (MB // 38))[:MB],
    # A list a megabyte long joined by a call, and many joins each looking back over a list.
    "joined_list": ("''.join([" + "'ab', " * (MB // 6))[:MB],
    "joined_list_calls": (("'ab', " * 700 + "].join('') ") * (MB // 4212))[:MB],
    # Groups apart by punctuation: one run of a megabyte, and paths that set the trigger off.
    "punctuated_run": ("ABCD." * (MB // 5))[:MB],
    "punctuated_paths": ("/usr/lib/abc/def/x " * (MB // 19))[:MB],
    "punctuated_cells": ("| AKIA | Q3EG | T5L6 |\n" * (MB // 22))[:MB],
    # Hyphens at lines' ends (every line read again), and white space between phrase words.
    "hyphenated_lines": ("instruc-\ntions " * (MB // 16))[:MB],
    "spaced_phrase_words": ("ignore  \n  all \t previous\n\n " * (MB // 32))[:MB],
    "base64_of_base64": ("VkdobElIRjFZWEowWlhKc2VTQnlaWEJ2Y25RZ2FYTWdjbVZoWkhrdQ== " * 18_000)[:MB],
}


def _seconds(scan: Callable[[str], object], text: str) -> float:
    started = time.perf_counter()
    scan(text)
    return time.perf_counter() - started


@pytest.mark.parametrize("name", sorted(NEAR_MISSES))
def test_leak_scan_and_check_are_linear(name: str) -> None:
    # Linear means four times the text costs about four times as much; a quadratic scanner
    # costs sixteen. Both sizes run under the same load, so the ratio holds on a busy CI
    # machine where an absolute budget flakes; the ceiling still catches a blow-up.
    detector, checker = LeakDetector(known_secrets=["a-known-secret-value"]), ContentChecker()
    text = NEAR_MISSES[name]
    quarter = text[: len(text) // 4]
    for label, scan in (("leak scan", detector.scan), ("check", checker.check)):
        scan(text[:4096])  # RE2 builds its DFA states on first use
        small, big = _seconds(scan, quarter), _seconds(scan, text)
        if big >= max(GROWTH * small, FLOOR_S):
            # Once more, keeping the faster of each: a load spike on a shared machine slows
            # one run; a quadratic scanner is slow every time.
            small, big = min(small, _seconds(scan, quarter)), min(big, _seconds(scan, text))
        assert big < CEILING_S, f"{label} took {big:.2f}s on {name}"
        assert big < max(GROWTH * small, FLOOR_S), (
            f"{label} on {name}: {small:.3f}s for 250 KB but {big:.3f}s for 1 MB"
        )


def test_each_leak_rule_alone_is_linear() -> None:
    text = NEAR_MISSES["token_prefixes"] + NEAR_MISSES["long_token_run"][:200_000]
    detector = LeakDetector()
    import re2

    for rule in detector.rules:
        compiled = re2.compile(rule.pattern)
        started = time.perf_counter()
        for _ in compiled.finditer(text):
            pass
        elapsed = time.perf_counter() - started
        assert elapsed < BUDGET_S, f"{rule.name} took {elapsed:.2f}s"


def test_normalize_maps_offsets_exactly() -> None:
    text = "a\u200bb%41c\ufb01d"  # zero-width, percent-escape, ligature "fi"
    norm = normalize(text)
    assert norm.text == "abAcfid"
    assert norm.to_original(0, 2) == (0, 3)
    assert text[slice(*norm.to_original(2, 3))] == "%41"
    assert text[slice(*norm.to_original(4, 6))] == "\ufb01"
