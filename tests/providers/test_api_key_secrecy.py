"""The API key goes to the provider in the auth header and nowhere else: not in a request
body, a URL, a repr, a log line or an error message."""

from __future__ import annotations

import logging

import pytest
from tests.fakes import ScriptedReply, fail, reply_text, reply_tool_calls
from tests.fakes.llm_server import FakeLLMServer
from tests.providers.fast_config import API_KEY, MakeConfig

from bastion.contracts.errors import LLMError
from bastion.contracts.messages import Message
from bastion.contracts.ports import CompletionRequest
from bastion.contracts.tools import ToolSchema
from bastion.providers.factory import build_chat_model

pytestmark = pytest.mark.anyio

REQUEST = CompletionRequest(
    [Message("system", "sys"), Message("user", "hi")],
    tools=[ToolSchema("echo", "Echo", {"type": "object"})],
)
AUTH_HEADERS = ("authorization", "x-api-key")


async def test_key_only_in_the_auth_header(
    llm: FakeLLMServer, make_config: MakeConfig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    llm.add(fail(429, retry_after=0), reply_tool_calls(("echo", {})), reply_text("done"))
    model = build_chat_model(make_config())
    try:
        await model.complete(REQUEST)
        await model.complete(REQUEST, on_text=lambda _: None)
    finally:
        await model.aclose()
    requests = llm.completion_requests
    assert len(requests) == 3
    for request in requests:
        assert API_KEY.encode() not in request.raw
        assert API_KEY not in request.path
        carrying = [name for name, value in request.headers.items() if API_KEY in value]
        assert len(carrying) == 1
        assert carrying[0] in AUTH_HEADERS
    assert "retry 1 of 2" in caplog.text  # the logs were really captured
    assert API_KEY not in caplog.text


async def test_key_absent_from_reprs(make_config: MakeConfig) -> None:
    config = make_config()
    model = build_chat_model(config)
    assert API_KEY not in repr(config)
    assert API_KEY not in repr(model)
    await model.aclose()


@pytest.mark.parametrize(
    "failure",
    [
        fail(401),
        fail(403),
        # A server that echoes the key back in its error text.
        fail(400, message=f"malformed key {API_KEY} in request"),
        fail(500, times=3, message=f"upstream rejected {API_KEY}"),
    ],
    ids=["401", "403", "400-echo", "500-echo"],
)
async def test_key_absent_from_error_messages(
    llm: FakeLLMServer,
    make_config: MakeConfig,
    caplog: pytest.LogCaptureFixture,
    failure: ScriptedReply,
) -> None:
    caplog.set_level(logging.DEBUG)
    llm.add(failure)
    model = build_chat_model(make_config())
    try:
        with pytest.raises(LLMError) as caught:
            await model.complete(REQUEST)
    finally:
        await model.aclose()
    assert API_KEY not in str(caught.value)
    assert API_KEY not in repr(caught.value)
    assert API_KEY not in caplog.text
