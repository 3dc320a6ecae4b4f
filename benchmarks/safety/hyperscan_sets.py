"""The safety layer's rule sets in RE2 (what Bastion runs) against Hyperscan, on mixed text.

A measurement for deciding on a single-pass native scanner, not part of Bastion: Hyperscan is
not a dependency. Each set (leak rules, injection rules, policy rules) is compiled as a
Hyperscan block database (UTF-8, one report per rule) and scanned over the same 64 KiB calls
as the RE2 set; rules Hyperscan cannot compile within the time limit are reported and left
out of its database.

    .venv/bin/pip install hyperscan
    .venv/bin/python benchmarks/safety/hyperscan_sets.py [--size BYTES]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import re2

_CHUNK = 64 * 1024
_COMPILE_LIMIT = 30.0  # seconds for one pattern on its own


def _compiles(pattern: str) -> None:
    import hyperscan

    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    flags = hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SINGLEMATCH
    try:
        database.compile(expressions=[pattern.encode()], ids=[0], flags=[flags])
    except hyperscan.error:
        sys.exit(1)  # "Pattern is too large" and the like: counted as not compilable


def _compilable(patterns: Sequence[str]) -> tuple[list[str], list[str]]:
    """The patterns Hyperscan compiles on its own in time, and the others."""
    kept: list[str] = []
    dropped: list[str] = []
    for pattern in patterns:
        worker = multiprocessing.Process(target=_compiles, args=(pattern,))
        worker.start()
        worker.join(_COMPILE_LIMIT)
        if worker.is_alive():
            worker.kill()
            worker.join()
        (kept if worker.exitcode == 0 else dropped).append(pattern)
    return kept, dropped


def _ms_per_mb(scan: Callable[[bytes], object], chunks: list[bytes]) -> float:
    for chunk in chunks:
        scan(chunk)  # warm: RE2 builds its DFA states lazily
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        for chunk in chunks:
            scan(chunk)
        best = min(best, time.process_time() - started)
    return best * 1e9 / sum(map(len, chunks))


def _compare(name: str, patterns: Sequence[str], chunks: list[bytes]) -> None:
    import hyperscan

    options = re2.Options()
    options.max_mem = 256 << 20
    rule_set = re2.Set.SearchSet(options)
    for pattern in patterns:
        rule_set.Add(pattern)
    rule_set.Compile()
    re2_cost = _ms_per_mb(rule_set.Match, chunks)
    kept, dropped = _compilable(patterns)
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    flags = hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SINGLEMATCH
    started = time.perf_counter()
    expressions = [p.encode() for p in kept]
    database.compile(expressions=expressions, ids=list(range(len(kept))), flags=[flags] * len(kept))
    compile_seconds = time.perf_counter() - started
    hits: set[int] = set()

    def on_match(rule: int, _start: int, _end: int, _flags: int, _context: object) -> None:
        hits.add(rule)

    hs_cost = _ms_per_mb(lambda data: database.scan(data, match_event_handler=on_match), chunks)
    print(
        f"{name}: {len(patterns)} rules; RE2 set {re2_cost:.2f} ms/MB; Hyperscan "
        f"{hs_cost:.2f} ms/MB for {len(kept)} rules (compiled in {compile_seconds:.1f} s), "
        f"{len(dropped)} not compilable in {_COMPILE_LIMIT:.0f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=2_000_000)
    args = parser.parse_args()
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        raise SystemExit("hyperscan is not installed: .venv/bin/pip install hyperscan") from None
    import injection_corpus
    import leak_corpus
    from run import mixed_text

    from bastion.safety.injection_rules import DEFAULT_INJECTION_RULES
    from bastion.safety.leak_rules import DEFAULT_LEAK_RULES
    from bastion.safety.normalize import normalize
    from bastion.safety.policy import DEFAULT_POLICY_RULES

    text = mixed_text(leak_corpus.build(), injection_corpus.build(), args.size)
    chunks = [normalize(text[i : i + _CHUNK]).encoded.data for i in range(0, len(text), _CHUNK)]
    _compare("leak", [r.pattern for r in DEFAULT_LEAK_RULES], chunks)
    _compare("injection", [r.pattern for r in DEFAULT_INJECTION_RULES], chunks)
    _compare("policy", [r.pattern for r in DEFAULT_POLICY_RULES], chunks)


if __name__ == "__main__":
    main()
