"""The project's example tools build, and the GitHub reader works end to end with the token
injected by the host (a loopback server plays GitHub, and reflects the token back)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from tests.egress.loopback_server import loopback_server
from tests.sandbox.conftest import PROJECT_TOOLS, built_component

from bastion.contracts.authorization import CallContext
from bastion.egress import EgressClient, EgressConfig
from bastion.kernel.mint import authorize_call
from bastion.sandbox.executor import SandboxServices, WasmToolExecutor
from bastion.sandbox.installed import ToolIndex
from bastion.sandbox.installer import inspect_component, install_tool
from bastion.sandbox.limits import SandboxLimits, ToolLimits
from bastion.sandbox.manifest import load_manifest, parse_manifest
from bastion.sandbox.runtime import WasmRuntime

pytestmark = pytest.mark.slow
TOKEN = "ghp_exampleTokenValue0123456789"


class Secrets:
    def secret_value(self, name: str) -> str | None:
        return TOKEN if name == "github_token" else None

    def known_values(self) -> list[str]:
        return [TOKEN]

    def allowed_hosts(self, name: str) -> tuple[str, ...] | None:
        return None  # bound to no host: the mapping decides

    def exists(self, name: str) -> bool:
        return name == "github_token"


@pytest.mark.parametrize("name", ["github_issues", "weather", "text_stats"])
def test_example_builds_and_its_manifest_is_valid(name: str) -> None:
    manifest = load_manifest(PROJECT_TOOLS / name / "tool.toml")
    assert manifest.name == name
    SandboxLimits().effective(manifest.limits.requested())
    assert built_component(PROJECT_TOOLS / name).stat().st_size > 1_000_000


@pytest.mark.anyio
async def test_text_stats_runs(runtime: WasmRuntime, tmp_path: Path) -> None:
    wasm = built_component(PROJECT_TOOLS / "text_stats")
    manifest = load_manifest(PROJECT_TOOLS / "text_stats" / "tool.toml")
    index = ToolIndex(tmp_path)
    tool = install_tool(
        index, wasm, inspect_component(runtime, wasm.read_bytes(), manifest, SandboxLimits())
    )
    executor = WasmToolExecutor(
        tool, runtime=runtime, index=index, limits=ToolLimits(), services=SandboxServices()
    )
    arguments = {"text": "The cat sat. The cat ran!", "top": 1}
    out = await executor.execute(
        authorize_call("text_stats", arguments, CallContext(thread_id="t"))
    )
    assert out.ok, out.text
    stats = json.loads(out.text)
    assert (stats["words"], stats["sentences"]) == (6, 2)
    assert stats["top_words"] == [{"word": "the", "count": 2}]


@pytest.mark.anyio
async def test_github_reader_end_to_end(runtime: WasmRuntime, tmp_path: Path) -> None:
    wasm = built_component(PROJECT_TOOLS / "github_issues")
    shipped = load_manifest(PROJECT_TOOLS / "github_issues" / "tool.toml")
    plan = inspect_component(runtime, wasm.read_bytes(), shipped, SandboxLimits())
    index = ToolIndex(tmp_path)
    tool = install_tool(index, wasm, plan)
    with loopback_server() as server:
        port = server.server_address[1]
        # The shipped manifest, pointed at the loopback "GitHub" (as for GitHub Enterprise).
        local = parse_manifest(
            json.loads(
                shipped.model_dump_json()
                .replace('"api.github.com"', '"127.0.0.1"')
                .replace('"port":null', f'"port":{port}')
            )
        )
        tool = dataclasses.replace(tool, manifest=local)
        egress = EgressClient(
            EgressConfig(allow_http=True, allow_private_cidrs=("127.0.0.1/32",)),
            credentials=Secrets(),
        )
        executor = WasmToolExecutor(
            tool,
            runtime=runtime,
            index=index,
            limits=ToolLimits(),
            services=SandboxServices(egress=egress, secrets=Secrets()),
        )
        arguments = {"owner": "octo", "repo": "demo", "api_base": f"http://127.0.0.1:{port}"}
        out = await executor.execute(
            authorize_call("github_issues", arguments, CallContext(thread_id="t"))
        )
    assert server.seen == ["/repos/octo/demo/issues?state=open&per_page=10"]  # type: ignore[attr-defined]
    # The echo server answered with the request it got, Authorization included: the guest saw
    # only the redaction, and the call reports the leak it stopped.
    assert TOKEN not in out.text
    assert [d.capability for d in out.denials] == ["leak"]
