"""The tool-calling loop, driven by a scripted model and a fake tool port."""

from __future__ import annotations

import asyncio
import time

import pytest
from tests.agent.scripted_model import FakeTools, ScriptedModel, answer, calls, echo, sleeper

from bastion.agent import AgentLoop, LoopSettings, PromptContext
from bastion.agent.context import BOUNDARY_RULE, IdentityDocument
from bastion.agent.loop import iteration_limit_message
from bastion.agent.turn import INTERRUPTED_NOTE, INTERRUPTED_TOOL_TEXT, TurnResult
from bastion.contracts.authorization import CallContext
from bastion.contracts.errors import CapabilityDenied, LLMAuthError, ToolError
from bastion.contracts.messages import Message
from bastion.contracts.ports import ToolResult, TurnObserver

CTX = CallContext(thread_id="t1")


def run(loop: AgentLoop, text: str, **kwargs: object) -> TurnResult:
    return asyncio.run(loop.run_turn(text, history=(), context=CTX, **kwargs))  # type: ignore[arg-type]


def assert_consistent(messages: tuple[Message, ...]) -> None:
    """Every assistant tool call is answered by exactly one tool message, right after it."""
    index = 0
    while index < len(messages):
        message = messages[index]
        if message.role == "assistant" and message.tool_calls:
            ids = [c.id for c in message.tool_calls]
            answers = messages[index + 1 : index + 1 + len(ids)]
            assert [m.role for m in answers] == ["tool"] * len(ids)
            assert [m.tool_call_id for m in answers] == ids
            index += len(ids)
        index += 1
    assert messages[-1].role == "assistant"
    assert not messages[-1].tool_calls


def test_plain_answer_is_one_iteration() -> None:
    model = ScriptedModel([answer("hello there")])
    result = run(AgentLoop(model, FakeTools({})), "hi")
    assert [m.role for m in result.messages] == ["user", "assistant"]
    assert result.answer == "hello there"
    assert result.iterations == 1
    assert result.usage.input_tokens == 10
    assert not result.interrupted


def test_tool_call_round_trip_and_prompt_shape() -> None:
    model = ScriptedModel([calls(("c1", "echo", '{"text": "ping"}')), answer("it said ping")])
    prompt = PromptContext(
        system_prompt="be brief",
        identity=(IdentityDocument("USER.md", "Ada"), IdentityDocument("AGENTS.md", "rules")),
        summary="we talked about cats",
    )
    history = (Message("user", "earlier"), Message("assistant", "ok"))
    result = asyncio.run(
        AgentLoop(model, FakeTools({"echo": echo})).run_turn(
            "say ping", history=history, context=CTX, prompt=prompt
        )
    )
    assert [m.role for m in result.messages] == ["user", "assistant", "tool", "assistant"]
    assert result.messages[2].content == "ping"
    assert result.usage.input_tokens == 15
    assert result.usage.cost_usd == pytest.approx(0.002)
    system = model.requests[0].messages[0]
    assert system.role == "system"
    assert BOUNDARY_RULE in system.content
    assert system.content.index("AGENTS.md") < system.content.index("USER.md")
    assert "we talked about cats" in system.content
    assert [t.name for t in model.requests[0].tools] == ["echo"]
    second = model.requests[1].messages
    assert [m.content for m in second[1:3]] == ["earlier", "ok"]
    assert second[-1].role == "tool"
    assert second[-1].tool_call_id == "c1"


def test_max_iterations_ends_with_a_clear_message() -> None:
    steps = [calls((f"c{i}", "echo", "{}")) for i in range(3)]
    model = ScriptedModel(list(steps))
    notices: list[str] = []
    result = run(
        AgentLoop(model, FakeTools({"echo": echo}), LoopSettings(max_iterations=3)),
        "loop forever",
        observer=TurnObserver(on_notice=notices.append),
    )
    assert result.iterations == 3
    assert result.hit_iteration_limit
    assert result.answer == iteration_limit_message(3)
    assert notices == [iteration_limit_message(3)]
    assert len(model.requests) == 3
    assert_consistent(result.messages)


def test_concurrent_calls_overlap_and_keep_the_models_order() -> None:
    model = ScriptedModel(
        [calls(("slow", "slow", "{}"), ("fast", "fast", "{}")), answer("both done")]
    )
    tools = FakeTools({"slow": sleeper(0.3), "fast": sleeper(0.05)})
    started = time.monotonic()
    result = run(AgentLoop(model, tools), "go")
    elapsed = time.monotonic() - started
    assert elapsed < 0.5  # sequential would take 0.35 s plus overhead; overlap is checked below
    spans = {call_id: (start, end) for call_id, start, end in tools.spans}
    assert spans["fast"][0] < spans["slow"][1]
    assert spans["slow"][0] < spans["fast"][1]
    assert [m.tool_call_id for m in result.messages if m.role == "tool"] == ["slow", "fast"]
    assert [r.call_id for r in result.tool_results] == ["slow", "fast"]


def test_malformed_calls_go_back_to_the_model_as_tool_errors() -> None:
    model = ScriptedModel(
        [
            calls(("a", "no_such_tool", "{}"), ("b", "echo", "{not json")),
            answer("sorry, let me answer directly"),
        ]
    )
    result = run(AgentLoop(model, FakeTools({"echo": echo})), "break things")
    tool_messages = [m for m in result.messages if m.role == "tool"]
    assert "unknown tool" in tool_messages[0].content
    assert "invalid JSON" in tool_messages[1].content
    assert not any(r.ok for r in result.tool_results)
    assert result.answer == "sorry, let me answer directly"
    assert model.requests[1].messages[-1].content == tool_messages[1].content


def test_errors_raised_by_the_port_become_tool_errors() -> None:
    class RaisingTools(FakeTools):
        async def call(self, request, context):  # type: ignore[no-untyped-def]
            if request.name == "deny":
                raise CapabilityDenied("network", "not in the allowlist")
            raise ToolError("disk full")

    model = ScriptedModel([calls(("a", "deny", "{}"), ("b", "fail", "{}")), answer("ok")])
    result = run(AgentLoop(model, RaisingTools({})), "x")
    first, second = result.tool_results
    assert first.refused
    assert "not in the allowlist" in first.content
    assert not second.refused
    assert "disk full" in second.content


def test_llm_errors_propagate() -> None:
    async def fail(request: object) -> object:
        raise LLMAuthError("401 from provider")

    model = ScriptedModel([fail])  # type: ignore[list-item]
    with pytest.raises(LLMAuthError):
        run(AgentLoop(model, FakeTools({})), "x")


def test_empty_and_repeated_call_ids_are_made_unique() -> None:
    model = ScriptedModel(
        [
            calls(("", "echo", "{}"), ("", "echo", "{}")),
            calls(("x", "echo", "{}"), ("x", "echo", "{}")),
            answer("done"),
        ]
    )
    result = run(AgentLoop(model, FakeTools({"echo": echo})), "ids")
    ids = [c.id for c in result.tool_calls]
    assert len(set(ids)) == 4
    assert all(ids)
    assert_consistent(result.messages)


def test_taint_reaches_the_next_calls_context_and_the_result() -> None:
    model = ScriptedModel([calls(("a", "fetch", "{}")), calls(("b", "echo", "{}")), answer("done")])
    tools = FakeTools({"fetch": echo, "echo": echo}, tainting=frozenset({"fetch"}))
    result = run(AgentLoop(model, tools), "read the web")
    assert [c.tainted for c in tools.contexts] == [False, True]
    assert result.tainted
    assert result.tainted_by == "tool fetch"


def test_pending_approvals_are_reported() -> None:
    class ApprovalTools(FakeTools):
        async def call(self, request, context):  # type: ignore[no-untyped-def]
            return ToolResult(
                request.id, request.name, False, "waiting for approval", pending_approval_id="ap1"
            )

    model = ScriptedModel([calls(("a", "send", "{}")), answer("asked for approval")])
    result = run(AgentLoop(model, ApprovalTools({})), "send it")
    assert result.pending_approvals == ("ap1",)


def test_cancel_during_tools_keeps_finished_results_and_answers_every_call() -> None:
    started = asyncio.Event()

    async def blocking(arguments: dict[str, object]) -> str:
        started.set()
        await asyncio.sleep(30)
        return "never"

    model = ScriptedModel([calls(("quick", "echo", '{"text": "done"}'), ("slow", "block", "{}"))])
    loop = AgentLoop(model, FakeTools({"echo": echo, "block": blocking}))

    async def scenario() -> TurnResult:
        task = asyncio.create_task(loop.run_turn("go", history=(), context=CTX))
        await started.wait()
        await asyncio.sleep(0.01)
        task.cancel()
        return await task

    result = asyncio.run(scenario())
    assert result.interrupted
    assert_consistent(result.messages)
    tool_texts = {m.tool_call_id: m.content for m in result.messages if m.role == "tool"}
    assert tool_texts == {"quick": "done", "slow": INTERRUPTED_TOOL_TEXT}
    assert result.answer == INTERRUPTED_NOTE


def test_cancel_during_streaming_keeps_partial_text() -> None:
    async def stalls(request: object) -> object:
        await asyncio.sleep(30)
        raise AssertionError("unreachable")

    streamed: list[str] = []

    class PartialModel(ScriptedModel):
        async def complete(self, request, on_text=None):  # type: ignore[no-untyped-def]
            if on_text:
                on_text("The answer is")
            return await super().complete(request, on_text)

    model = PartialModel([stalls])  # type: ignore[list-item]
    loop = AgentLoop(model, FakeTools({}))

    async def scenario() -> TurnResult:
        observer = TurnObserver(on_text=streamed.append)
        task = asyncio.create_task(loop.run_turn("q", history=(), context=CTX, observer=observer))
        while not streamed:
            await asyncio.sleep(0.001)
        task.cancel()
        return await task

    result = asyncio.run(scenario())
    assert result.interrupted
    assert [m.role for m in result.messages] == ["user", "assistant"]
    assert result.answer == f"The answer is\n\n{INTERRUPTED_NOTE}"
