"""Safety benchmarks: leak recall/false positives (Bastion vs detect-secrets), injection
detection/false positives, and throughput of leak scan + sanitizer on mixed text.

    .venv/bin/python benchmarks/safety/run.py [--skip-detect-secrets]
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import injection_corpus
import leak_corpus

from bastion.safety import ContentChecker, LeakAction, LeakDetector, Verdict


def _secret_span(sample: leak_corpus.Sample) -> tuple[int, int]:
    assert sample.secret is not None
    start = sample.text.find(sample.secret)
    return start, start + len(sample.secret)


def bastion_leaks(
    samples: list[leak_corpus.Sample],
) -> tuple[list[bool], dict[str, int], dict[str, int]]:
    """Per sample, whether a finding touches its secret (or, for a near-miss, any finding);
    the secrets missed, and the secrets found but not covered whole by what is redacted or
    blocked (a part of them is still shown), by family."""
    detector = LeakDetector()
    hits: list[bool] = []
    misses: dict[str, int] = defaultdict(int)
    partial: dict[str, int] = defaultdict(int)
    for sample in samples:
        findings = detector.scan(sample.text).findings
        if sample.secret is None:
            hits.append(bool(findings))
            continue
        start, end = _secret_span(sample)
        hit = any(f.start < end and f.end > start for f in findings)
        hits.append(hit)
        if not hit:
            misses[sample.kind] += 1
            continue
        removed = {
            i
            for f in findings
            if f.action is not LeakAction.WARN
            for i in range(max(f.start, start), min(f.end, end))
        }
        # Nothing removed: a warn rule, which shows the value by design and records it. A
        # URL's scheme is not secret (webhook rules redact from the host on), and no more than
        # a preview's four characters may show (a "sid-" glued to base64 is not the secret).
        bare = sample.secret
        for scheme_as_written in ("https://", "https:\\/\\/", "\\u0068ttps:\\/\\/"):
            bare = bare.removeprefix(scheme_as_written)
        scheme = len(sample.secret) - len(bare)
        if removed and end - start - scheme - len(removed) > 4:
            partial[sample.kind] += 1
    return hits, dict(misses), dict(partial)


def detect_secrets_leaks(samples: list[leak_corpus.Sample]) -> list[bool]:
    """detect-secrets with its default plugins and filters, one file per sample."""
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, sample in enumerate(samples):
            path = Path(tmp) / f"sample_{i}.txt"
            path.write_text(sample.text, encoding="utf-8")
            paths.append(str(path))
        collection = SecretsCollection()
        with default_settings():
            for path in paths:
                collection.scan_file(path)
        flagged = {Path(name).name for name, _ in collection}
        return [f"sample_{i}.txt" in flagged for i in range(len(samples))]


def _rates(samples: list[leak_corpus.Sample], hits: list[bool]) -> tuple[float, float, int, int]:
    pos = [h for s, h in zip(samples, hits, strict=True) if s.secret is not None]
    neg = [h for s, h in zip(samples, hits, strict=True) if s.secret is None]
    return sum(pos) / len(pos), sum(neg) / len(neg), len(pos), len(neg)


def injection_rates(docs: list[injection_corpus.Doc]) -> dict[str, float]:
    checker = ContentChecker()
    flagged_attacks = blocked_attacks = flagged_benign = nonallow_benign = 0
    attacks = [d for d in docs if d.attack]
    benign = [d for d in docs if not d.attack]
    for doc in docs:
        verdict = checker.check(doc.text).verdict
        flagged = verdict in (Verdict.REVIEW, Verdict.BLOCK)
        if doc.attack:
            flagged_attacks += flagged
            blocked_attacks += verdict is Verdict.BLOCK
        else:
            flagged_benign += flagged
            nonallow_benign += verdict is not Verdict.ALLOW
    return {
        "attacks": len(attacks),
        "benign": len(benign),
        "detected": flagged_attacks / len(attacks),
        "blocked": blocked_attacks / len(attacks),
        "fp": flagged_benign / len(benign),
        "nonallow_benign": nonallow_benign / len(benign),
    }


_FILLER = [
    "The deployment finished without errors; the logs are attached and the on-call rota for "
    "next week is in the shared calendar. Please review the migration notes before Friday.\n",
    'def load(path: str) -> dict[str, object]:\n    with open(path, encoding="utf-8") as fh:\n'
    "        return json.load(fh)  # configuration is validated by the caller\n",
    '{"id": 4411, "status": "shipped", "items": [{"sku": "A-19", "qty": 2}], "eta": "2024-06"}\n',
    "2024-05-02T10:11:12Z INFO http GET /v1/orders/4411 200 12ms user=7781 region=eu-west-1\n",
    '<div class="card"><h2>Weekly digest</h2><p>Three new articles this week.</p></div>\n',
    "Grüße aus München — die Besprechung ist am Donnerstag. 会议改到周四下午三点。\n",
]


def mixed_text(
    samples: list[leak_corpus.Sample], docs: list[injection_corpus.Doc], size: int
) -> str:
    """Ordinary text (prose, code, JSON, logs, HTML, some non-ASCII) with a secret or an attack
    about every 8 KB."""
    rng = random.Random(7)
    parts: list[str] = []
    length = 0
    special = [s.text for s in samples] + [d.text for d in docs]
    while length < size:
        piece = rng.choice(special) if rng.random() < 0.03 else rng.choice(_FILLER)
        parts.append(piece)
        length += len(piece)
    return "".join(parts)


def throughput(text: str, chunk: int = 64 * 1024) -> tuple[float, float]:
    """MB/s of leak scan + injection check together, one core, in ``chunk``-sized calls: the
    first pass over ``text`` (RE2 still building DFA states) and the second (warm, as in an
    agent that has been running a while)."""
    chunks = [text[i : i + chunk] for i in range(0, len(text), chunk)]
    detector, checker = LeakDetector(known_secrets=["a-stored-secret-1234"]), ContentChecker()
    detector.scan(chunks[0])
    checker.check(chunks[0])
    total = sum(len(c.encode()) for c in chunks)
    rates = []
    for _ in range(2):
        started = time.perf_counter()
        for c in chunks:
            detector.scan(c)
            checker.check(c)
        rates.append(total / (time.perf_counter() - started) / 1e6)
    return rates[0], rates[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-detect-secrets", action="store_true")
    args = parser.parse_args()
    samples = leak_corpus.build()
    docs = injection_corpus.build()
    hits, misses, partial = bastion_leaks(samples)
    recall, fp, npos, nneg = _rates(samples, hits)
    today = date.today()  # noqa: DTZ011 (a calendar date for the report)
    print(
        f"date {today} machine {platform.machine()} {platform.processor() or ''} "
        f"python {platform.python_version()}"
    )
    print(
        f"leak corpus: {npos} secrets ({len({s.kind for s in samples if s.secret})} families, "
        f"{len(leak_corpus.CONTEXTS)} contexts + snippets), {nneg} near-misses"
    )
    print(f"bastion        recall {recall:.2%}  false positives {fp:.2%}  misses {misses}")
    print(f"bastion        found but shown in part after redaction: {partial or 'none'}")
    if not args.skip_detect_secrets:
        started = time.perf_counter()
        ds = detect_secrets_leaks(samples)
        ds_recall, ds_fp, _, _ = _rates(samples, ds)
        print(
            f"detect-secrets recall {ds_recall:.2%}  false positives {ds_fp:.2%}  "
            f"({time.perf_counter() - started:.1f}s)"
        )
    inj = injection_rates(docs)
    print(f"injection corpus: {inj['attacks']} attacks, {inj['benign']} benign")
    print(
        f"detected (review|block) {inj['detected']:.2%}  blocked {inj['blocked']:.2%}  "
        f"benign flagged {inj['fp']:.2%}  benign not-allow (incl. warn/sanitize) "
        f"{inj['nonallow_benign']:.2%}"
    )
    mixed = mixed_text(samples, docs, 16_000_000)
    dense = "\n".join([s.text for s in samples] + [d.text for d in docs])
    mixed_cold, mixed_warm = throughput(mixed)
    dense_cold, dense_warm = throughput(dense)
    print(
        f"throughput leak scan + check, mixed text: {mixed_warm:.1f} MB/s warm "
        f"({mixed_cold:.1f} first pass); dense corpus (every line a secret or an attack): "
        f"{dense_warm:.1f} MB/s warm ({dense_cold:.1f} first pass)"
    )


if __name__ == "__main__":
    main()
