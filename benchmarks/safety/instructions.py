"""Instructions per MB of mixed text for leak scan + content check, counted by valgrind.

Wall and CPU time on a shared 2-core machine drift by ±30 % within the hour, which hides
changes of a few per cent. The number of instructions executed does not drift: this runs the
same scan as ``run.py``'s throughput (64 KiB calls over mixed text) under cachegrind, once
with one pass and once with three, and reports the difference per warm pass and MB. Compare
two trees with ``--src`` (a worktree's ``src``):

    .venv/bin/python benchmarks/safety/instructions.py [--src PATH] [--size BYTES]

Needs valgrind (``apt-get install valgrind``); ~30 s per tree for 1 MB.
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

_CHUNK = 64 * 1024
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def _worker(chunks_path: str, passes: int) -> None:
    from bastion.safety import ContentChecker, LeakDetector

    with Path(chunks_path).open("rb") as fh:
        chunks: list[str] = pickle.load(fh)  # noqa: S301 (our own file, written just before)
    detector, checker = LeakDetector(known_secrets=["a-stored-secret-1234"]), ContentChecker()
    for _ in range(passes):
        for chunk in chunks:
            detector.scan(chunk)
            checker.check(chunk)


def _instructions(src: str, chunks_path: str, passes: int) -> int:
    env = {**os.environ, "PYTHONPATH": src}
    command = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--worker",
        chunks_path,
        str(passes),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    found = _REFS.search(done.stderr)
    if found is None:
        raise SystemExit(f"valgrind printed no instruction count:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        _worker(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--src", default=str(Path(__file__).parents[2] / "src"))
    parser.add_argument("--size", type=int, default=1_000_000)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind, then run again")
    import injection_corpus
    import leak_corpus
    from run import mixed_text

    text = mixed_text(leak_corpus.build(), injection_corpus.build(), args.size)
    chunks = [text[i : i + _CHUNK] for i in range(0, len(text), _CHUNK)]
    megabytes = sum(len(c.encode()) for c in chunks) / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        chunks_path = str(Path(tmp) / "chunks.pickle")
        with Path(chunks_path).open("wb") as fh:
            pickle.dump(chunks, fh)
        one = _instructions(args.src, chunks_path, 1)
        three = _instructions(args.src, chunks_path, 3)
    per_pass = (three - one) / 2
    print(
        f"{args.src}: {per_pass / megabytes / 1e6:.1f} M instructions per MB "
        f"(warm pass over {megabytes:.2f} MB of mixed text in 64 KiB calls)"
    )


if __name__ == "__main__":
    main()
