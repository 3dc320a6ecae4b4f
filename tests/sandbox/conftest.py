"""Session fixtures: each guest component is built and compiled once, then shared.

componentize-py takes ~15 s per build and Cranelift ~60 s per CPython component on two cores,
so builds and compiled artifacts are kept in a cache directory keyed by the guest's source, the
WIT and the tool-chain versions: a second session reuses them, a changed guest rebuilds.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from bastion.contracts.authorization import CallContext
from bastion.contracts.tools import ToolOutput
from bastion.kernel.mint import authorize_call
from bastion.sandbox.builder import build_component, wit_path
from bastion.sandbox.executor import SandboxServices, WasmToolExecutor
from bastion.sandbox.installed import InstalledTool, ToolIndex
from bastion.sandbox.installer import inspect_component, install_tool
from bastion.sandbox.limits import SandboxLimits, ToolLimits
from bastion.sandbox.manifest import parse_manifest
from bastion.sandbox.runtime import WasmRuntime

GUESTS = Path(__file__).parent / "guests"
PROJECT_TOOLS = Path(__file__).parents[2] / "tools"


def _key(src: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(src.rglob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    digest.update(wit_path().read_bytes())
    digest.update(version("componentize-py").encode() + version("wasmtime").encode())
    return digest.hexdigest()[:16]


CACHE_ROOT = Path(tempfile.gettempdir()) / "bastion-test-wasm"


@contextmanager
def _exclusive(name: str) -> Iterator[None]:
    """Serialise slow work across pytest-xdist workers: one builds, the others then reuse it."""
    locks = CACHE_ROOT / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    with (locks / f"{name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def built_component(src: Path) -> Path:
    """The component for ``src``, built once per source version."""
    out = CACHE_ROOT / "builds" / f"{src.name}-{_key(src)}.wasm"
    with _exclusive(out.name):
        if not out.exists():
            tmp = out.with_suffix(f".{os.getpid()}.partial")
            build_component(src, tmp)
            tmp.replace(out)
    return out


def compiled_component(runtime: WasmRuntime, wasm: Path) -> None:
    """Compile ``wasm`` into the runtime's artifact cache, once across all workers."""
    data = wasm.read_bytes()
    with _exclusive(f"compile-{wasm.name}"):
        runtime.load(data, hashlib.sha256(data).hexdigest())


@pytest.fixture(scope="session")
def runtime() -> Iterator[WasmRuntime]:
    rt = WasmRuntime(CACHE_ROOT / "runtime-cache")
    yield rt
    rt.close()


def seed_compiled_artifacts(cache_dir: Path) -> None:
    """Copy the session's compiled artifacts into another cache (a test's BASTION_HOME)."""
    target = cache_dir / "components"
    target.mkdir(parents=True, exist_ok=True)
    for artifact in (CACHE_ROOT / "runtime-cache" / "components").glob("*.cwasm"):
        shutil.copy2(artifact, target / artifact.name)


@pytest.fixture(scope="session")
def hostile_wasm(runtime: WasmRuntime) -> Path:
    wasm = built_component(GUESTS / "hostile")
    compiled_component(runtime, wasm)
    return wasm


@pytest.fixture(scope="session")
def hostile_tool(
    runtime: WasmRuntime, hostile_wasm: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[InstalledTool, ToolIndex]:
    index = ToolIndex(tmp_path_factory.mktemp("hostile-tools"))
    manifest = parse_manifest({"name": "hostile"})
    plan = inspect_component(runtime, hostile_wasm.read_bytes(), manifest, SandboxLimits())
    return install_tool(index, hostile_wasm, plan), index


class Harness:
    """Runs the hostile tool under a manifest and limits of the test's choosing."""

    def __init__(self, runtime: WasmRuntime, tool: InstalledTool, index: ToolIndex) -> None:
        self.runtime, self.tool, self.index = runtime, tool, index

    def executor(
        self,
        manifest: dict[str, Any] | None = None,
        limits: ToolLimits | None = None,
        services: SandboxServices | None = None,
    ) -> WasmToolExecutor:
        tool = dataclasses.replace(
            self.tool, manifest=parse_manifest({"name": "hostile", **(manifest or {})})
        )
        return WasmToolExecutor(
            tool,
            runtime=self.runtime,
            index=self.index,
            limits=limits or ToolLimits(),
            services=services or SandboxServices(),
        )

    async def run(
        self, params: dict[str, Any], executor: WasmToolExecutor | None = None, depth: int = 0
    ) -> ToolOutput:
        ex = executor or self.executor()
        context = CallContext(thread_id="test", depth=depth)
        return await ex.execute(authorize_call("hostile", params, context))


@pytest.fixture
def harness(runtime: WasmRuntime, hostile_tool: tuple[InstalledTool, ToolIndex]) -> Harness:
    return Harness(runtime, *hostile_tool)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
