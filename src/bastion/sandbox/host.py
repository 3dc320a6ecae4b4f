"""The ``bastion:tool/host`` functions, exactly as the WIT declares them, and one call's state.

Every function checks the manifest's grant; a refusal is recorded as a ``Denial`` (so
``tool run`` exits 3) and the guest gets the WIT's "no" (an ``err``, ``none`` or ``false``).
Limits that must stop the guest (log flood, wall clock) trap it by raising ``WasmtimeError``
from the host function, and the call records which limit fired. Python exceptions are never
let through wasmtime's process-wide "last exception" slot, so concurrent calls cannot see each
other's errors.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import wasmtime
from wasmtime import component

from bastion.contracts.authorization import CallContext
from bastion.contracts.errors import (
    BastionError,
    CapabilityDenied,
    EgressDenied,
    LeakBlocked,
    LimitExceeded,
)
from bastion.contracts.ports import ToolInvoker
from bastion.contracts.tools import Denial
from bastion.egress import EgressClient, EgressGrant, EgressRequest, NetworkError
from bastion.sandbox.limits import ToolLimits
from bastion.sandbox.ports import SecretPresence, WorkspaceReader
from bastion.sandbox.workspace_grant import WorkspaceGrant

__all__ = ["Capabilities", "HostCall", "LogEntry", "define_host"]

log = logging.getLogger(__name__)
_HOST_INTERFACE = "bastion:tool/host@0.1.0"
_ACTIVE = threading.local()
_EIO = -5


@dataclass(frozen=True, slots=True)
class LogEntry:
    level: str
    message: str


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What one call may reach, already resolved from the manifest and the app's services."""

    egress: EgressClient | None = None
    egress_grant: EgressGrant = field(default_factory=EgressGrant)
    workspace: WorkspaceReader | None = None
    workspace_grant: WorkspaceGrant = field(default_factory=lambda: WorkspaceGrant(()))
    secrets: SecretPresence | None = None
    secret_names: frozenset[str] = frozenset()
    invoker: ToolInvoker | None = None
    aliases: Mapping[str, str] = field(default_factory=dict)
    context: CallContext = field(default_factory=lambda: CallContext(thread_id="sandbox"))
    loop: asyncio.AbstractEventLoop | None = None


class HostCall:
    """The state of one call: counters, captured log, denials and the limit that fired."""

    def __init__(self, limits: ToolLimits, capabilities: Capabilities) -> None:
        self.limits = limits
        self.capabilities = capabilities
        self.started = time.monotonic()
        self.deadline = self.started + limits.timeout_ms / 1000
        self.logs: list[LogEntry] = []
        self.denials: list[Denial] = []
        self.limit: str | None = None
        self.http_requests = 0
        self._lock = threading.Lock()
        self._partial: dict[str, bytes] = {"stdout": b"", "stderr": b""}

    # -- bookkeeping -----------------------------------------------------------------------
    def enter(self) -> None:
        _ACTIVE.call = self

    def leave(self) -> None:
        self.flush_streams()
        _ACTIVE.call = None

    def deny(self, capability: str, detail: str) -> None:
        with self._lock:
            if len(self.denials) < 100:
                self.denials.append(Denial(capability, detail[:500]))

    def hit(self, limit: str) -> None:
        with self._lock:
            if self.limit is None:
                self.limit = limit

    def remaining_s(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def _add_log(self, level: str, message: str) -> bool:
        raw = message.encode("utf-8", "replace")[: self.limits.max_log_entry_bytes]
        with self._lock:
            if len(self.logs) >= self.limits.max_log_entries:
                return False
            self.logs.append(LogEntry(level, raw.decode("utf-8", "ignore")))
            return True

    def _capture(self, stream: str, data: bytes) -> int | None:
        # Runs on a wasmtime I/O thread: only touches state under the lock.
        with self._lock:
            buffered = self._partial[stream] + data
            *lines, rest = buffered.split(b"\n")
            self._partial[stream] = rest[: self.limits.max_log_entry_bytes]
        for line in lines:
            if not self._add_log(stream, line.decode("utf-8", "replace")):
                self.hit("log")
                return _EIO
        return None

    def capture_stdout(self, data: bytes) -> int | None:
        return self._capture("stdout", data)

    def capture_stderr(self, data: bytes) -> int | None:
        return self._capture("stderr", data)

    def flush_streams(self) -> None:
        for stream in ("stdout", "stderr"):
            with self._lock:
                rest, self._partial[stream] = self._partial[stream], b""
            if rest:
                self._add_log(stream, rest.decode("utf-8", "replace"))

    def stderr_text(self) -> str:
        with self._lock:
            return "\n".join(e.message for e in self.logs if e.level == "stderr")

    # -- host functions ---------------------------------------------------------------------
    def log(self, level: str, message: str) -> None:
        if not self._add_log(level, message):
            self.hit("log")
            raise wasmtime.WasmtimeError(
                f"limit 'log': more than {self.limits.max_log_entries} entries"
            )

    def now_millis(self) -> int:
        return int(time.time() * 1000)

    def workspace_read(self, path: str) -> str | None:
        caps = self.capabilities
        normalised = caps.workspace_grant.allows(path)
        if normalised is None:
            self.deny("workspace_read", f"path {path[:200]!r} is not granted")
            return None
        if caps.workspace is None:
            return None
        return caps.workspace.read(normalised)

    def secret_exists(self, name: str) -> bool:
        caps = self.capabilities
        if name not in caps.secret_names:
            self.deny("secret_exists", f"secret {name[:100]!r} is not granted")
            return False
        return caps.secrets is not None and caps.secrets.exists(name)

    def http_fetch(self, request: Any) -> Any:
        caps = self.capabilities
        if self.http_requests >= self.limits.max_http_requests:
            self.hit("http_requests")
            return f"limit 'http_requests': at most {self.limits.max_http_requests} per call"
        self.http_requests += 1
        if caps.egress is None or not caps.egress_grant.allow:
            self.deny("http", "the manifest grants no network access")
            return "http denied: the manifest grants no network access"
        timeout_ms = getattr(request, "timeout-ms", None)
        timeout_s = min(
            timeout_ms / 1000 if timeout_ms else self.limits.timeout_ms / 1000, self.remaining_s()
        )
        outgoing = EgressRequest(
            method=str(request.method),
            url=str(request.url),
            headers=tuple((str(h.name), str(h.value)) for h in request.headers),
            body=request.body,
            timeout_s=max(timeout_s, 0.001),
        )
        try:
            response = caps.egress.fetch(outgoing, caps.egress_grant)
        except (EgressDenied, CapabilityDenied, LimitExceeded) as exc:
            if isinstance(exc, CapabilityDenied):  # a credential the host would not inject
                self.deny(exc.capability, exc.detail)
            else:
                self.deny("http", str(exc))
            return str(exc)
        except LeakBlocked as exc:
            self.deny("leak", str(exc))
            return str(exc)
        except NetworkError as exc:
            return str(exc)
        if response.reflected:
            self.deny("leak", "the response contained a stored secret; it was redacted")
        return _http_response(response.status, response.headers, response.body)

    def tool_invoke(self, alias: str, params_json: str) -> component.Variant:
        caps = self.capabilities
        target = caps.aliases.get(alias)
        if target is None or caps.invoker is None or caps.loop is None:
            self.deny("tool_invoke", f"alias {alias[:100]!r} is not granted")
            return component.Variant(
                "err", f"tool-invoke denied: alias {alias[:100]!r} is not granted"
            )
        # The invoker (the dispatcher) nests the context one level deeper itself.
        if caps.context.depth + 1 > self.limits.max_invoke_depth:
            self.hit("invoke_depth")
            return component.Variant(
                "err", f"limit 'invoke_depth': at most {self.limits.max_invoke_depth}"
            )
        future = asyncio.run_coroutine_threadsafe(
            caps.invoker.invoke(target, params_json, caps.context), caps.loop
        )
        try:
            result = future.result(timeout=self.remaining_s())
        except TimeoutError:
            future.cancel()
            self.hit("timeout")
            raise wasmtime.WasmtimeError("limit 'timeout' during tool-invoke") from None
        if result.refused:
            self.deny("tool_invoke", f"{target}: {result.content[:200]}")
        return component.Variant("ok" if result.ok else "err", result.content)


def _http_response(
    status: int, headers: tuple[tuple[str, str], ...], body: bytes
) -> component.Record:
    # wasmtime lowers a record from the attributes named like the WIT fields.
    header_records = []
    for name, value in headers:
        header = component.Record()
        header.__dict__.update(name=name, value=value)
        header_records.append(header)
    record = component.Record()
    record.__dict__.update(status=status, headers=header_records, body=body)
    return record


def _current() -> HostCall:
    call = getattr(_ACTIVE, "call", None)
    if call is None:
        raise wasmtime.WasmtimeError("host function called outside a Bastion call")
    return call  # type: ignore[no-any-return]


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    def host_function(_store: object, *args: Any) -> Any:
        call = _current()
        try:
            return method(call, *args)
        except wasmtime.WasmtimeError:
            raise
        except BastionError as exc:
            call.deny("host", str(exc))
            raise wasmtime.WasmtimeError(f"host error: {exc}") from None
        except Exception as exc:  # a host bug must trap the guest, not leak out
            log.exception("host function %s failed", method.__name__)
            call.deny("host", f"{method.__name__} failed: {type(exc).__name__}")
            raise wasmtime.WasmtimeError("host error") from None

    return host_function


def define_host(linker: component.Linker) -> None:
    """Define the WIT host interface once in ``linker``; calls find their state at run time."""
    with linker.root() as root, root.add_instance(_HOST_INTERFACE) as host:
        host.add_func("log", _guarded(HostCall.log))
        host.add_func("now-millis", _guarded(HostCall.now_millis))
        host.add_func("workspace-read", _guarded(HostCall.workspace_read))
        host.add_func("http-fetch", _guarded(HostCall.http_fetch))
        host.add_func("secret-exists", _guarded(HostCall.secret_exists))
        host.add_func("tool-invoke", _guarded(HostCall.tool_invoke))
