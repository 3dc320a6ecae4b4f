"""Agent overhead of one turn with one tool call, against a zero-latency local LLM server.

A turn here is: model call → echo tool through the dispatcher → model call → answer, saved to
SQLite. The server runs in its own process, as a real one would. Its own time is measured as
the median round trip of the same two requests sent straight over HTTP (no SDK, no agent);
overhead = median turn - that baseline.

    .venv/bin/python benchmarks/bench_turn_overhead.py [--turns 200]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes import FakeLLMServer, llm_server, reply_text, reply_tool_calls

from bastion.app.settings import load_settings
from bastion.app.wiring import build_runtime
from bastion.contracts.messages import Completion
from bastion.contracts.ports import ChatModel, CompletionRequest, TextSink

# The fake server's handler writes headers and body separately; with Nagle on, a keep-alive
# client's delayed ACK stalls every answer by ~40 ms on Linux loopback, which would be measured
# as "agent" time. Real provider endpoints don't behave like that, so switch Nagle off here.
llm_server._Handler.disable_nagle_algorithm = True

MASTER_KEY = "5f1c9a7e3b2d4086a1e9c7b5d3f10284e6a8c0b2d4f6e8a1c3b5d7f9e0a2c4b6"


def _raw_round_trip_ms(port: int, body: dict[str, object]) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    payload = json.dumps(body).encode()
    started = time.perf_counter()
    connection.request(
        "POST", "/v1/chat/completions", payload, {"content-type": "application/json"}
    )
    connection.getresponse().read()
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    return elapsed


class _TimedModel:
    """Our ChatModel port around the real adapter, adding up the time spent inside it."""

    def __init__(self, inner: ChatModel) -> None:
        self._inner = inner
        self.spent_ms = 0.0

    @property
    def model(self) -> str:
        return self._inner.model

    @property
    def context_window(self) -> int:
        return self._inner.context_window

    async def complete(
        self, request: CompletionRequest, on_text: TextSink | None = None
    ) -> Completion:
        started = time.perf_counter()
        try:
            return await self._inner.complete(request, on_text)
        finally:
            self.spent_ms += (time.perf_counter() - started) * 1000


async def _turns(count: int) -> tuple[list[float], list[float]]:
    """Per turn: wall time, and the time spent inside the model adapter (SDK + HTTP + server)."""
    runtime = build_runtime(load_settings())
    timed = _TimedModel(runtime.model)
    session = runtime.session()
    session.set_model(timed)
    walls: list[float] = []
    in_model: list[float] = []
    try:
        for _ in range(count):
            session.new_thread()  # one turn on a fresh thread: the request size stays the same
            timed.spent_ms = 0.0
            started = time.perf_counter()
            await session.send("please echo hi")
            walls.append((time.perf_counter() - started) * 1000)
            in_model.append(timed.spent_ms)
    finally:
        await runtime.aclose()
    return walls, in_model


def _serve(conn: Connection) -> None:
    """The LLM server in its own process: a real provider never shares our interpreter (in
    process, its request handling would take the GIL from the agent mid-turn and be counted
    as agent time). Sends its port, then the last two request bodies when asked."""
    script = [reply_tool_calls(("echo", {"text": "hi"})), reply_text("done")]
    with FakeLLMServer(script, repeat=True) as server:
        conn.send(server.port)
        while (message := conn.recv()) != "stop":
            if message == "bodies":
                conn.send([r.body for r in server.completion_requests[-2:]])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=200)
    args = parser.parse_args()
    parent, child = multiprocessing.get_context("fork").Pipe()
    server_process = multiprocessing.get_context("fork").Process(target=_serve, args=(child,))
    server_process.start()
    port = parent.recv()
    try:
        with tempfile.TemporaryDirectory() as home:
            os.environ.update(
                BASTION_HOME=home,
                BASTION_MASTER_KEY=MASTER_KEY,
                BASTION_LLM_BASE_URL=f"http://127.0.0.1:{port}/v1",
                BASTION_LLM_MODEL="fake-model",
                BASTION_LLM_API_KEY="sk-bench",
                PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
            )
            asyncio.run(_turns(10))  # warm-up: imports, first connection, migrations
            timings, in_model = asyncio.run(_turns(args.turns))
        parent.send("bodies")
        bodies = parent.recv()
        baseline = [
            sum(_raw_round_trip_ms(port, body) for body in bodies) for _ in range(args.turns)
        ]
    finally:
        parent.send("stop")
        server_process.join(timeout=10)
    turn = statistics.median(timings)
    server_ms = statistics.median(baseline)
    print(f"turns: {args.turns}, each 2 model calls + 1 echo tool call + 1 saved turn")
    print(f"median turn: {turn:.2f} ms (p90 {statistics.quantiles(timings, n=10)[-1]:.2f} ms)")
    print(f"median raw server round trips for the same 2 requests: {server_ms:.2f} ms")
    model_ms = statistics.median(in_model)
    print(f"agent overhead (median turn - server): {turn - server_ms:.2f} ms")
    print(
        f"  of which inside the provider adapter (SDK, HTTP) beyond the server: "
        f"{model_ms - server_ms:.2f} ms"
    )
    print(f"  of which loop + dispatcher + store: {turn - model_ms:.2f} ms")


if __name__ == "__main__":
    main()
