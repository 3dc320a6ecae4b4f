"""Where the time of leak scan + content check goes: each stage timed alone, in pipeline order.

Runs the stages the two scanners run, one after the other, over the throughput benchmark's
mixed text in 64 KiB calls, and prints each one's wall time per MB (the sum is more than the
scanners' own total: some stages repeat work the scanners share). Timings are not stable to
better than ~20 % on a shared machine; use ``instructions.py`` to compare two trees.

    .venv/bin/python benchmarks/safety/stages.py [--repeat N] [--size BYTES]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import injection_corpus
import leak_corpus
from run import mixed_text

from bastion.safety import ContentChecker, LeakDetector
from bastion.safety import normalize as normalize_module
from bastion.safety.encoded_leaks import DecodeBudget
from bastion.safety.encoded_payloads import decoded_spans, rot13
from bastion.safety.encoded_text import EncodedText
from bastion.safety.inline_tags import join_tagged_words
from bastion.safety.joined_words import joined_phrases
from bastion.safety.literal_prefix import first_match
from bastion.safety.lookalikes import fold_lookalikes
from bastion.safety.normalize import normalize
from bastion.safety.reversed_text import reversed_lines
from bastion.safety.spelt_words import spelt_clusters

_CHUNK = 64 * 1024


class _Stopwatch:
    """Wall time spent per stage, summed over calls."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)

    def __call__(self, stage: str, work: Callable[..., Any], *args: Any) -> Any:
        started = time.perf_counter()
        result = work(*args)
        self.spent[stage] += time.perf_counter() - started
        return result


def _stages(chunk: str, detector: LeakDetector, checker: ContentChecker, timed: _Stopwatch) -> None:
    """One call's stages, in the scanners' order. This reaches into the scanners' parts: it is
    a measuring tool, not a client."""
    normalize_module._last = None  # each call normalises afresh
    norm = timed("normalisation", normalize, chunk)
    encoded = norm.encoded
    timed("leak: exact values", detector._exact.find, encoded)
    timed("leak: exact values spelt out", detector._exact.find_spaced, encoded)
    hits = timed("leak: rule set", detector._prefilter.Match, encoded.data)
    for index in sorted(hits or ()):
        timed("leak: reported rules re-run", _all_matches, detector._compiled[index], encoded.data)
    timed("base64 + spelt runs", encoded.base64_runs)
    timed("leak: credentials in groups", detector._grouped_findings, norm, encoded, DecodeBudget())
    encoded_found = timed(
        "leak: credentials inside base64/hex",
        detector._encoded_findings,
        norm,
        encoded,
        DecodeBudget(),
        0,
    )
    # What the scan has found before it (a PEM key's body is not read again).
    earlier = detector._pattern_findings(norm, encoded) + encoded_found
    timed(
        "leak: credentials cut by a wrap",
        detector._wrapped_findings,
        norm,
        encoded,
        DecodeBudget(),
        earlier,
    )
    sanitizer = checker.sanitizer
    folded = timed("lookalikes", fold_lookalikes, norm.text, encoded.data)
    read = encoded if folded is None else EncodedText(folded)
    joined = timed("inline tags", join_tagged_words, read)
    view = read if joined is None else joined.view
    found = set(timed("injection: rule set", sanitizer._set.Match, view.data) or ())
    if sanitizer._spelt_trigger in found:
        timed("injection: spelt words", _all_matches_of, spelt_clusters, view.data)
    if sanitizer._joined_trigger in found:
        timed("injection: joined words", _all_matches_of, joined_phrases, view.data)
    if sanitizer._reversed_trigger in found:
        timed("injection: reversed lines", _all_matches_of, reversed_lines, view.data)
    found -= {sanitizer._spelt_trigger, sanitizer._joined_trigger, sanitizer._reversed_trigger}
    for index in sorted(found):
        regex, prefixes = sanitizer._regex(index), sanitizer._prefixes_of(index)
        timed("injection: reported rules re-run", first_match, regex, prefixes, view.data)
    turned = timed("injection: ROT13 translate", rot13, view.data)
    timed("injection: ROT13 set", sanitizer._core_set.Match, turned)
    timed("injection: base64/hex decoded", _all_matches_of, decoded_spans, encoded)
    timed("policy: rule set", checker.policy._set.Match, encoded.data)
    timed("= leak scan, whole", detector.scan, chunk)
    timed("= content check, whole", checker.check, chunk)


def _all_matches(regex: Any, data: bytes) -> list[Any]:
    return list(regex.finditer(data))


def _all_matches_of(find: Callable[[Any], Any], text: Any) -> list[Any]:
    return list(find(text))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    # Text that keeps changing shows what 1 MB read again hides: a DFA cache too small to hold.
    parser.add_argument("--size", type=int, default=1_000_000, help="bytes of mixed text")
    args = parser.parse_args()
    text = mixed_text(leak_corpus.build(), injection_corpus.build(), args.size)
    chunks = [text[i : i + _CHUNK] for i in range(0, len(text), _CHUNK)]
    megabytes = len(text.encode()) / 1e6
    detector, checker = LeakDetector(known_secrets=["a-stored-secret-1234"]), ContentChecker()
    for chunk in chunks:  # warm: RE2 builds its DFA states on first use
        detector.scan(chunk)
        checker.check(chunk)
    timed = _Stopwatch()
    for _ in range(args.repeat):
        for chunk in chunks:
            _stages(chunk, detector, checker, timed)
    for stage, seconds in sorted(timed.spent.items(), key=lambda item: -item[1]):
        print(f"{stage:40s} {seconds * 1000 / args.repeat / megabytes:7.2f} ms/MB")


if __name__ == "__main__":
    main()
