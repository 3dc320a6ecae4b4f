"""Install-time checks: imports, manifests, ceilings, pinning and the watched index."""

from __future__ import annotations

from pathlib import Path

import pytest

from bastion.contracts.errors import CapabilityDenied, ConfigError
from bastion.sandbox.builder import wit_path
from bastion.sandbox.inspection import check_imports
from bastion.sandbox.installed import ToolIndex
from bastion.sandbox.limits import SandboxLimits
from bastion.sandbox.manifest import load_manifest, parse_manifest
from bastion.sandbox.runtime import WasmRuntime

WASI_HTTP = """(component
  (import "wasi:http/outgoing-handler@0.2.0" (instance))
  (import "wasi:http/types@0.2.0" (instance))
  (import "wasi:cli/stdout@0.2.0" (instance))
  (import "bastion:tool/host@0.1.0" (instance))
)"""


def test_wasi_http_import_refused_listing_offenders(runtime: WasmRuntime) -> None:
    comp = runtime.compile_only(WASI_HTTP.encode())
    with pytest.raises(CapabilityDenied) as err:
        check_imports(comp, runtime.engine)
    assert "wasi:http/outgoing-handler@0.2.0, wasi:http/types@0.2.0" in str(err.value)
    assert "stdout" not in str(err.value)


def test_unknown_wasi_interface_and_version_refused(runtime: WasmRuntime) -> None:
    wat = (
        '(component (import "wasi:cli/run@0.2.0" (instance))'
        ' (import "wasi:io/streams@0.3.0" (instance)))'
    )
    with pytest.raises(CapabilityDenied, match=r"wasi:cli/run@0\.2\.0, wasi:io/streams@0\.3\.0"):
        check_imports(runtime.compile_only(wat.encode()), runtime.engine)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "x", "surprise": 1}, "unknown key surprise"),
        ({"name": "x", "http": {"allow": [{"host": "*"}]}}, "host pattern"),
        ({"name": "x", "http": {"allow": [{"host": "*.com"}]}}, "too broad"),
        ({"name": "x", "http": {"allow": [{"host": "a.com", "prot": 1}]}}, "unknown key"),
        ({"name": "x", "http": {"allow": [{"host": "a.com", "methods": ["STEAL"]}]}}, "methods"),
        (
            {
                "name": "x",
                "http": {"credentials": [{"secret": "t", "host": "a.com", "location": "cookie"}]},
            },
            "location",
        ),
        ({"name": "../evil"}, "tool name"),
        ({"name": "a.b"}, "tool name"),
        ({"name": "a" * 65}, "tool name"),
        ({"name": "x", "tools": {"invoke": {"s": "../x"}}}, "tool name"),
        ({"name": "x", "secrets": {"exists": ["a/b"]}}, "identifier"),
        ({"name": "x", "workspace": {"read": ["../etc/"]}}, "relative path"),
        ({"name": "x", "workspace": {"read": ["/etc/"]}}, "relative path"),
        ({"name": "x", "limits": {"fuel": "lots"}}, "limits.fuel"),
    ],
)
def test_manifest_is_strict(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_manifest(data)


def test_contract_example_manifest_parses(tmp_path: Path) -> None:
    path = tmp_path / "tool.toml"
    path.write_text(
        """
name = "github"
description = "Read GitHub issues"
[[http.allow]]
host = "api.github.com"
port = 443
path_prefix = "/repos/"
methods = ["GET"]
[[http.credentials]]
secret = "github_token"
host = "api.github.com"
location = "bearer"
[workspace]
read = ["notes/"]
[secrets]
exists = ["github_token"]
[tools]
invoke = { search = "memory_search" }
[limits]
memory_mb = 64
fuel = 5_000_000_000
timeout_ms = 10_000
max_http_requests = 50
max_output_bytes = 100_000
max_invoke_depth = 4
"""
    )
    manifest = load_manifest(path)
    assert manifest.egress_grant().allow[0].host == "api.github.com"
    assert SandboxLimits().effective(manifest.limits.requested()).fuel == 5_000_000_000


def test_limits_over_the_ceiling_are_refused() -> None:
    manifest = parse_manifest({"name": "x", "limits": {"memory_mb": 4096}})
    with pytest.raises(CapabilityDenied, match="memory_mb = 4096"):
        SandboxLimits().effective(manifest.limits.requested())


def test_index_reloads_changes_made_elsewhere(tmp_path: Path) -> None:
    ours, theirs = ToolIndex(tmp_path), ToolIndex(tmp_path)
    assert ours.get("t") is None
    theirs.add("t", b"v1", parse_manifest({"name": "t"}), "one", {"type": "object"})
    assert ours.require("t").description == "one"
    theirs.add("t", b"v2", parse_manifest({"name": "t"}), "two", {"type": "object"})
    assert ours.require("t").description == "two"
    assert ours.verified_bytes(ours.require("t")) == b"v2"
    theirs.remove("t")
    assert ours.get("t") is None


def test_shipped_wit_is_the_contract_verbatim() -> None:
    project = Path(__file__).parents[2] / "wit" / "bastion-tool.wit"
    assert wit_path().read_bytes() == project.read_bytes()
