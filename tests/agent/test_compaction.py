"""Compaction: when it fires, what it folds, and that tool pairs stay together."""

from __future__ import annotations

import asyncio

from tests.agent.scripted_model import ScriptedModel, answer

from bastion.agent.compaction import Compactor, estimate_tokens, plan_compaction, split_turns
from bastion.contracts.messages import Message, ToolCallRequest


def turn(n: int, with_tool: bool = False) -> list[Message]:
    messages = [Message("user", f"question {n}")]
    if with_tool:
        messages.append(
            Message("assistant", "", tool_calls=(ToolCallRequest(f"c{n}", "echo", "{}"),))
        )
        messages.append(Message("tool", f"result {n}", tool_call_id=f"c{n}", name="echo"))
    messages.append(Message("assistant", f"answer {n}"))
    return messages


TURNS = [turn(n, with_tool=n % 2 == 0) for n in range(6)]
HISTORY = [m for t in TURNS for m in t]


def test_turns_start_at_user_messages() -> None:
    turns = split_turns(HISTORY)
    assert len(turns) == 6
    assert all(t[0].role == "user" for t in turns)


def test_plan_keeps_recent_turns_and_tool_pairs_together() -> None:
    for keep in range(1, 6):
        plan = plan_compaction(split_turns(HISTORY), keep)
        assert plan is not None
        assert plan.older + plan.recent == tuple(HISTORY)
        assert plan.recent[0].role == "user"
        assert len(split_turns(plan.recent)) == keep
        older_ids = {c.id for m in plan.older for c in m.tool_calls}
        recent_answers = {m.tool_call_id for m in plan.recent if m.role == "tool"}
        assert not older_ids & recent_answers
        assert plan.older_turns == 6 - keep
    assert plan_compaction(TURNS, 6) is None


def test_threshold_is_relative_to_the_context_window() -> None:
    compactor = Compactor(ScriptedModel([], context_window=10_000), 0.8, 2)
    assert not compactor.needs_compaction(7_999)
    assert compactor.needs_compaction(8_000)
    assert estimate_tokens([Message("user", "x" * 400)]) >= 100


def test_compact_summarises_older_turns_with_one_call() -> None:
    model = ScriptedModel([answer("  they asked six questions  ")])
    result = asyncio.run(Compactor(model, 0.8, 2).compact("before that: hello", TURNS))
    assert result is not None
    assert result.summary == "they asked six questions"
    assert result.summarised_turns == 4
    assert len(model.requests) == 1
    transcript = model.requests[0].messages[1].content
    assert "before that: hello" in transcript
    assert "question 3" in transcript
    assert "question 4" not in transcript
    assert model.requests[0].tools == ()


def test_nothing_to_compact_makes_no_call() -> None:
    model = ScriptedModel([])
    assert asyncio.run(Compactor(model, 0.8, 4).compact(None, TURNS[:4])) is None
    assert model.requests == []
