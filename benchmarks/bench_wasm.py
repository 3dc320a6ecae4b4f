"""WASM sandbox benchmark: per-call cost with a fresh instance, against bare wasmtime, and
start-up with and without the compiled-artifact cache.

    .venv/bin/python benchmarks/bench_wasm.py [--calls 200]

The tool is ``tools/text_stats`` on a two-word text, called through the dispatcher exactly as
``bastion tool run`` does (authorization, schema check, rate limit, executor, output cap).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "text_stats"
PARAMS = {"text": "hello world", "top": 1}


def _built(work: Path) -> Path:
    from bastion.sandbox.builder import build_component

    key = hashlib.sha256((TOOL / "app.py").read_bytes()).hexdigest()[:12]
    out = Path(tempfile.gettempdir()) / "bastion-bench-wasm" / f"text_stats-{key}.wasm"
    if not out.exists():
        print("building the component with componentize-py…", file=sys.stderr)
        build_component(TOOL, out)
    return out


def _install(cache: Path, tools: Path, wasm: Path):  # type: ignore[no-untyped-def]
    from bastion.sandbox.installed import ToolIndex
    from bastion.sandbox.installer import inspect_component, install_tool
    from bastion.sandbox.limits import SandboxLimits
    from bastion.sandbox.manifest import load_manifest
    from bastion.sandbox.runtime import WasmRuntime

    runtime = WasmRuntime(cache)
    index = ToolIndex(tools)
    plan = inspect_component(
        runtime, wasm.read_bytes(), load_manifest(TOOL / "tool.toml"), SandboxLimits()
    )
    return runtime, index, install_tool(index, wasm, plan)


class _Unlimited:
    """The benchmark calls faster than any real rate limit allows; the check itself still runs."""

    def acquire(self, spec: object) -> None:
        return None


async def _dispatcher_calls(runtime, index, tool, calls: int) -> list[float]:  # type: ignore[no-untyped-def]
    from bastion.contracts.authorization import CallContext
    from bastion.contracts.messages import ToolCallRequest
    from bastion.kernel.dispatcher import Dispatcher
    from bastion.kernel.registry import ToolRegistry
    from bastion.sandbox.executor import SandboxServices, WasmToolExecutor
    from bastion.sandbox.limits import ToolLimits

    registry = ToolRegistry()
    registry.register(
        WasmToolExecutor(
            tool, runtime=runtime, index=index, limits=ToolLimits(), services=SandboxServices()
        )
    )
    dispatcher = Dispatcher(registry, rate_limiter=_Unlimited())
    context = CallContext(thread_id="bench")
    times = []
    for i in range(calls + 5):
        start = time.perf_counter()
        result = await dispatcher.call(
            ToolCallRequest(f"c{i}", tool.name, json.dumps(PARAMS)), context
        )
        if i >= 5:  # warm-up
            times.append(time.perf_counter() - start)
        if not result.ok:
            raise SystemExit(f"call failed: {result.content}")
    return times


def _bare_calls(runtime, comp, calls: int) -> list[float]:  # type: ignore[no-untyped-def]
    import wasmtime
    from wasmtime import component

    linker = component.Linker(runtime.engine)
    linker.add_wasip2()
    with linker.root() as root, root.add_instance("bastion:tool/host@0.1.0") as host:
        for name in (
            "log",
            "now-millis",
            "workspace-read",
            "http-fetch",
            "secret-exists",
            "tool-invoke",
        ):
            host.add_func(name, lambda *_: None)
    times = []
    for i in range(calls + 5):
        start = time.perf_counter()
        store = wasmtime.Store(runtime.engine)
        store.set_fuel(5_000_000_000)
        store.set_epoch_deadline(1000)
        store.set_wasi(wasmtime.WasiConfig())
        instance = linker.instantiate(store, comp)
        func = instance.get_func(store, "execute")
        func(store, json.dumps(PARAMS))
        store.close()
        if i >= 5:
            times.append(time.perf_counter() - start)
    return times


def _child(cache: str, tools: str) -> None:
    """A second process: cached artifact -> first call. Prints seconds since its start."""
    start = time.perf_counter()
    from bastion.sandbox.installed import ToolIndex
    from bastion.sandbox.runtime import WasmRuntime

    imported = time.perf_counter()
    runtime = WasmRuntime(Path(cache))
    index = ToolIndex(Path(tools))
    tool = index.require("text_stats")
    times = asyncio.run(_dispatcher_calls(runtime, index, tool, 0)) or [0.0]
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "imports_s": imported - start,
                "to_first_call_s": done - imported,
                "total_s": done - start,
            }
        )
    )
    del times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--child", nargs=2, metavar=("CACHE", "TOOLS"))
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        wasm = _built(work)
        start = time.perf_counter()
        runtime, index, tool = _install(work / "cache", work / "tools", wasm)
        first_compile = time.perf_counter() - start
        ours = asyncio.run(_dispatcher_calls(runtime, index, tool, args.calls))
        bare = _bare_calls(runtime, runtime.load(wasm.read_bytes(), tool.sha256), args.calls)
        runtime.close()
        wall = time.perf_counter()
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(work / "cache"), str(work / "tools")],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        child_wall = time.perf_counter() - wall
        second = json.loads(child.stdout)
    med_ours, med_bare = statistics.median(ours) * 1000, statistics.median(bare) * 1000
    machine = f"{platform.machine()} cpus={os.cpu_count()} python {platform.python_version()}"
    print(f"date: {datetime.now().isoformat(timespec='minutes')}  machine: {machine}")
    print(f"first install (compile + inspect + describe): {first_compile:.1f} s")
    print(f"per call via dispatcher, fresh instance: median {med_ours:.2f} ms, "
          f"p90 {statistics.quantiles(ours, n=10)[-1] * 1000:.2f} ms")  # fmt: skip
    ratio = med_ours / med_bare
    print(f"bare wasmtime instantiate+call: median {med_bare:.2f} ms; ratio {ratio:.2f}x")
    print(f"second process: imports {second['imports_s']:.3f} s, cache -> first call "
          f"{second['to_first_call_s']:.3f} s, whole process {child_wall:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
