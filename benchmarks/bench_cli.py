"""Whole-process numbers: `bastion --help` cold start, `bastion chat -m` with one tool call
(wall and peak RSS), and the REPL's idle RSS.

    .venv/bin/python benchmarks/bench_cli.py [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes import FakeLLMServer, llm_server, reply_text, reply_tool_calls

# See bench_turn_overhead.py: without this the fake server adds ~40 ms per keep-alive answer.
llm_server._Handler.disable_nagle_algorithm = True

BASTION = str(Path(sys.executable).with_name("bastion"))
MASTER_KEY = "5f1c9a7e3b2d4086a1e9c7b5d3f10284e6a8c0b2d4f6e8a1c3b5d7f9e0a2c4b6"


def _timed_run(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KB) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{args} failed: {child.stderr.read().decode() if child.stderr else ''}")
    return wall, usage.ru_maxrss


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def _repl_idle_rss(env: dict[str, str]) -> int:
    """Start the REPL on a pseudo-terminal, wait for its prompt, read RSS, then Ctrl-D."""
    controller, terminal = pty.openpty()
    child = subprocess.Popen(
        [BASTION, "chat"], env=env, stdin=terminal, stdout=terminal, stderr=terminal
    )
    os.close(terminal)
    seen = b""
    deadline = time.monotonic() + 30
    # The banner's end; "/help" itself is split by colour codes on a terminal.
    while b"for commands" not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.5)
        if ready:
            seen += os.read(controller, 4096)
    if b"for commands" not in seen:
        raise RuntimeError(f"no REPL prompt within 30 s: {seen[-300:]!r}")
    time.sleep(1.0)  # idle at the prompt
    rss = _rss_kb(child.pid)
    os.write(controller, b"\x04")
    child.wait(timeout=10)
    os.close(controller)
    return rss


# The floor under `chat -m` that the choice of SDK sets: a bare script that imports
# the official openai SDK and makes the same two requests, nothing of Bastion's.
_SDK_FLOOR = """
import os, openai
client = openai.OpenAI(base_url=os.environ["BASTION_LLM_BASE_URL"], api_key="sk-bench")
for _ in range(2):
    client.chat.completions.create(model="fake-model", messages=[{"role": "user", "content": "hi"}])
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    script = [reply_tool_calls(("echo", {"text": "hi"})), reply_text("done")]
    with tempfile.TemporaryDirectory() as home, FakeLLMServer(script, repeat=True) as server:
        env = {
            **os.environ,
            "BASTION_HOME": home,
            "BASTION_MASTER_KEY": MASTER_KEY,
            "BASTION_LLM_BASE_URL": server.openai_base_url,
            "BASTION_LLM_MODEL": "fake-model",
            "BASTION_LLM_API_KEY": "sk-bench",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        }
        # An installed package has its .pyc files; without them every run compiles the modules
        # edited since the last write (~0.15 s), and the warm-up below could not write them.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        help_runs = [_timed_run([BASTION, "--help"], env) for _ in range(args.runs)]
        _timed_run([BASTION, "chat", "-m", "warm up"], env)  # migrations, .pyc files
        chat_runs = [_timed_run([BASTION, "chat", "-m", "echo hi"], env) for _ in range(args.runs)]
        repl_rss = statistics.median(_repl_idle_rss(env) for _ in range(3))
        floor_runs = [_timed_run([sys.executable, "-c", _SDK_FLOOR], env) for _ in range(args.runs)]
    print(f"bastion --help: median {statistics.median(w for w, _ in help_runs):.3f} s")
    print(
        f"bastion chat -m (1 tool call): median {statistics.median(w for w, _ in chat_runs):.3f} s,"
        f" peak RSS {max(r for _, r in chat_runs) / 1024:.1f} MB"
    )
    print(f"REPL idle RSS: median of 3 {repl_rss / 1024:.1f} MB")
    print(
        "floor: python + import openai + the same 2 requests, no Bastion: median "
        f"{statistics.median(w for w, _ in floor_runs):.3f} s"
    )
    print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")


if __name__ == "__main__":
    main()
