"""OpenAI Chat Completions answers read from their JSON, whole or streamed.

The adapter takes the raw HTTP response from the SDK and reads it here rather than letting the
SDK build pydantic models of each answer and each stream chunk. That work cost milliseconds per
call and the loop needs only a few fields. Whatever cannot be read becomes an ``LLMError``
(``MalformedAnswer``), never a half-filled answer. Nothing here leaves the providers package.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, AsyncIterator, Mapping
from dataclasses import dataclass, field

from bastion.contracts.errors import LLMError
from bastion.contracts.messages import ToolCallRequest

__all__ = [
    "Answer",
    "MalformedAnswer",
    "StreamAssembler",
    "StreamErrorEvent",
    "read_completion",
    "sse_data",
]

_DONE = "[DONE]"


class MalformedAnswer(LLMError):
    """The server answered 200 with something that is not a Chat Completions answer."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What the adapter needs from one answer; ``None`` where the server did not say."""

    text: str
    tool_calls: tuple[ToolCallRequest, ...]
    finish: str | None
    input_tokens: int | None
    output_tokens: int | None
    model: str | None


def read_completion(content: bytes) -> Answer:
    """A whole (non-streamed) answer."""
    payload = _loads(content)
    choices = payload.get("choices")
    if not isinstance(choices, list) or not choices:
        raise MalformedAnswer("the answer has no choices")
    choice = _object(choices[0], "choice")
    message = _object(choice.get("message"), "message")
    tokens_in, tokens_out = _usage(payload.get("usage"))
    return Answer(
        text=_text(message.get("content")),
        tool_calls=_whole_calls(message.get("tool_calls")),
        finish=_optional_str(choice.get("finish_reason")),
        input_tokens=tokens_in,
        output_tokens=tokens_out,
        model=_optional_str(payload.get("model")),
    )


async def sse_data(lines: AsyncIterable[str]) -> AsyncIterator[str]:
    """The data of each server-sent event, until ``[DONE]``. Comments, ``event:`` and ``id:``
    lines are skipped; multi-line data is joined with newlines, as the SSE format says."""
    data: list[str] = []
    async for line in lines:
        if line:
            field_name, _, value = line.partition(":")
            if field_name == "data":
                data.append(value.removeprefix(" "))
            continue
        if not data:
            continue
        event, data = "\n".join(data), []
        if event.startswith(_DONE):
            return
        yield event
    if data and not data[0].startswith(_DONE):
        yield "\n".join(data)  # the stream ended without the blank line after its last event


@dataclass
class _PartialCall:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


class StreamAssembler:
    """Folds the chunks of a streamed answer: text, tool-call fragments (keyed by their
    ``index``), the finish reason, usage and the model name."""

    def __init__(self) -> None:
        self._text: list[str] = []
        self._calls: dict[int, _PartialCall] = {}
        self._finish: str | None = None
        self._usage: tuple[int | None, int | None] = (None, None)
        self._model: str | None = None

    @property
    def has_text(self) -> bool:
        return bool(self._text)

    def feed(self, data: str) -> tuple[str, ...]:
        """Take one event's data; returns the text deltas it carried, in order.

        A chunk that reports an error raises ``StreamErrorEvent``."""
        chunk = _loads(data.encode())
        error = chunk.get("error")
        if error:
            raise StreamErrorEvent(_error_message(error))
        self._model = _optional_str(chunk.get("model")) or self._model
        if chunk.get("usage") is not None:
            self._usage = _usage(chunk.get("usage"))
        choices = chunk.get("choices") or []
        if not isinstance(choices, list):
            raise MalformedAnswer("a stream chunk's choices are not a list")
        deltas: list[str] = []
        for raw_choice in choices:
            choice = _object(raw_choice, "choice")
            delta = _object(choice.get("delta") or {}, "delta")
            text = _text(delta.get("content"))
            if text:
                self._text.append(text)
                deltas.append(text)
            self._feed_calls(delta.get("tool_calls"))
            self._finish = _optional_str(choice.get("finish_reason")) or self._finish
        return tuple(deltas)

    def _feed_calls(self, raw_calls: object) -> None:
        for position, raw in enumerate(_list(raw_calls, "tool_calls")):
            delta = _object(raw, "tool call")
            index = delta.get("index")
            # A few servers omit the index when they send whole calls in one delta.
            if not isinstance(index, int) or isinstance(index, bool):
                index = len(self._calls) + position
            call = self._calls.setdefault(index, _PartialCall())
            call.id = _optional_str(delta.get("id")) or call.id
            function = delta.get("function")
            if function is None:
                continue
            function = _object(function, "function")
            call.name = _optional_str(function.get("name")) or call.name
            arguments = _optional_str(function.get("arguments"))
            if arguments:
                call.arguments.append(arguments)

    def answer(self) -> Answer:
        calls = tuple(
            ToolCallRequest(
                id=call.id or f"call_{index}",
                name=call.name,
                arguments_json="".join(call.arguments) or "{}",
            )
            for index, call in sorted(self._calls.items())
        )
        tokens_in, tokens_out = self._usage
        return Answer("".join(self._text), calls, self._finish, tokens_in, tokens_out, self._model)


class StreamErrorEvent(Exception):
    """An error the server reported inside a stream; the adapter turns it into the SDK's
    ``APIError`` so it is classified like one."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _whole_calls(raw_calls: object) -> tuple[ToolCallRequest, ...]:
    """Function calls of a whole answer; other kinds (custom tools) are skipped."""
    calls: list[ToolCallRequest] = []
    for index, raw in enumerate(_list(raw_calls, "tool_calls")):
        call = _object(raw, "tool call")
        function = call.get("function")
        if function is None:
            continue
        function = _object(function, "function")
        calls.append(
            ToolCallRequest(
                id=_optional_str(call.get("id")) or f"call_{index}",
                name=_optional_str(function.get("name")) or "",
                arguments_json=_optional_str(function.get("arguments")) or "{}",
            )
        )
    return tuple(calls)


def _usage(raw: object) -> tuple[int | None, int | None]:
    if raw is None:
        return None, None
    usage = _object(raw, "usage")
    return _optional_int(usage.get("prompt_tokens")), _optional_int(usage.get("completion_tokens"))


def _error_message(error: object) -> str:
    if isinstance(error, Mapping):
        message = error.get("message")
        if isinstance(message, str) and message:
            return message
    return "An error occurred during streaming"


def _loads(content: bytes) -> Mapping[str, object]:
    try:
        value = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedAnswer(f"the answer is not JSON ({exc.__class__.__name__})") from exc
    return _object(value, "answer")


def _object(value: object, what: str) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise MalformedAnswer(f"the {what} is not a JSON object")
    return value


def _list(value: object, what: str) -> list[object]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedAnswer(f"the {what} are not a list")
    return value


def _text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise MalformedAnswer("the message content is not text")
    return value


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _optional_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
