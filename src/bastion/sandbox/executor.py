"""``WasmToolExecutor``: runs one installed tool, one fresh instance per authorised call.

The outcome maps onto ``ToolOutput``: ``ok`` only when the guest returned Ok and no limit fired;
``limit`` names the limit (fuel | timeout | memory | output | http_requests | log |
invoke_depth); ``denials`` lists everything the host refused during the call.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass

from bastion.contracts.authorization import Authorized, CallContext
from bastion.contracts.errors import CapabilityDenied
from bastion.contracts.ports import ToolInvoker
from bastion.contracts.tools import Denial, ToolOutput, ToolSchema, ToolSpec
from bastion.egress import EgressClient
from bastion.sandbox.host import Capabilities, HostCall
from bastion.sandbox.installed import InstalledTool, ToolIndex
from bastion.sandbox.limits import ToolLimits
from bastion.sandbox.ports import SecretPresence, WorkspaceReader
from bastion.sandbox.runtime import CallFailure, WasmRuntime
from bastion.sandbox.workspace_grant import WorkspaceGrant

__all__ = ["SandboxServices", "WasmToolExecutor", "classify_failure", "run_guest"]

log = logging.getLogger(__name__)
_MAX_ERROR_BYTES = 4096


@dataclass(frozen=True, slots=True)
class SandboxServices:
    """The app's services a tool's grants are served from; any may be absent."""

    egress: EgressClient | None = None
    workspace: WorkspaceReader | None = None
    secrets: SecretPresence | None = None
    invoker: ToolInvoker | None = None


def classify_failure(failure: CallFailure, host: HostCall) -> str | None:
    """Which limit a trap means, if any. Memory is inferred: wasmtime refuses ``memory.grow``
    quietly, and CPython then dies with ``MemoryError`` (or fails to instantiate)."""
    if host.limit is not None:
        return host.limit
    text = failure.detail.lower()
    if "all fuel consumed" in text:
        return "fuel"
    if "interrupt" in text or "epoch" in text:
        return "timeout"
    if (
        "memoryerror" in host.stderr_text().lower()
        or "memory minimum size" in text
        or "out of memory" in text
    ):
        return "memory"
    return None


def _cap(text: str, limit: int) -> str:
    return text.encode("utf-8", "ignore")[:limit].decode("utf-8", "ignore")


def run_guest(
    runtime: WasmRuntime,
    tool: InstalledTool,
    wasm: bytes,
    host: HostCall,
    *,
    export: str = "execute",
    args: tuple[str, ...] = (),
) -> ToolOutput:
    """Synchronously run one export of ``tool`` in a fresh instance and map the outcome."""
    comp = runtime.load(wasm, tool.sha256)
    try:
        value = runtime.call(comp, export, args, host)
    except CallFailure as failure:
        limit = classify_failure(failure, host)
        text = f"limit '{limit}' hit" if limit else f"the tool trapped: {failure.message}"
        return ToolOutput(False, _cap(text, _MAX_ERROR_BYTES), limit, tuple(host.denials))
    tag = getattr(value, "tag", "ok")
    payload = getattr(value, "payload", value)
    text = payload if isinstance(payload, str) else ""
    if host.limit is not None:
        return ToolOutput(False, f"limit '{host.limit}' hit", host.limit, tuple(host.denials))
    if tag != "ok":
        return ToolOutput(False, _cap(text, _MAX_ERROR_BYTES), None, tuple(host.denials))
    if len(text.encode("utf-8")) > host.limits.max_output_bytes:
        return ToolOutput(
            False,
            f"limit 'output': result over {host.limits.max_output_bytes} bytes",
            "output",
            tuple(host.denials),
        )
    return ToolOutput(True, text, None, tuple(host.denials))


class WasmToolExecutor:
    def __init__(
        self,
        tool: InstalledTool,
        *,
        runtime: WasmRuntime,
        index: ToolIndex,
        limits: ToolLimits,
        services: SandboxServices,
    ) -> None:
        self.tool = tool
        self._runtime = runtime
        self._index = index
        self.limits = limits
        self._services = services
        manifest = tool.manifest
        self._spec = ToolSpec(
            schema=ToolSchema(tool.name, tool.description, tool.parameters_schema),
            reads_outside_content=bool(
                manifest.http.allow or manifest.workspace.read or manifest.tools.invoke
            ),
            timeout_s=limits.timeout_ms / 1000
            + 5.0,  # the sandbox enforces its own wall clock first
            kind="wasm",
        )

    @property
    def spec(self) -> ToolSpec:
        return self._spec

    def capabilities(
        self, context: CallContext, loop: asyncio.AbstractEventLoop | None
    ) -> Capabilities:
        manifest, services = self.tool.manifest, self._services
        return Capabilities(
            egress=services.egress,
            egress_grant=manifest.egress_grant(),
            workspace=services.workspace,
            workspace_grant=WorkspaceGrant(tuple(manifest.workspace.read)),
            secrets=services.secrets,
            secret_names=frozenset(manifest.secrets.exists),
            invoker=services.invoker,
            aliases=dict(manifest.tools.invoke),
            context=context,
            loop=loop,
        )

    async def execute(self, authorized: Authorized) -> ToolOutput:
        authorized.consume()
        try:
            wasm = self._index.verified_bytes(self.tool)
        except CapabilityDenied as exc:
            return ToolOutput(False, str(exc), None, (Denial(exc.capability, exc.detail),))
        params = json.dumps(authorized.arguments, ensure_ascii=False)
        host = HostCall(
            self.limits, self.capabilities(authorized.context, asyncio.get_running_loop())
        )
        output = await asyncio.to_thread(
            lambda: run_guest(self._runtime, self.tool, wasm, host, args=(params,))
        )
        for entry in host.logs:
            log.debug("tool %s [%s] %s", self.tool.name, entry.level, entry.message)
        return output
