"""The built-in http tools: allowlisted hosts only, every egress rule, POST needs approval."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest
from tests.egress.loopback_server import loopback_server

from bastion.contracts.authorization import CallContext
from bastion.contracts.errors import EgressDenied, ToolError
from bastion.contracts.json_types import JsonValue
from bastion.contracts.tools import ApprovalRequirement, SideEffect, ToolOutput
from bastion.egress import EgressClient, EgressConfig
from bastion.kernel.builtins.http_tool import HttpPostTool, HttpTool
from bastion.kernel.mint import authorize_call

pytestmark = pytest.mark.anyio
LOOPBACK = EgressConfig(allow_http=True, allow_private_cidrs=("127.0.0.1/32",))


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    with loopback_server() as srv:
        yield srv


async def _call(tool: HttpTool | HttpPostTool, arguments: dict[str, JsonValue]) -> ToolOutput:
    return await tool.execute(authorize_call(tool.spec.name, arguments, CallContext(thread_id="t")))


async def test_get_allowlisted_host(server: ThreadingHTTPServer) -> None:
    port = server.server_address[1]
    tool = HttpTool(EgressClient(LOOPBACK), [f"127.0.0.1:{port}"])
    out = await _call(tool, {"url": f"http://127.0.0.1:{port}/echo"})
    assert out.ok
    assert json.loads(out.text.split("\n\n", 1)[1])["method"] == "GET"


async def test_other_hosts_and_private_addresses_refused(server: ThreadingHTTPServer) -> None:
    port = server.server_address[1]
    tool = HttpTool(EgressClient(LOOPBACK), [f"127.0.0.1:{port}"])
    with pytest.raises(EgressDenied):
        await _call(tool, {"url": "http://example.org/"})
    with pytest.raises(EgressDenied):
        await _call(tool, {"url": f"http://127.0.0.1:{port}/redirect?to=http://10.0.0.1/"})
    strict = HttpTool(EgressClient(EgressConfig(allow_http=True)), [f"127.0.0.1:{port}"])
    with pytest.raises(EgressDenied):
        await _call(strict, {"url": f"http://127.0.0.1:{port}/"})
    assert server.seen == ["/redirect?to=http://10.0.0.1/"]  # type: ignore[attr-defined]


async def test_post_sends_the_body(server: ThreadingHTTPServer) -> None:
    port = server.server_address[1]
    out = await _call(
        HttpPostTool(EgressClient(LOOPBACK), [f"127.0.0.1:{port}"]),
        {"url": f"http://127.0.0.1:{port}/w", "body": "hi"},
    )
    assert json.loads(out.text.split("\n\n", 1)[1])["body"] == "hi"


async def test_network_failure_is_a_tool_error() -> None:
    tool = HttpTool(EgressClient(LOOPBACK), ["127.0.0.1:1"])
    with pytest.raises(ToolError):
        await _call(tool, {"url": "http://127.0.0.1:1/"})


def test_specs() -> None:
    get, post = HttpTool.__dict__["_spec"], HttpPostTool.__dict__["_spec"]
    assert get.reads_outside_content
    assert post.reads_outside_content
    assert get.approval is ApprovalRequirement.NEVER
    assert get.side_effects == frozenset()
    assert post.approval is ApprovalRequirement.UNLESS_AUTO_APPROVED
    assert post.side_effects == frozenset({SideEffect.NETWORK_WRITE})
