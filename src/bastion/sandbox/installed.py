"""Installed tools: ``$BASTION_HOME/tools/NAME.wasm`` plus a small JSON index.

The index pins each component's SHA-256 and keeps its validated manifest, description and
parameter schema. It is re-read whenever its file changes, so a tool installed, replaced or
removed by another process is seen on the next lookup without a restart. ``verified_bytes``
re-hashes a component whenever its file's identity (size, mtime, ctime, inode) changes and
refuses bytes that no longer match the pinned hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bastion.contracts.errors import CapabilityDenied, StoreError, UsageError

if TYPE_CHECKING:
    from bastion.sandbox.manifest import ToolManifest

__all__ = ["InstalledTool", "ToolIndex", "sha256_hex"]

_INDEX = "index.json"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class InstalledTool:
    name: str
    sha256: str
    manifest: ToolManifest
    description: str
    parameters_schema: dict[str, Any]
    path: Path

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "sha256": self.sha256,
            "description": self.description,
            "parameters_schema": self.parameters_schema,
            "manifest": self.manifest.model_dump(mode="json"),
        }


def _stat_key(path: Path) -> tuple[int, int, int, int]:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class ToolIndex:
    def __init__(self, tools_dir: Path) -> None:
        self.dir = tools_dir
        self._lock = threading.Lock()
        self._index_key: tuple[int, int, int, int] | None = None
        self._tools: dict[str, InstalledTool] = {}
        self._verified: dict[str, tuple[tuple[int, int, int, int], bytes]] = {}

    @property
    def _index_path(self) -> Path:
        return self.dir / _INDEX

    def _refresh(self) -> None:
        path = self._index_path
        key = _stat_key(path) if path.exists() else None
        if key == self._index_key:
            return
        tools: dict[str, InstalledTool] = {}
        if key is not None:
            # Imported here: the manifest's pydantic models cost a chat start with no tool
            # installed ~10 ms for nothing.
            from bastion.sandbox.manifest import parse_manifest

            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise StoreError(
                    f"{path}: unreadable tool index ({exc}); reinstall the tools"
                ) from exc
            for name, entry in raw.get("tools", {}).items():
                tools[name] = InstalledTool(
                    name=name,
                    sha256=entry["sha256"],
                    manifest=parse_manifest(entry["manifest"], f"{path} [{name}]"),
                    description=entry["description"],
                    parameters_schema=entry["parameters_schema"],
                    path=self.dir / f"{name}.wasm",
                )
        self._tools, self._index_key = tools, key

    def list(self) -> list[InstalledTool]:
        with self._lock:
            self._refresh()
            return sorted(self._tools.values(), key=lambda t: t.name)

    def get(self, name: str) -> InstalledTool | None:
        with self._lock:
            self._refresh()
            return self._tools.get(name)

    def require(self, name: str) -> InstalledTool:
        tool = self.get(name)
        if tool is None:
            raise UsageError(f"no tool named {name!r} is installed; see `bastion tool list`")
        return tool

    def verified_bytes(self, tool: InstalledTool) -> bytes:
        """The component's bytes, re-hashed whenever the file changed; refused on mismatch."""
        try:
            key = _stat_key(tool.path)
        except FileNotFoundError as exc:
            raise CapabilityDenied(
                "integrity", f"{tool.path} is missing; reinstall {tool.name!r}"
            ) from exc
        with self._lock:
            cached = self._verified.get(tool.sha256)
            if cached is not None and cached[0] == key:
                return cached[1]
        data = tool.path.read_bytes()
        if sha256_hex(data) != tool.sha256:
            raise CapabilityDenied(
                "integrity",
                f"{tool.path} no longer matches the SHA-256 pinned at install; reinstall it",
            )
        with self._lock:
            self._verified[tool.sha256] = (key, data)
        return data

    def add(
        self,
        name: str,
        wasm: bytes,
        manifest: ToolManifest,
        description: str,
        schema: dict[str, Any],
    ) -> InstalledTool:
        self.dir.mkdir(parents=True, exist_ok=True)
        with self._lock:
            self._refresh()
            _atomic_write(self.dir / f"{name}.wasm", wasm)
            tool = InstalledTool(
                name, sha256_hex(wasm), manifest, description, schema, self.dir / f"{name}.wasm"
            )
            self._tools[name] = tool
            self._save()
            return tool

    def remove(self, name: str) -> bool:
        with self._lock:
            self._refresh()
            if self._tools.pop(name, None) is None:
                return False
            self._save()
            (self.dir / f"{name}.wasm").unlink(missing_ok=True)
            return True

    def _save(self) -> None:
        data = {
            "tools": {
                n: {k: v for k, v in t.to_json().items() if k != "name"}
                for n, t in self._tools.items()
            }
        }
        _atomic_write(self._index_path, json.dumps(data, indent=2, sort_keys=True).encode())
        self._index_key = _stat_key(self._index_path)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)
