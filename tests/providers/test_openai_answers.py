"""Reading OpenAI Chat Completions answers from their JSON, whole and streamed, and the adapter
over answers the fake server cannot script: error events, odd SSE framing, malformed bodies."""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from tests.fakes.quiet_server import QuietHTTPServer
from tests.providers.fast_config import fast_config

from bastion.contracts.errors import LLMError, LLMUnavailable
from bastion.contracts.messages import Message, ToolCallRequest
from bastion.contracts.ports import CompletionRequest
from bastion.providers.factory import build_chat_model
from bastion.providers.openai_answers import (
    MalformedAnswer,
    StreamAssembler,
    StreamErrorEvent,
    read_completion,
    sse_data,
)

pytestmark = pytest.mark.anyio

HI = CompletionRequest(messages=[Message("user", "hi")])


def _chunk(**fields: Any) -> str:
    return json.dumps({"object": "chat.completion.chunk", **fields})


# -- whole answers ----------------------------------------------------------------------------
def test_a_whole_answer_with_tool_calls_and_usage() -> None:
    body = {
        "model": "served-model",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "c1",
                            "type": "function",
                            "function": {"name": "echo", "arguments": '{"text":"hi"}'},
                        },
                        {"id": "c2", "type": "custom", "custom": {"name": "x", "input": ""}},
                        {"type": "function", "function": {"name": "time"}},
                    ],
                },
                "finish_reason": "tool_calls",
            }
        ],
        "usage": {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17},
    }
    answer = read_completion(json.dumps(body).encode())
    assert answer.text == ""
    assert answer.tool_calls == (
        ToolCallRequest("c1", "echo", '{"text":"hi"}'),
        ToolCallRequest("call_2", "time", "{}"),  # no id, no arguments: filled in
    )
    assert (answer.finish, answer.model) == ("tool_calls", "served-model")
    assert (answer.input_tokens, answer.output_tokens) == (12, 5)


def test_a_whole_answer_without_usage_says_none() -> None:
    body = {"choices": [{"message": {"content": "hello"}, "finish_reason": "stop"}]}
    answer = read_completion(json.dumps(body).encode())
    assert answer.text == "hello"
    assert (answer.input_tokens, answer.output_tokens, answer.model) == (None, None, None)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html>502</html>", "not JSON"),
        (b"[1, 2]", "answer is not a JSON object"),
        (b'{"choices": []}', "no choices"),
        (b'{"error": {"message": "overloaded"}}', "no choices"),
        (b'{"choices": [{"message": "hi"}]}', "message is not a JSON object"),
        (b'{"choices": [{"message": {"content": ["a"]}}]}', "content is not text"),
        (b'{"choices": [{"message": {"tool_calls": {"id": 1}}}]}', "not a list"),
    ],
)
def test_a_malformed_whole_answer_is_an_llm_error(body: bytes, reason: str) -> None:
    with pytest.raises(MalformedAnswer, match=reason) as caught:
        read_completion(body)
    assert isinstance(caught.value, LLMError)


# -- streamed answers -------------------------------------------------------------------------
def test_stream_chunks_fold_into_text_tool_calls_usage_and_model() -> None:
    assembler = StreamAssembler()
    chunks = [
        _chunk(model="m1", choices=[{"index": 0, "delta": {"role": "assistant", "content": ""}}]),
        _chunk(model="m1", choices=[{"index": 0, "delta": {"content": "Let me "}}]),
        _chunk(model="m1", choices=[{"index": 0, "delta": {"content": "check."}}]),
        _chunk(
            choices=[
                {
                    "index": 0,
                    "delta": {
                        "tool_calls": [
                            {"index": 1, "id": "b", "function": {"name": "time", "arguments": ""}},
                            {"index": 0, "id": "a", "function": {"name": "echo"}},
                        ]
                    },
                }
            ]
        ),
        _chunk(
            choices=[{"delta": {"tool_calls": [{"index": 0, "function": {"arguments": '{"te'}}]}}]
        ),
        _chunk(
            choices=[{"delta": {"tool_calls": [{"index": 0, "function": {"arguments": 'xt":1}'}}]}}]
        ),
        _chunk(choices=[{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]),
        _chunk(choices=[], usage={"prompt_tokens": 30, "completion_tokens": 7}),
    ]
    deltas = [delta for chunk in chunks for delta in assembler.feed(chunk)]
    assert deltas == ["Let me ", "check."]
    assert assembler.has_text
    answer = assembler.answer()
    assert answer.text == "Let me check."
    assert answer.tool_calls == (
        ToolCallRequest("a", "echo", '{"text":1}'),
        ToolCallRequest("b", "time", "{}"),
    )
    assert (answer.finish, answer.model) == ("tool_calls", "m1")
    assert (answer.input_tokens, answer.output_tokens) == (30, 7)


def test_whole_calls_in_one_delta_without_an_index_stay_apart() -> None:
    assembler = StreamAssembler()
    call = {"id": "x", "function": {"name": "echo", "arguments": "{}"}}
    assembler.feed(_chunk(choices=[{"delta": {"tool_calls": [call, {**call, "id": "y"}]}}]))
    assert [c.id for c in assembler.answer().tool_calls] == ["x", "y"]


def test_an_error_chunk_raises_with_the_servers_message() -> None:
    assembler = StreamAssembler()
    with pytest.raises(StreamErrorEvent, match="model overloaded"):
        assembler.feed(json.dumps({"error": {"message": "model overloaded", "code": 503}}))


def test_a_chunk_that_is_not_json_is_an_llm_error() -> None:
    with pytest.raises(MalformedAnswer):
        StreamAssembler().feed("{not json")


async def _lines(*lines: str) -> AsyncIterator[str]:
    for line in lines:
        yield line


async def test_sse_data_follows_the_event_format() -> None:
    lines = _lines(
        ": keep-alive comment",
        "",
        "event: message",
        "id: 7",
        'data: {"a":',
        "data: 1}",
        "",
        'data:{"b":2}',  # no space after the colon
        "",
        "data: [DONE]",
        "",
        'data: {"after":"done"}',
        "",
    )
    assert [event async for event in sse_data(lines)] == ['{"a":\n1}', '{"b":2}']


async def test_sse_data_keeps_a_last_event_without_its_blank_line() -> None:
    assert [e async for e in sse_data(_lines('data: {"x":1}'))] == ['{"x":1}']
    assert [e async for e in sse_data(_lines("data: [DONE]"))] == []


# -- the adapter over raw answers -------------------------------------------------------------
class _Canned:
    """A loopback server answering every POST with one fixed body."""

    def __init__(self, body: bytes, content_type: str) -> None:
        canned = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                canned.requests.append(self.rfile.read(int(self.headers["content-length"])))
                canned.authorization.append(self.headers.get("authorization", ""))
                self.send_response(200)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                pass

        self.requests: list[bytes] = []
        self.authorization: list[str] = []
        self._server = QuietHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def canned(request: pytest.FixtureRequest) -> Iterator[_Canned]:
    body, content_type = request.param
    server = _Canned(body, content_type)
    yield server
    server.close()


def _sse(*events: str) -> bytes:
    return "".join(f"data: {event}\n\n" for event in events).encode()


@pytest.mark.parametrize(
    "canned",
    [
        (
            _sse(
                _chunk(choices=[{"delta": {"content": "partial"}}]),
                '{"error": {"message": "boom"}}',
            ),
            "text/event-stream",
        )
    ],
    indirect=True,
)
async def test_an_error_event_after_text_ends_the_call_unreplayed(canned: _Canned) -> None:
    model = build_chat_model(fast_config("openai", canned.base_url))
    deltas: list[str] = []
    try:
        with pytest.raises(LLMUnavailable, match="stream error: boom"):
            await model.complete(HI, on_text=deltas.append)
    finally:
        await model.aclose()
    assert deltas == ["partial"]
    assert len(canned.requests) == 1  # not retried: the user already saw "partial"


@pytest.mark.parametrize(
    "canned", [(_sse('{"error": {"message": "overloaded"}}'), "text/event-stream")], indirect=True
)
async def test_an_error_event_before_any_text_is_retried(canned: _Canned) -> None:
    model = build_chat_model(fast_config("openai", canned.base_url, max_retries=1))
    try:
        with pytest.raises(LLMUnavailable):
            await model.complete(HI, on_text=lambda _text: None)
    finally:
        await model.aclose()
    assert len(canned.requests) == 2
    sent = json.loads(canned.requests[0])
    assert sent["stream"] is True
    assert sent["stream_options"] == {"include_usage": True}


@pytest.mark.parametrize("canned", [(b"<html>oops</html>", "text/html")], indirect=True)
async def test_a_body_that_is_not_json_names_the_provider(canned: _Canned) -> None:
    model = build_chat_model(fast_config("openai", canned.base_url))
    try:
        with pytest.raises(LLMError, match=r"provider at http://127\.0\.0\.1:\d+/v1.*not JSON"):
            await model.complete(HI)
    finally:
        await model.aclose()
    # The SDK's client still sent the key as a bearer token.
    assert canned.authorization == [f"Bearer {fast_config('openai', '').api_key}"]
