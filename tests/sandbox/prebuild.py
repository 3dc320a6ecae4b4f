"""Build and compile every test component once, before the suite runs.

`scripts/test` calls this first: componentize-py and Cranelift take tens of seconds per CPython
component, and doing that inside a test (or once per pytest-xdist worker) would hit the per-test
timeout on a cold machine. Afterwards every test finds the component and its compiled artifact
in the shared cache. Run it by hand with `python -m tests.sandbox.prebuild`.
"""

from __future__ import annotations

import sys
import time

from tests.sandbox.conftest import (
    CACHE_ROOT,
    GUESTS,
    PROJECT_TOOLS,
    built_component,
    compiled_component,
)

from bastion.sandbox.runtime import WasmRuntime

SOURCES = (
    GUESTS / "hostile",
    PROJECT_TOOLS / "github_issues",
    PROJECT_TOOLS / "weather",
    PROJECT_TOOLS / "text_stats",
)


def main() -> int:
    runtime = WasmRuntime(CACHE_ROOT / "runtime-cache")
    try:
        for index, source in enumerate(SOURCES, start=1):
            started = time.perf_counter()
            wasm = built_component(source)
            compiled_component(runtime, wasm)
            elapsed = time.perf_counter() - started
            sys.stderr.write(f"[{index}/{len(SOURCES)}] {source.name}: ready in {elapsed:.1f} s\n")
    finally:
        runtime.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
