"""Answers through both adapters, streamed and not: text, tool calls, usage and cost."""

from __future__ import annotations

import json

import pytest
from tests.fakes import reply_text, reply_tool_calls
from tests.fakes.llm_server import FakeLLMServer
from tests.providers.fast_config import MakeConfig, fast_config

from bastion.contracts.messages import Message, ToolCallRequest
from bastion.contracts.ports import CompletionRequest
from bastion.contracts.tools import ToolSchema
from bastion.providers.factory import build_chat_model

pytestmark = pytest.mark.anyio

ECHO = ToolSchema(
    "echo", "Echo the text back", {"type": "object", "properties": {"text": {"type": "string"}}}
)
HELLO = CompletionRequest(
    messages=[Message("system", "Be brief."), Message("user", "hi")], tools=[ECHO]
)


@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
async def test_text_answer_with_usage_and_cost(
    llm: FakeLLMServer, make_config: MakeConfig, stream: bool
) -> None:
    llm.add(reply_text("Hello there, friend.", input_tokens=1000, output_tokens=200))
    model = build_chat_model(make_config())
    deltas: list[str] = []
    try:
        completion = await model.complete(HELLO, on_text=deltas.append if stream else None)
    finally:
        await model.aclose()
    assert completion.message.role == "assistant"
    assert completion.message.content == "Hello there, friend."
    assert completion.finish_reason == "stop"
    assert completion.model == "fake-model"
    assert (completion.usage.input_tokens, completion.usage.output_tokens) == (1000, 200)
    # 1000 * $2/M + 200 * $10/M
    assert completion.usage.cost_usd == pytest.approx(0.004)
    if stream:
        assert len(deltas) > 1
        assert "".join(deltas) == "Hello there, friend."
    [request] = llm.completion_requests
    assert bool(request.body.get("stream")) is stream


@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
async def test_several_tool_calls_in_one_answer(
    llm: FakeLLMServer, make_config: MakeConfig, stream: bool
) -> None:
    llm.add(
        reply_tool_calls(
            ("echo", {"text": "first " * 5}), ("echo", {"text": "second"}), chunk_chars=3
        )
    )
    model = build_chat_model(make_config())
    try:
        completion = await model.complete(HELLO, on_text=(lambda _: None) if stream else None)
    finally:
        await model.aclose()
    calls = completion.message.tool_calls
    assert completion.finish_reason == "tool_calls"
    assert [call.name for call in calls] == ["echo", "echo"]
    assert [json.loads(call.arguments_json) for call in calls] == [
        {"text": "first " * 5},
        {"text": "second"},
    ]
    assert len({call.id for call in calls}) == 2
    assert all(call.id for call in calls)


async def test_unknown_price_means_no_cost(llm: FakeLLMServer, make_config: MakeConfig) -> None:
    llm.add(reply_text("ok", input_tokens=5, output_tokens=1))
    model = build_chat_model(make_config(price_input_per_mtok=None))
    try:
        completion = await model.complete(HELLO)
    finally:
        await model.aclose()
    assert completion.usage.input_tokens == 5
    assert completion.usage.cost_usd is None


@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
async def test_length_finish_reason(
    llm: FakeLLMServer, make_config: MakeConfig, stream: bool
) -> None:
    llm.add(reply_text("cut sh", finish_reason="length"))
    model = build_chat_model(make_config())
    try:
        completion = await model.complete(
            CompletionRequest([Message("user", "hi")], max_output_tokens=3),
            on_text=(lambda _: None) if stream else None,
        )
    finally:
        await model.aclose()
    assert completion.finish_reason == "length"


TOOL_TURN = [
    Message("system", "You are Bastion."),
    Message("user", "echo twice"),
    Message(
        "assistant",
        "",
        tool_calls=(
            ToolCallRequest("call_a", "echo", '{"text": "a"}'),
            ToolCallRequest("call_b", "echo", "not json"),
        ),
    ),
    Message("tool", "a", tool_call_id="call_a", name="echo"),
    Message("tool", "error: invalid JSON", tool_call_id="call_b", name="echo"),
]


async def test_openai_wire_carries_the_tool_turn(llm: FakeLLMServer) -> None:
    llm.add(reply_text("done"))
    model = build_chat_model(fast_config("openai", llm.openai_base_url))
    try:
        await model.complete(CompletionRequest(TOOL_TURN, tools=[ECHO], temperature=0.2))
    finally:
        await model.aclose()
    body = llm.completion_requests[0].body
    assert body["model"] == "fake-model"
    assert body["temperature"] == 0.2
    assert body["max_tokens"] == 4096  # compatible servers: max_tokens
    assert [m["role"] for m in body["messages"]] == ["system", "user", "assistant", "tool", "tool"]
    assistant = body["messages"][2]
    assert assistant["content"] is None
    assert [c["function"]["arguments"] for c in assistant["tool_calls"]] == [
        '{"text": "a"}',
        "not json",
    ]
    assert body["messages"][4] == {
        "role": "tool",
        "tool_call_id": "call_b",
        "content": "error: invalid JSON",
    }
    assert body["tools"][0]["function"]["name"] == "echo"
    assert body["tools"][0]["function"]["parameters"]["type"] == "object"


async def test_anthropic_wire_separates_system_and_merges_tool_results(
    llm: FakeLLMServer,
) -> None:
    llm.add(reply_text("done"))
    # A pasted ".../v1" base URL works too.
    model = build_chat_model(fast_config("anthropic", llm.openai_base_url))
    try:
        await model.complete(
            CompletionRequest([*TOOL_TURN, Message("user", "and now?")], tools=[ECHO])
        )
    finally:
        await model.aclose()
    request = llm.completion_requests[0]
    assert request.path == "/v1/messages"
    body = request.body
    assert body["system"] == "You are Bastion."
    assert body["max_tokens"] == 4096
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    assistant = body["messages"][1]["content"]
    assert [block["type"] for block in assistant] == ["tool_use", "tool_use"]
    assert assistant[0]["input"] == {"text": "a"}
    assert assistant[1]["input"] == {"_unparsed_arguments": "not json"}
    results = body["messages"][2]["content"]
    assert [block["type"] for block in results] == ["tool_result", "tool_result", "text"]
    assert [block.get("tool_use_id") for block in results[:2]] == ["call_a", "call_b"]
    assert body["tools"] == [
        {
            "name": "echo",
            "description": "Echo the text back",
            "input_schema": dict(ECHO.parameters),
        }
    ]
