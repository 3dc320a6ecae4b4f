"""Builds the sandbox pieces from Settings: egress, the WASM runtime, the installed-tool index,
and the WASM tools as dispatcher-registered executors that reload when the tools folder changes.

The vault backs egress's ``CredentialSource`` and the sandbox's ``SecretPresence`` here, in the
app, so neither egress nor the sandbox ever imports the vault.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from contextlib import ExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bastion.app.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from bastion.contracts.authorization import Authorized
    from bastion.contracts.ports import ToolInvoker, ToolResult
    from bastion.contracts.tools import ToolOutput, ToolSpec
    from bastion.egress import EgressClient, EgressConfig
    from bastion.kernel.registry import ToolRegistry
    from bastion.safety import LeakDetector
    from bastion.sandbox.executor import WasmToolExecutor
    from bastion.sandbox.installed import InstalledTool, ToolIndex
    from bastion.sandbox.limits import SandboxLimits
    from bastion.sandbox.manifest import ToolManifest
    from bastion.sandbox.ports import WorkspaceReader
    from bastion.sandbox.runtime import WasmRuntime
    from bastion.vault.vault import Vault

__all__ = [
    "RedactingWorkspaceReader",
    "ToolRunReport",
    "VaultCredentials",
    "WasmToolCatalog",
    "check_credential_bindings",
    "egress_config",
    "open_egress",
    "open_wasm_runtime",
    "run_installed_tool",
    "sandbox_limits",
    "tool_index",
]


class RedactingWorkspaceReader:
    """The workspace as a WASM tool reads it: a document that holds a stored secret (or anything
    secret-shaped) is redacted before it enters the guest's memory, so a note can never hand a
    tool a secret the vault was keeping from it."""

    def __init__(self, reader: WorkspaceReader, detector: LeakDetector) -> None:
        self._reader = reader
        self._detector = detector

    def read(self, path: str) -> str | None:
        text = self._reader.read(path)
        if text is None:
            return None
        return self._detector.scan(text).redacted


class VaultCredentials:
    """The vault as egress's ``CredentialSource`` and the sandbox's ``SecretPresence``."""

    def __init__(self, vault: Vault) -> None:
        self._vault = vault

    def secret_value(self, name: str) -> str | None:
        return self._vault.get(name) if self._vault.exists(name) else None

    def known_values(self) -> Collection[str]:
        return self._vault.all_values()

    def allowed_hosts(self, name: str) -> tuple[str, ...] | None:
        """The secret's ``--host`` bindings; None for a secret bound to no host (or absent)."""
        if not self._vault.exists(name):
            return None
        return self._vault.hosts_for(name) or None

    def exists(self, name: str) -> bool:
        return self._vault.exists(name)


def check_credential_bindings(settings: Settings, manifest: ToolManifest) -> None:
    """At install: refuse a manifest that maps a secret to a host outside the secret's
    ``--host`` bindings. Egress checks again on every request, since a secret can be set or
    bound after the tool was installed."""
    from bastion.app.bootstrap import open_database, open_vault
    from bastion.contracts.errors import CapabilityDenied
    from bastion.egress import pattern_covers

    if not manifest.http.credentials:
        return
    database = open_database(settings)
    try:
        credentials = VaultCredentials(open_vault(settings, database))
        for mapping in manifest.http.credentials:
            bound = credentials.allowed_hosts(mapping.secret)
            if bound is not None and not any(pattern_covers(p, mapping.host) for p in bound):
                raise CapabilityDenied(
                    "credential",
                    f"the manifest sends secret {mapping.secret!r} to {mapping.host}, but the "
                    f"secret is bound to {', '.join(bound)}; fix the manifest or re-bind the "
                    f"secret with `bastion secret set {mapping.secret} --host PATTERN`",
                )
    finally:
        database.close()


def egress_config(settings: Settings) -> EgressConfig:
    from bastion.egress import EgressConfig

    e = settings.egress
    return EgressConfig(
        allow_http=e.allow_http,
        allow_private_cidrs=tuple(e.allow_private_cidrs),
        max_redirects=e.max_redirects,
        max_request_bytes=e.max_request_bytes,
        max_response_bytes=e.max_response_bytes,
        timeout_s=e.timeout_s,
    )


def open_egress(
    settings: Settings,
    credentials: VaultCredentials | None,
    detector: LeakDetector | None = None,
) -> EgressClient:
    """Egress with the vault's credentials. With ``detector`` (the runtime's ``LeakDetector``,
    which knows every vault value and the credential patterns) URLs, headers and bodies are
    scanned for patterns too, on top of egress's own exact-value floor."""
    from bastion.egress import DetectorScanner, EgressClient

    scanner = DetectorScanner(detector) if detector is not None else None
    return EgressClient(egress_config(settings), credentials=credentials, scanner=scanner)


def sandbox_limits(settings: Settings) -> SandboxLimits:
    from bastion.sandbox.limits import SandboxLimits, ToolLimits

    s = settings.sandbox
    shared = {"max_log_entries": s.max_log_entries, "max_log_entry_bytes": s.max_log_entry_bytes}
    return SandboxLimits(
        defaults=ToolLimits(
            memory_mb=s.memory_mb,
            fuel=s.fuel,
            timeout_ms=s.timeout_ms,
            max_http_requests=s.max_http_requests,
            max_output_bytes=s.max_output_bytes,
            max_invoke_depth=s.max_invoke_depth,
            **shared,
        ),
        ceilings=ToolLimits(
            memory_mb=s.ceiling_memory_mb,
            fuel=s.ceiling_fuel,
            timeout_ms=s.ceiling_timeout_ms,
            max_http_requests=s.ceiling_max_http_requests,
            max_output_bytes=s.ceiling_max_output_bytes,
            max_invoke_depth=s.ceiling_max_invoke_depth,
            **shared,
        ),
    )


def open_wasm_runtime(settings: Settings) -> WasmRuntime:
    from bastion.sandbox.runtime import WasmRuntime

    return WasmRuntime(settings.home / "cache")


def tool_index(settings: Settings) -> ToolIndex:
    from bastion.sandbox.installed import ToolIndex

    return ToolIndex(settings.tools_dir)


@dataclass(frozen=True, slots=True)
class _Services:
    egress: EgressClient | None
    workspace: WorkspaceReader | None
    secrets: VaultCredentials | None
    invoker: ToolInvoker | None


class WasmToolCatalog:
    """Keeps a registry's WASM tools in step with the tools folder: ``sync()`` registers new
    tools, swaps changed ones (a new pinned hash or manifest) and drops removed ones. Call it
    before each lookup or from a poller; it only re-reads the index when the file changed."""

    def __init__(
        self,
        settings: Settings,
        *,
        runtime: WasmRuntime | Callable[[], WasmRuntime],
        index: ToolIndex,
        egress: EgressClient | None = None,
        workspace: WorkspaceReader | None = None,
        secrets: VaultCredentials | None = None,
        invoker: ToolInvoker | None = None,
    ) -> None:
        """``runtime`` may be a factory: the engine (and wasmtime's import) is then paid only
        once a tool is actually installed, not on every start of a chat."""
        self._settings = settings  # the sandbox limits are read when a tool is first loaded
        # A WasmRuntime is not callable, so a callable here is the factory.
        self._runtime: WasmRuntime | None = None if callable(runtime) else runtime
        self._runtime_factory: Callable[[], WasmRuntime] | None = (
            runtime if callable(runtime) else None
        )
        self._runtime_lock = threading.Lock()
        self._index = index
        self._services = _Services(egress, workspace, secrets, invoker)
        self._loaded: dict[str, InstalledTool] = {}
        self._lock = threading.Lock()

    def runtime(self) -> WasmRuntime:
        with self._runtime_lock:
            if self._runtime is None and self._runtime_factory is not None:
                self._runtime = self._runtime_factory()
            if self._runtime is None:
                raise RuntimeError("WasmToolCatalog has neither a runtime nor a factory")
            return self._runtime

    def close(self) -> None:
        """Close the engine if one was started."""
        if self._runtime is not None:
            self._runtime.close()

    def executor(self, tool: InstalledTool) -> WasmToolExecutor:
        from bastion.sandbox.executor import SandboxServices, WasmToolExecutor

        s = self._services
        return WasmToolExecutor(
            tool,
            runtime=self.runtime(),
            index=self._index,
            limits=sandbox_limits(self._settings).effective(tool.manifest.limits.requested()),
            services=SandboxServices(s.egress, s.workspace, s.secrets, s.invoker),
        )

    def sync(self, registry: ToolRegistry) -> None:
        with self._lock:
            current = {tool.name: tool for tool in self._index.list()}
            for name in set(self._loaded) - set(current):
                if name in registry:
                    registry.unregister(name)
                del self._loaded[name]
            for name, tool in current.items():
                if self._loaded.get(name) == tool:
                    continue
                if name in self._loaded:
                    registry.replace(self.executor(tool))
                elif name not in registry:  # a built-in of the same name always wins
                    registry.register(self.executor(tool))
                else:
                    continue
                self._loaded[name] = tool


@dataclass(frozen=True, slots=True)
class ToolRunReport:
    """One ``tool run`` outcome, in the contract's ``--json`` shape."""

    ok: bool
    text: str
    limit: str | None
    denials: tuple[tuple[str, str], ...]
    refused: bool = False  # the dispatcher refused before or around the call

    @property
    def exit_code(self) -> int:
        if self.refused or self.limit is not None or self.denials:
            return 3
        return 0 if self.ok else 1

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "result": self.text if self.ok else None,
            "error": None if self.ok else self.text,
            "limit": self.limit,
            "denials": [{"capability": c, "detail": d} for c, d in self.denials],
        }


class _Capturing:
    """Wraps the executor the dispatcher runs, to keep the sandbox's own report (limit and
    denials) that ``ToolResult`` does not carry."""

    def __init__(self, inner: WasmToolExecutor) -> None:
        self.inner = inner
        self.output: ToolOutput | None = None

    @property
    def spec(self) -> ToolSpec:
        return self.inner.spec

    async def execute(self, authorized: Authorized) -> ToolOutput:
        self.output = await self.inner.execute(authorized)
        return self.output


async def run_installed_tool(settings: Settings, name: str, params_json: str) -> ToolRunReport:
    """``bastion tool run``: the installed tool through the same security wiring as chat.

    The call passes the dispatcher's guards, then the safety filter (leak scan with every vault
    value and the credential patterns, sanitizer) and is recorded and appended to the audit log
    like any agent call. Running a tool by name from the CLI is the user's own explicit action
    on an untainted context, so no approval is asked for the call itself: WASM tools declare no
    approval requirement and the taint guard has nothing to flag. What the tool calls on its own
    through ``tool-invoke`` meets the approval gate anew, and a call that needs approval waits
    for `bastion approvals` (reported here as refused, exit 3). stdout shows the tool's own text
    after the same leak screen (a stored secret redacted, a blocked result withheld), not the
    spotlighting wrapper meant for the model.
    """
    from bastion.app.wiring import build_dispatcher, build_registry
    from bastion.app.wiring_core import attach_wasm_tools, open_core
    from bastion.contracts.authorization import CallContext
    from bastion.contracts.errors import UsageError
    from bastion.contracts.messages import ToolCallRequest
    from bastion.memory.workspace import open_workspace

    index = tool_index(settings)
    tool = index.require(name)
    with ExitStack() as closing:
        core = open_core(settings, closing)
        registry = build_registry(settings)
        dispatcher = build_dispatcher(settings, core.database, registry, security=core.security)
        catalog = attach_wasm_tools(
            settings, dispatcher, core, open_workspace(core.database), closing, index=index
        )
        current = registry.get(tool.name)
        if current is None or current.spec.kind != "wasm":
            raise UsageError(f"{tool.name!r} is shadowed by a built-in tool of the same name")
        capturing = _Capturing(catalog.executor(tool))
        registry.replace(capturing)
        request = ToolCallRequest("cli-tool-run", tool.name, params_json)
        result = await dispatcher.call(request, CallContext(thread_id="cli-tool-run"))
        return _report(result, capturing.output, core.security.detector)


def _report(result: ToolResult, out: ToolOutput | None, detector: LeakDetector) -> ToolRunReport:
    """The dispatcher's verdict with the tool's own text, screened for the terminal."""
    if out is None:  # refused, pending or rejected before the sandbox ran
        detail = detector.scan(result.content).redacted
        if result.pending_approval_id is not None:
            return ToolRunReport(False, detail, None, (("approval", detail),), refused=True)
        refusal = (("dispatcher", detail),) if result.refused else ()
        return ToolRunReport(False, detail, None, refusal, result.refused)
    denials = tuple((d.capability, d.detail) for d in out.denials)
    scan = detector.scan(out.text)
    if result.refused and out.limit is None and not out.denials:
        # Nothing in the sandbox refused, so the safety filter blocked the result.
        if scan.blocked:
            rules = ", ".join(sorted({f.rule for f in scan.findings if f.action is scan.action}))
            detail = f"the result contained a secret ({rules}); nothing of it is shown"
            return ToolRunReport(False, detail, None, (("leak", detail),), refused=True)
        detail = "the result was withheld by the safety filter: it reads as instructions"
        return ToolRunReport(False, detail, None, (("safety", detail),), refused=True)
    return ToolRunReport(out.ok, scan.redacted, out.limit, denials, result.refused)
