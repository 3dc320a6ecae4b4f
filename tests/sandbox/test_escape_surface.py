"""What the guest can see of the machine: nothing but what the manifest grants."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator

import pytest
from tests.sandbox.conftest import Harness

from bastion.contracts.authorization import CallContext
from bastion.contracts.ports import ToolResult
from bastion.sandbox.executor import SandboxServices

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


async def test_filesystem_is_empty(harness: Harness) -> None:
    out = await harness.run({"mode": "probe_fs"})
    result = json.loads(out.text)
    assert all(value.startswith("E:") for value in result.values()), result


async def test_no_environment_arguments_or_stdin(harness: Harness) -> None:
    result = json.loads((await harness.run({"mode": "probe_env"})).text)
    assert result["env"] == {}
    assert result["argv"] in ([], [""])
    assert result["stdin"] in ("ok:", "E:OSError")


@pytest.fixture
def listener() -> Iterator[tuple[int, list[str]]]:
    """A loopback TCP listener that records every connection it gets."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    sock.settimeout(0.1)
    seen: list[str] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, addr = sock.accept()
            except TimeoutError:
                continue
            seen.append(str(addr))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield sock.getsockname()[1], seen
    stop.set()
    thread.join(2)
    sock.close()


async def test_sockets_refuse_everything(harness: Harness, listener: tuple[int, list[str]]) -> None:
    port, seen = listener
    result = json.loads((await harness.run({"mode": "probe_sockets", "port": port})).text)
    assert all(value.startswith("E:") for value in result.values()), result
    assert seen == []


class DictWorkspace:
    def __init__(self, docs: dict[str, str]) -> None:
        self.docs = docs
        self.reads: list[str] = []

    def read(self, path: str) -> str | None:
        self.reads.append(path)
        return self.docs.get(path)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("notes/a.md", "A"),
        ("notes/sub/b.md", "B"),
        ("notes_private/secret.md", None),
        ("notes/../notes_private/secret.md", None),
        ("/notes/a.md", None),
        ("notes\\a.md", None),
        ("./notes/a.md", None),
        ("notes", None),
    ],
)
async def test_workspace_read_only_inside_granted_prefixes(
    harness: Harness, path: str, expected: str | None
) -> None:
    docs = {"notes/a.md": "A", "notes/sub/b.md": "B", "notes_private/secret.md": "S"}
    workspace = DictWorkspace(docs)
    ex = harness.executor(
        {"workspace": {"read": ["notes/"]}}, services=SandboxServices(workspace=workspace)
    )
    out = await harness.run({"mode": "read", "path": path}, ex)
    assert json.loads(out.text)["text"] == expected
    if expected is None:
        assert [d.capability for d in out.denials] == ["workspace_read"]
        assert "notes_private/secret.md" not in workspace.reads


class Presence:
    def exists(self, name: str) -> bool:
        return name in {"github_token", "other_token"}


async def test_secret_exists_only_for_granted_names(harness: Harness) -> None:
    ex = harness.executor(
        {"secrets": {"exists": ["github_token"]}}, services=SandboxServices(secrets=Presence())
    )
    granted = await harness.run({"mode": "secret", "name": "github_token"}, ex)
    assert json.loads(granted.text) == {"exists": True}
    assert granted.denials == ()
    other = await harness.run({"mode": "secret", "name": "other_token"}, ex)
    assert json.loads(other.text) == {"exists": False}
    assert [d.capability for d in other.denials] == ["secret_exists"]


class RecordingInvoker:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, int]] = []

    async def invoke(self, tool: str, params_json: str, context: CallContext) -> ToolResult:
        self.calls.append((tool, params_json, context.depth))
        return ToolResult(call_id="nested", name=tool, ok=True, content="nested says hi")


async def test_tool_invoke_by_granted_alias_only(harness: Harness) -> None:
    invoker = RecordingInvoker()
    ex = harness.executor(
        {"tools": {"invoke": {"search": "memory_search"}}},
        services=SandboxServices(invoker=invoker),
    )
    ok = await harness.run({"mode": "invoke", "alias": "search", "params": '{"q": 1}'}, ex)
    assert json.loads(ok.text) == {"ok": "nested says hi"}
    assert invoker.calls == [("memory_search", '{"q": 1}', 0)]  # the invoker nests it
    denied = await harness.run({"mode": "invoke", "alias": "memory_search"}, ex)
    assert "not granted" in json.loads(denied.text)["err"]
    assert [d.capability for d in denied.denials] == ["tool_invoke"]
    assert len(invoker.calls) == 1


async def test_tool_invoke_depth_limit(harness: Harness) -> None:
    invoker = RecordingInvoker()
    ex = harness.executor(
        {"tools": {"invoke": {"search": "memory_search"}}},
        services=SandboxServices(invoker=invoker),
    )
    out = await harness.run({"mode": "invoke", "alias": "search"}, ex, depth=4)
    assert (out.ok, out.limit) == (False, "invoke_depth")
    assert invoker.calls == []


async def test_tampered_component_is_refused(harness: Harness) -> None:
    original = harness.tool.path.read_bytes()
    try:
        harness.tool.path.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
        out = await harness.run({"mode": "echo"})
        assert not out.ok
        assert [d.capability for d in out.denials] == ["integrity"]
    finally:
        harness.tool.path.write_bytes(original)
    assert (await harness.run({"mode": "echo"})).ok
