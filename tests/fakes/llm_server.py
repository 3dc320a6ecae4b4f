"""A real HTTP LLM server on loopback that replays a script, for tests and benchmarks.

It speaks the OpenAI Chat Completions protocol (``POST /v1/chat/completions``, streamed as SSE
``data:`` chunks or not, ``GET /v1/models[/ID]``) and the Anthropic Messages protocol
(``POST /v1/messages`` with the real event sequence, ``GET /v1/models[/ID]`` when the request
carries ``anthropic-version``), so the official SDKs run their real code paths against it.

    with FakeLLMServer([reply_tool_calls(("echo", {"text": "x"})), reply_text("done")]) as llm:
        client = AsyncOpenAI(base_url=llm.openai_base_url, api_key="k")
        ...
        assert llm.requests[0].body["model"] == "fake-model"

When the script runs out the server answers "script exhausted" (a normal text reply), so a test
that asks one time too many notices. Standalone, for benchmarks and subprocess tests:

    python -m tests.fakes.llm_server --port 0 --script script.json [--repeat]

prints the OpenAI base URL (``http://127.0.0.1:PORT/v1``) as its first stdout line and serves
until interrupted. There is no latency unless a step asks for one.
"""

from __future__ import annotations

import argparse
import itertools
import json
import signal
import socket
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.fakes import llm_wire_anthropic as anthropic_wire
from tests.fakes import llm_wire_openai as openai_wire
from tests.fakes.llm_script import EXHAUSTED_TEXT, Failure, ScriptedReply, load_script
from tests.fakes.quiet_server import QuietHTTPServer

__all__ = ["FakeLLMServer", "RecordedRequest"]


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    method: str
    path: str
    headers: Mapping[str, str]  # names lower-cased
    body: Any  # the parsed JSON body, None for GET
    raw: bytes

    @property
    def vendor(self) -> str:
        return "anthropic" if "anthropic-version" in self.headers else "openai"


class FakeLLMServer:
    """Replays ``script`` to whoever asks, on ``127.0.0.1`` and an ephemeral port.

    ``models``: when given, other model names get the vendor's 404 and ``/v1/models`` lists
    these (default: any model is accepted and ``fake-model`` is listed). ``api_key``: when
    given, a request without it (Bearer or x-api-key) gets the vendor's 401. ``repeat``: cycle
    the script forever instead of running out (benchmarks).
    """

    def __init__(
        self,
        script: Iterable[ScriptedReply] = (),
        *,
        models: Sequence[str] | None = None,
        api_key: str | None = None,
        repeat: bool = False,
        port: int = 0,
    ) -> None:
        self._steps: list[list[Any]] = [[step, step.times] for step in script]
        self._repeat = repeat
        self._models = list(models) if models is not None else None
        self._api_key = api_key
        self._port = port
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._ids = itertools.count(1)
        self._stopping = threading.Event()
        self._cursor = 0
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> FakeLLMServer:
        handler = type("_BoundHandler", (_Handler,), {"fake": self})
        self._httpd = QuietHTTPServer(("127.0.0.1", self._port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping on a scripted delay
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ what tests read
    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the fake LLM server is not running; call start()")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_base_url(self) -> str:
        return f"{self.base_url}/v1"

    @property
    def anthropic_base_url(self) -> str:
        return self.base_url  # the Anthropic SDK appends /v1/messages itself

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def completion_requests(self) -> list[RecordedRequest]:
        """Only the POSTs that asked for an answer (not model listings)."""
        return [r for r in self.requests if r.method == "POST"]

    @property
    def remaining(self) -> int:
        """How many scripted answers are still unused."""
        with self._lock:
            return sum(left for _, left in self._steps[self._cursor :])

    def add(self, *steps: ScriptedReply) -> None:
        """Append steps to the script while running."""
        with self._lock:
            self._steps.extend([step, step.times] for step in steps)

    # ------------------------------------------------------------------ used by the handler
    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _next_step(self) -> ScriptedReply:
        with self._lock:
            if self._repeat and self._steps and self._cursor >= len(self._steps):
                self._cursor = 0
                for entry in self._steps:
                    entry[1] = entry[0].times
            if self._cursor >= len(self._steps):
                return ScriptedReply(text=EXHAUSTED_TEXT)
            entry = self._steps[self._cursor]
            entry[1] -= 1
            if entry[1] <= 0:
                self._cursor += 1
            step: ScriptedReply = entry[0]
            return step

    def _call_ids(self, count: int, prefix: str) -> list[str]:
        return [f"{prefix}{next(self._ids):04d}" for _ in range(count)]

    def _known_model(self, model: str) -> bool:
        return self._models is None or model in self._models

    def _listed_models(self) -> list[str]:
        return self._models if self._models is not None else ["fake-model"]

    def _authorised(self, headers: Mapping[str, str]) -> bool:
        if self._api_key is None:
            return True
        return (
            headers.get("x-api-key") == self._api_key
            or headers.get("authorization") == f"Bearer {self._api_key}"
        )


class _Handler(BaseHTTPRequestHandler):
    fake: FakeLLMServer
    protocol_version = "HTTP/1.1"  # keep-alive: the SDKs pool connections, benchmarks too
    disable_nagle_algorithm = True  # small SSE writes must not wait for delayed ACKs

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a test's output is for the test."""

    # ------------------------------------------------------------------ routing
    def do_GET(self) -> None:
        request = self._read_request(body=None)
        wire = anthropic_wire if request.vendor == "anthropic" else openai_wire
        if not self.fake._authorised(request.headers):
            self._send_failure(request, Failure(status=401), "")
            return
        path = self.path.split("?", 1)[0].rstrip("/")
        if path == "/v1/models":
            self._send_json(200, wire.models_body(self.fake._listed_models()))
        elif path.startswith("/v1/models/"):
            model = path.removeprefix("/v1/models/")
            if self.fake._known_model(model):
                self._send_json(200, wire.model_body(model))
            else:
                self._send_failure(request, Failure(status=404), model)
        else:
            self._send_json(404, {"error": {"message": f"no route {path}", "type": "not_found"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"null")
        except json.JSONDecodeError:
            body = None
        request = self._read_request(body=body, raw=raw)
        path = self.path.split("?", 1)[0].rstrip("/")
        if path not in ("/v1/chat/completions", "/v1/messages") or not isinstance(body, dict):
            self._send_json(404, {"error": {"message": f"no route {path}", "type": "not_found"}})
            return
        model = str(body.get("model", ""))
        if not self.fake._authorised(request.headers):
            self._send_failure(request, Failure(status=401), model)
            return
        if not self.fake._known_model(model):
            self._send_failure(request, Failure(status=404), model)
            return
        step = self.fake._next_step()
        if step.delay_s and self.fake._stopping.wait(step.delay_s):
            self.close_connection = True  # stopped while waiting: hang up, do not linger
            return
        if step.failure is not None:
            self._send_failure(request, step.failure, model)
            return
        usage = _usage(step, len(raw))
        if path == "/v1/messages":
            self._answer_anthropic(step, model, usage, stream=bool(body.get("stream")))
        else:
            options = body.get("stream_options") or {}
            include_usage = bool(options.get("include_usage"))
            self._answer_openai(step, model, usage, bool(body.get("stream")), include_usage)

    # ------------------------------------------------------------------ answers
    def _answer_openai(
        self,
        step: ScriptedReply,
        model: str,
        usage: tuple[int, int],
        stream: bool,
        include_usage: bool,
    ) -> None:
        ids = self.fake._call_ids(len(step.tool_calls), "call_")
        if not stream:
            self._send_json(200, openai_wire.completion_body(step, model, ids, usage))
            return
        chunks = openai_wire.stream_chunks(step, model, ids, usage, include_usage)
        events = [openai_wire.chunk_bytes(chunk) for chunk in chunks]
        self._send_stream([*events, openai_wire.chunk_bytes("[DONE]")], step.chunk_delay_s)

    def _answer_anthropic(
        self, step: ScriptedReply, model: str, usage: tuple[int, int], stream: bool
    ) -> None:
        ids = self.fake._call_ids(len(step.tool_calls), "toolu_")
        if not stream:
            self._send_json(200, anthropic_wire.message_body(step, model, ids, usage))
            return
        events = anthropic_wire.stream_events(step, model, ids, usage)
        self._send_stream([anthropic_wire.event_bytes(e) for e in events], step.chunk_delay_s)

    def _send_failure(self, request: RecordedRequest, failure: Failure, model: str) -> None:
        if failure.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        headers: dict[str, str] = {}
        if failure.retry_after is not None:
            headers["retry-after"] = f"{failure.retry_after:g}"
            headers["retry-after-ms"] = f"{failure.retry_after * 1000:g}"
        if request.vendor == "anthropic" or self.path.startswith("/v1/messages"):
            body = anthropic_wire.error_body(failure, model)
        else:
            body = openai_wire.error_body(failure, model)
        self._send_json(failure.status, body, headers)

    # ------------------------------------------------------------------ HTTP plumbing
    def _read_request(self, body: Any, raw: bytes = b"") -> RecordedRequest:
        headers = {name.lower(): value for name, value in self.headers.items()}
        request = RecordedRequest(self.command, self.path, headers, body, raw)
        self.fake._record(request)
        return request

    def _send_json(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("request-id", "req_fake")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self._write(data)

    def _send_stream(self, events: Sequence[bytes], chunk_delay_s: float) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        for event in events:
            if chunk_delay_s and self.fake._stopping.wait(chunk_delay_s):
                self.close_connection = True  # stopped mid-stream: the client sees it break
                return
            if not self._write(b"%x\r\n%s\r\n" % (len(event), event)):
                return
        self._write(b"0\r\n\r\n")

    def _write(self, data: bytes) -> bool:
        """False when the client went away (it timed out or was interrupted): not an error."""
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            return False
        return True


def _usage(step: ScriptedReply, request_bytes: int) -> tuple[int, int]:
    """Token counts: the scripted ones, else a rough four-bytes-a-token estimate."""
    produced = len(step.text) + sum(len(call.arguments_json) for call in step.tool_calls)
    input_tokens = step.input_tokens if step.input_tokens is not None else request_bytes // 4
    output_tokens = step.output_tokens if step.output_tokens is not None else produced // 4
    return max(1, input_tokens), max(1, output_tokens)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Scripted fake LLM server (OpenAI + Anthropic).")
    parser.add_argument("--port", type=int, default=0, help="0: an ephemeral port")
    parser.add_argument("--script", type=Path, help="JSON list of steps (see llm_script.py)")
    parser.add_argument("--repeat", action="store_true", help="cycle the script forever")
    parser.add_argument("--models", help="comma-separated known models (default: any)")
    parser.add_argument("--api-key", help="require this key (default: accept any)")
    args = parser.parse_args(argv)
    script = load_script(args.script) if args.script else []
    models = args.models.split(",") if args.models else None
    server = FakeLLMServer(
        script, models=models, api_key=args.api_key, repeat=args.repeat, port=args.port
    )
    server.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    sys.stdout.write(server.openai_base_url + "\n")
    sys.stdout.flush()
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
