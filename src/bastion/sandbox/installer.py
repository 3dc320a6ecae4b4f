"""Installing a component: inspect it, ask it to describe itself, check the manifest's limits
against the ceilings, then copy it byte for byte and pin its SHA-256."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bastion.contracts.errors import CapabilityDenied, ConfigError, UsageError
from bastion.sandbox.host import Capabilities, HostCall
from bastion.sandbox.inspection import check_imports
from bastion.sandbox.installed import InstalledTool, ToolIndex, sha256_hex
from bastion.sandbox.limits import SandboxLimits, ToolLimits
from bastion.sandbox.manifest import ToolManifest, validate_tool_name
from bastion.sandbox.runtime import CallFailure, WasmRuntime

__all__ = ["InstallPlan", "inspect_component", "install_tool"]

_DESCRIBE_LIMITS = ToolLimits(
    memory_mb=128, fuel=5_000_000_000, timeout_ms=10_000, max_output_bytes=200_000
)


@dataclass(frozen=True, slots=True)
class InstallPlan:
    name: str
    manifest: ToolManifest
    description: str
    parameters_schema: dict[str, Any]
    limits: ToolLimits
    sha256: str


def _describe(runtime: WasmRuntime, wasm: bytes, sha: str, export: str) -> str:
    comp = runtime.load(wasm, sha)
    host = HostCall(_DESCRIBE_LIMITS, Capabilities())  # no grants while it describes itself
    try:
        value = runtime.call(comp, export, (), host)
    except CallFailure as failure:
        raise UsageError(f"the component's {export}() failed: {failure.message}") from failure
    if not isinstance(value, str):
        raise UsageError(f"the component's {export}() did not return a string")
    return value


def inspect_component(
    runtime: WasmRuntime,
    wasm: bytes,
    manifest: ToolManifest,
    limits: SandboxLimits,
    name: str | None = None,
) -> InstallPlan:
    """Everything ``install`` would record, without writing anything."""
    tool_name = name or manifest.name
    try:
        validate_tool_name(tool_name)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    effective = limits.effective(manifest.limits.requested())
    sha = sha256_hex(wasm)
    comp = runtime.load(wasm, sha)  # cached by hash: a re-install does not compile again
    check_imports(comp, runtime.engine)
    exports = set(comp.type.exports(runtime.engine))
    missing = {"description", "parameters-schema", "execute"} - exports
    if missing:
        raise CapabilityDenied(
            "exports", f"the component does not export {', '.join(sorted(missing))}"
        )
    description = _describe(runtime, wasm, sha, "description")[:4000]
    schema_text = _describe(runtime, wasm, sha, "parameters-schema")
    try:
        schema = json.loads(schema_text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"parameters-schema() is not JSON: {exc}") from exc
    if not isinstance(schema, dict):
        raise UsageError("parameters-schema() must be a JSON object")
    return InstallPlan(
        tool_name, manifest, description or manifest.description or "", schema, effective, sha
    )


def install_tool(index: ToolIndex, wasm_path: Path, plan: InstallPlan) -> InstalledTool:
    try:
        wasm = wasm_path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{wasm_path}: cannot be read ({exc.strerror})") from exc
    if sha256_hex(wasm) != plan.sha256:
        raise CapabilityDenied("integrity", f"{wasm_path} changed while it was being installed")
    manifest = plan.manifest.model_copy(update={"name": plan.name})
    return index.add(plan.name, wasm, manifest, plan.description, plan.parameters_schema)
