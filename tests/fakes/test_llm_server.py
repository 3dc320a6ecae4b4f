"""The fake LLM server, driven by the official SDKs: if they accept it, adapters can trust it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import anthropic
import openai
import pytest
from tests.fakes import EXHAUSTED_TEXT, fail, reply_text, reply_tool_calls, script_from_json
from tests.fakes.llm_server import FakeLLMServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as server:
        yield server


def _openai(server: FakeLLMServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.openai_base_url, api_key="sk-test", max_retries=0)


def _anthropic(server: FakeLLMServer) -> anthropic.Anthropic:
    return anthropic.Anthropic(
        base_url=server.anthropic_base_url, api_key="sk-ant-test", max_retries=0
    )


def test_openai_non_stream_text_usage_and_recorded_request(llm: FakeLLMServer) -> None:
    llm.add(reply_text("hello", input_tokens=11, output_tokens=3))
    with _openai(llm) as client:
        answer = client.chat.completions.create(
            model="fake-model", messages=[{"role": "user", "content": "hi"}]
        )
    assert answer.choices[0].message.content == "hello"
    assert answer.choices[0].finish_reason == "stop"
    assert answer.usage is not None
    assert (answer.usage.prompt_tokens, answer.usage.completion_tokens) == (11, 3)
    [request] = llm.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.body["messages"] == [{"role": "user", "content": "hi"}]


def test_openai_stream_assembles_several_tool_calls_from_deltas(llm: FakeLLMServer) -> None:
    llm.add(reply_tool_calls(("echo", {"text": "x" * 10}), ("time", {}), chunk_chars=3))
    with _openai(llm) as client:
        stream = client.chat.completions.create(
            model="fake-model",
            messages=[{"role": "user", "content": "hi"}],
            stream=True,
            stream_options={"include_usage": True},
        )
        calls: dict[int, dict[str, str]] = {}
        finish, usage, pieces = None, None, 0
        for chunk in stream:
            usage = chunk.usage or usage
            for choice in chunk.choices:
                finish = choice.finish_reason or finish
                for delta in choice.delta.tool_calls or []:
                    pieces += 1
                    call = calls.setdefault(delta.index, {"name": "", "arguments": ""})
                    if delta.function and delta.function.name:
                        call["name"] = delta.function.name
                    if delta.function and delta.function.arguments:
                        call["arguments"] += delta.function.arguments
    assert finish == "tool_calls"
    assert usage is not None
    assert pieces > 4  # the arguments really were split across deltas
    assert [c["name"] for c in calls.values()] == ["echo", "time"]
    assert json.loads(calls[0]["arguments"]) == {"text": "x" * 10}
    assert json.loads(calls[1]["arguments"]) == {}


def test_anthropic_stream_event_sequence_parses_with_the_sdk(llm: FakeLLMServer) -> None:
    llm.add(reply_tool_calls(("echo", {"text": "hé"}), text="Let me check.", output_tokens=7))
    texts: list[str] = []
    with (
        _anthropic(llm) as client,
        client.messages.stream(
            model="fake-model", max_tokens=100, messages=[{"role": "user", "content": "hi"}]
        ) as stream,
    ):
        texts.extend(stream.text_stream)
        final = stream.get_final_message()
    assert "".join(texts) == "Let me check."
    assert final.stop_reason == "tool_use"
    assert final.usage.output_tokens == 7
    tool_use = final.content[1]
    assert tool_use.type == "tool_use"
    assert (tool_use.name, tool_use.input) == ("echo", {"text": "hé"})
    headers = llm.requests[0].headers
    # SDK versions differ in the header they put the key in; it is in one of them.
    assert "sk-ant-test" in (headers.get("x-api-key"), headers.get("authorization", "")[7:])


def test_anthropic_non_stream_message(llm: FakeLLMServer) -> None:
    llm.add(reply_text("bonjour", finish_reason="length"))
    with _anthropic(llm) as client:
        message = client.messages.create(
            model="fake-model", max_tokens=5, messages=[{"role": "user", "content": "hi"}]
        )
    assert message.content[0].type == "text"
    assert message.content[0].text == "bonjour"
    assert message.stop_reason == "max_tokens"


def test_failures_come_in_each_vendors_shape_then_the_script_goes_on(llm: FakeLLMServer) -> None:
    llm.add(fail(429, times=2, retry_after=0), fail("context_overflow"), reply_text("ok"))
    with _openai(llm) as client:
        for _ in range(2):
            with pytest.raises(openai.RateLimitError) as rate:
                client.chat.completions.create(model="m", messages=[])
            assert rate.value.response.headers["retry-after"] == "0"
        with pytest.raises(openai.BadRequestError) as overflow:
            client.chat.completions.create(model="m", messages=[])
        assert overflow.value.code == "context_length_exceeded"
        answer = client.chat.completions.create(model="m", messages=[])
        assert answer.choices[0].message.content == "ok"
        exhausted = client.chat.completions.create(model="m", messages=[])
        assert exhausted.choices[0].message.content == EXHAUSTED_TEXT
    assert llm.remaining == 0


def test_anthropic_error_shapes(llm: FakeLLMServer) -> None:
    llm.add(fail(401), fail("context_overflow"), fail(529))
    with _anthropic(llm) as client:
        with pytest.raises(anthropic.AuthenticationError):
            client.messages.create(model="m", max_tokens=5, messages=[])
        with pytest.raises(anthropic.BadRequestError, match="prompt is too long"):
            client.messages.create(model="m", max_tokens=5, messages=[])
        with pytest.raises(anthropic.InternalServerError) as overloaded:
            client.messages.create(model="m", max_tokens=5, messages=[])
    assert overloaded.value.status_code == 529


def test_unknown_model_api_key_and_model_listing() -> None:
    with FakeLLMServer(models=["known"], api_key="sk-right") as server:
        with _openai(server) as wrong, pytest.raises(openai.AuthenticationError):
            wrong.models.list()
        with openai.OpenAI(base_url=server.openai_base_url, api_key="sk-right") as client:
            assert [m.id for m in client.models.list()] == ["known"]
            with pytest.raises(openai.NotFoundError, match="`other` does not exist"):
                client.chat.completions.create(model="other", messages=[])
        with anthropic.Anthropic(base_url=server.anthropic_base_url, api_key="sk-right") as claude:
            assert claude.models.retrieve("known").id == "known"
            with pytest.raises(anthropic.NotFoundError):
                claude.models.retrieve("other")


def test_dropped_connection_and_client_timeout(llm: FakeLLMServer) -> None:
    llm.add(fail("drop"), reply_text("slow", delay_s=2.0), reply_text("fast"))
    with _openai(llm) as client:
        with pytest.raises(openai.APIConnectionError):
            client.chat.completions.create(model="m", messages=[])
        with pytest.raises(openai.APITimeoutError):
            client.chat.completions.create(model="m", messages=[], timeout=0.2)
        answer = client.chat.completions.create(model="m", messages=[])
    assert answer.choices[0].message.content == "fast"


def test_standalone_server_prints_its_url_and_serves_the_script(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    script.write_text(json.dumps([{"text": "from a file"}]), encoding="utf-8")
    command = [sys.executable, "-m", "tests.fakes.llm_server", "--port", "0", "--script", script]
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            base_url = process.stdout.readline().strip()
            assert base_url.startswith("http://127.0.0.1:")
            assert base_url.endswith("/v1")
            with openai.OpenAI(base_url=base_url, api_key="k", max_retries=0) as client:
                answer = client.chat.completions.create(model="m", messages=[])
            assert answer.choices[0].message.content == "from a file"
        finally:
            process.terminate()
            _, stderr = process.communicate(timeout=5)
    assert process.returncode == 0
    assert stderr == ""


def test_script_json_form_and_repeat() -> None:
    script = script_from_json(
        [
            {"text": "a", "output_tokens": 3},
            {"tool_calls": [{"name": "echo", "arguments": {"x": 1}}, {"name": "t"}]},
            {"fail": 429, "times": 2, "retry_after": 0.5},
            {"fail": "drop"},
            {"fail": "context_overflow"},
        ]
    )
    assert script[0].output_tokens == 3
    assert [call.name for call in script[1].tool_calls] == ["echo", "t"]
    assert script[1].tool_calls[0].arguments_json == '{"x":1}'
    assert script[2].failure is not None
    assert (script[2].times, script[2].failure.retry_after) == (2, 0.5)
    assert [s.failure.kind for s in script[3:] if s.failure] == ["drop", "context_overflow"]
    with FakeLLMServer([reply_text("again")], repeat=True) as server, _openai(server) as client:
        for _ in range(3):
            answer = client.chat.completions.create(model="m", messages=[])
            assert answer.choices[0].message.content == "again"
