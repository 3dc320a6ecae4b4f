"""The wasmtime runtime: one engine, components compiled once, a fresh store per call.

- One ``Engine`` with fuel metering, epoch interruption (a ticker thread advances the epoch every
  ``EPOCH_TICK_MS``; a store's deadline is its timeout in ticks) and wasmtime's own code cache.
- Each component is compiled once per process; the compiled artifact is also serialized to
  ``cache_dir/components/<sha256>-<engine>.cwasm`` so a second process starts in milliseconds.
  The key is the SHA-256 of the verified bytes, so a changed component never reuses old code.
- One linker, built once, holds WASI and the ``bastion:tool/host`` functions. The host functions
  find the state of the call they serve through a thread-local (wasm runs synchronously on the
  thread that called it), so the linker is shared and every call still gets its own state.
- Every call: a new ``Store`` with memory limits, fuel, an epoch deadline and a WASI context with
  no arguments, no environment, empty stdin, no preopens and stdout/stderr into the tool log.
  The store is dropped afterwards, trap or not: nothing survives into the next call.

Sockets: ``add_wasip2`` links ``wasi:sockets``, and wasmtime's default WASI context refuses every
address (its socket-address check denies all) and name lookup (``allow_ip_name_lookup`` is off);
the Python API offers no switch to turn either on, and ``tests/sandbox`` proves both stay shut.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import wasmtime
from wasmtime import component

from bastion.sandbox.host import HostCall, define_host

__all__ = ["EPOCH_TICK_MS", "CallFailure", "WasmRuntime"]

log = logging.getLogger(__name__)

EPOCH_TICK_MS = 10
_CACHE_CONFIG = """[cache]
directory = "{directory}"
"""


class CallFailure(Exception):
    """The guest trapped or could not be instantiated; ``message`` is wasmtime's first line."""

    def __init__(self, message: str, detail: str) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class _EpochTicker(threading.Thread):
    def __init__(self, engine: wasmtime.Engine) -> None:
        super().__init__(name="bastion-wasm-epoch", daemon=True)
        self._engine = engine
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(EPOCH_TICK_MS / 1000):
            self._engine.increment_epoch()

    def stop(self) -> None:
        self._stop_event.set()


class WasmRuntime:
    def __init__(self, cache_dir: Path) -> None:
        self._cache_dir = cache_dir
        (cache_dir / "components").mkdir(parents=True, exist_ok=True, mode=0o700)
        config = wasmtime.Config()
        config.consume_fuel = True
        config.epoch_interruption = True
        config.wasm_threads = False
        config.cranelift_opt_level = "speed"
        self._enable_code_cache(config)
        self.engine = wasmtime.Engine(config)
        self._engine_tag = hashlib.sha256(
            wasmtime.__name__.encode() + _version().encode()
        ).hexdigest()[:12]
        self._compiled: dict[str, component.Component] = {}
        self._lock = threading.Lock()
        self._linker = component.Linker(self.engine)
        self._linker.add_wasip2()
        define_host(self._linker)
        self._ticker = _EpochTicker(self.engine)
        self._ticker.start()

    def _enable_code_cache(self, config: wasmtime.Config) -> None:
        directory = self._cache_dir / "wasmtime"
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        config_file = self._cache_dir / "wasmtime-cache.toml"
        config_file.write_text(_CACHE_CONFIG.format(directory=directory.as_posix()))
        try:
            config.cache = str(config_file)
        except wasmtime.WasmtimeError as exc:  # the serialized-artifact cache still applies
            log.warning("wasmtime code cache unavailable: %s", exc)

    def close(self) -> None:
        self._ticker.stop()

    def load(self, wasm: bytes, sha256: str) -> component.Component:
        """The compiled component for ``wasm`` (whose hash the caller has verified)."""
        with self._lock:
            cached = self._compiled.get(sha256)
            if cached is not None:
                return cached
            artifact = self._cache_dir / "components" / f"{sha256}-{self._engine_tag}.cwasm"
            comp = self._load_artifact(artifact)
            if comp is None:
                comp = self.compile_only(wasm)
                _write_private(artifact, bytes(comp.serialize()))
            self._compiled[sha256] = comp
            return comp

    def _load_artifact(self, artifact: Path) -> component.Component | None:
        if not artifact.exists():
            return None
        try:
            return component.Component.deserialize_file(self.engine, str(artifact))
        except wasmtime.WasmtimeError:
            log.warning("discarding unusable compiled artifact %s", artifact)
            artifact.unlink(missing_ok=True)
            return None

    def compile_only(self, wasm: bytes) -> component.Component:
        """Compile ``wasm`` without touching the caches."""
        try:
            return component.Component(self.engine, wasm)
        except wasmtime.WasmtimeError as exc:
            raise CallFailure("not a valid WebAssembly component", str(exc)) from exc

    def call(
        self, comp: component.Component, export: str, args: tuple[Any, ...], host: HostCall
    ) -> Any:
        """Instantiate ``comp`` in a fresh store and call ``export``; raise ``CallFailure`` on a
        trap. Host-side exceptions raised inside host functions propagate as themselves."""
        limits = host.limits
        store = wasmtime.Store(self.engine)
        store.set_limits(memory_size=limits.memory_mb * 1024 * 1024, table_elements=100_000)
        store.set_fuel(limits.fuel)
        store.set_epoch_deadline(max(1, limits.timeout_ms // EPOCH_TICK_MS))
        store.set_wasi(_wasi_config(host.capture_stdout, host.capture_stderr))
        host.enter()
        try:
            instance = self._linker.instantiate(store, comp)
            func = instance.get_func(store, export)
            if func is None:
                raise CallFailure(f"the component has no export {export!r}", "")
            return func(store, *args)
        except wasmtime.WasmtimeError as exc:
            text = str(exc)
            cause = text.rsplit("Caused by:", 1)[-1].strip().splitlines()
            raise CallFailure(cause[-1].strip() if cause else text, text) from exc
        finally:
            host.leave()
            store.close()


def _wasi_config(
    stdout: Callable[[bytes], int | None], stderr: Callable[[bytes], int | None]
) -> wasmtime.WasiConfig:
    wasi = wasmtime.WasiConfig()  # no argv, no env, no stdin, no preopens: nothing is inherited
    wasi.stdout_custom = stdout
    wasi.stderr_custom = stderr
    return wasi


def _version() -> str:
    from importlib.metadata import version

    return version("wasmtime")


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    tmp.replace(path)
