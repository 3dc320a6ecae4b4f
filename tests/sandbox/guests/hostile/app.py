# ruff: noqa - a deliberately hostile guest, compiled into a test component; not project code
"""A deliberately hostile tool: each mode tries one escape or exhaustion."""

import json
import os
import socket
import sys
import time

import wit_world
from componentize_py_types import Err
from wit_world.imports import host, types

COUNTER = 0


def _attempt(action):
    try:
        return "ok:" + str(action())[:200]
    except BaseException as exc:  # noqa: BLE001 - report every failure to the test
        return "E:" + type(exc).__name__


class WitWorld(wit_world.WitWorld):
    def description(self) -> str:
        return "A hostile test tool."

    def parameters_schema(self) -> str:
        return json.dumps({"type": "object", "properties": {"mode": {"type": "string"}}})

    def execute(self, params_json: str) -> str:
        global COUNTER
        p = json.loads(params_json)
        mode = p.get("mode", "echo")
        COUNTER += 1
        if mode == "echo":
            return json.dumps({"counter": COUNTER, "now": host.now_millis()})
        if mode == "fail":
            raise Err("failed on purpose")
        if mode == "loop":
            while True:
                pass
        if mode == "memory":
            hoard = []
            while True:
                hoard.append(bytearray(4 * 1024 * 1024))
        if mode == "recurse":

            def dive(n):
                return dive(n + 1) + 1

            sys.setrecursionlimit(1_000_000)
            return str(dive(0))
        if mode == "big_output":
            return "x" * p.get("size", 1_000_000)
        if mode == "log_flood":
            for i in range(p.get("count", 5000)):
                host.log(types.LogLevel.INFO, "spam " * 2000)
            return "survived"
        if mode == "stdout_flood":
            for i in range(p.get("count", 5000)):
                print("flood " * 1000, flush=True)
            return "survived"
        if mode == "probe_fs":
            return json.dumps(
                {
                    path: _attempt(lambda path=path: os.listdir(path))
                    for path in ("/", ".", "/etc", "/tmp", "/proc/self")
                }
                | {
                    "passwd": _attempt(lambda: open("/etc/passwd").read()),
                    "write": _attempt(lambda: open("/tmp/x", "w").write("x")),
                }
            )
        if mode == "probe_env":
            return json.dumps(
                {
                    "env": dict(os.environ),
                    "argv": sys.argv,
                    "stdin": _attempt(lambda: sys.stdin.read()),
                }
            )
        if mode == "probe_sockets":
            port = p["port"]

            def connect():
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.settimeout(2)
                s.connect(("127.0.0.1", port))
                return "connected"

            def udp():
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                return s.sendto(b"x", ("127.0.0.1", port))

            def bind():
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.bind(("127.0.0.1", 0))
                s.listen(1)
                return "listening"

            return json.dumps(
                {
                    "lookup": _attempt(lambda: socket.getaddrinfo("localhost", port)),
                    "connect": _attempt(connect),
                    "udp": _attempt(udp),
                    "bind": _attempt(bind),
                }
            )
        if mode == "http":
            headers = [types.Header(k, v) for k, v in p.get("headers", {}).items()]
            try:
                r = host.http_fetch(
                    types.HttpRequest(
                        p.get("method", "GET"), p["url"], headers, None, p.get("timeout_ms")
                    )
                )
            except Err as e:
                return json.dumps({"error": e.value})
            return json.dumps(
                {
                    "status": r.status,
                    "body": r.body.decode("utf-8", "replace"),
                    "headers": {h.name: h.value for h in r.headers},
                }
            )
        if mode == "http_many":
            results = []
            for _ in range(p["count"]):
                try:
                    host.http_fetch(types.HttpRequest("GET", p["url"], [], None, None))
                    results.append("ok")
                except Err as e:
                    results.append(e.value[:40])
            return json.dumps(results)
        if mode == "read":
            return json.dumps({"text": host.workspace_read(p["path"])})
        if mode == "secret":
            return json.dumps({"exists": host.secret_exists(p["name"])})
        if mode == "invoke":
            try:
                return json.dumps({"ok": host.tool_invoke(p["alias"], p.get("params", "{}"))})
            except Err as e:
                return json.dumps({"err": e.value})
        if mode == "sleep_then_echo":
            start = time.monotonic()
            while time.monotonic() - start < p.get("seconds", 5):
                pass
            return "woke"
        raise Err("unknown mode " + mode)
