"""ChatSession against the real SQLite thread repository and a scripted model."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from tests.agent.scripted_model import FakeTools, ScriptedModel, answer, calls, echo

from bastion.agent.turn import INTERRUPTED_NOTE
from bastion.contracts.errors import LLMUnavailable, UsageError
from bastion.contracts.messages import Completion, Message
from bastion.runner import ChatSession, SessionConfig, load_identity
from bastion.store.database import Database
from bastion.store.threads import SqliteThreadRepository


@pytest.fixture
def threads(tmp_path: Path) -> SqliteThreadRepository:
    return SqliteThreadRepository(Database(tmp_path / "bastion.db"))


def session(
    threads: SqliteThreadRepository,
    model: ScriptedModel,
    tools: FakeTools | None = None,
    **cfg: object,
) -> ChatSession:
    return ChatSession(model, tools or FakeTools({"echo": echo}), threads, SessionConfig(**cfg))  # type: ignore[arg-type]


def test_a_turn_is_saved_whole_and_the_next_turn_sees_it(threads: SqliteThreadRepository) -> None:
    model = ScriptedModel([calls(("c1", "echo", '{"text": "hi"}')), answer("said hi"), answer("2")])
    chat = session(threads, model)
    first = asyncio.run(chat.send("say hi"))
    assert first.thread_id == chat.thread_id
    turns = threads.load_turns(first.thread_id)
    assert [t.id for t in turns] == [first.turn_id]
    assert [m.role for m in turns[0].messages] == ["user", "assistant", "tool", "assistant"]
    assert turns[0].usage == first.result.usage
    asyncio.run(chat.send("again"))
    sent = model.requests[-1].messages
    assert [m.content for m in sent[1:]][:1] == ["say hi"]
    assert sent[-1].content == "again"
    assert len(threads.load_turns(first.thread_id)) == 2


def test_turn_id_reaches_the_tools_context(threads: SqliteThreadRepository) -> None:
    tools = FakeTools({"echo": echo})
    chat = session(threads, ScriptedModel([calls(("c", "echo", "{}")), answer("ok")]), tools)
    outcome = asyncio.run(chat.send("x"))
    assert tools.contexts[0].turn_id == outcome.turn_id
    assert tools.contexts[0].thread_id == outcome.thread_id


def test_a_model_error_saves_no_turn(threads: SqliteThreadRepository) -> None:
    async def down(request: object) -> object:
        raise LLMUnavailable("circuit open")

    chat = session(threads, ScriptedModel([answer("first"), down]))  # type: ignore[list-item]
    asyncio.run(chat.send("one"))
    with pytest.raises(LLMUnavailable):
        asyncio.run(chat.send("two"))
    assert chat.thread_id is not None
    assert [m.content for m in chat.history()] == ["one", "first"]


def test_an_interrupted_turn_is_saved_consistent(threads: SqliteThreadRepository) -> None:
    started = asyncio.Event()

    async def hang(arguments: dict[str, object]) -> str:
        started.set()
        await asyncio.sleep(30)
        return "never"

    model = ScriptedModel([calls(("c", "hang", "{}")), answer("after")])
    chat = session(threads, model, FakeTools({"hang": hang}))

    async def scenario() -> None:
        task = asyncio.create_task(chat.send("wait"))
        await started.wait()
        task.cancel()
        outcome = await task
        assert outcome.result.interrupted

    asyncio.run(scenario())
    history = chat.history()
    assert [m.role for m in history] == ["user", "assistant", "tool", "assistant"]
    assert history[-1].content == INTERRUPTED_NOTE
    asyncio.run(chat.send("continue"))  # the thread is usable afterwards
    assert chat.history()[-1].content == "after"


def test_undo_and_new_thread(threads: SqliteThreadRepository) -> None:
    chat = session(threads, ScriptedModel([answer("a"), answer("b"), answer("c")]))
    assert not chat.undo()
    asyncio.run(chat.send("1"))
    asyncio.run(chat.send("2"))
    assert chat.undo()
    assert [m.content for m in chat.history()] == ["1", "a"]
    old = chat.thread_id
    chat.new_thread()
    assert chat.history() == []
    outcome = asyncio.run(chat.send("3"))
    assert outcome.thread_id != old
    assert old is not None
    chat.open_thread(old)
    assert [m.content for m in chat.history()] == ["1", "a"]
    with pytest.raises(UsageError):
        chat.open_thread("nope")
    with pytest.raises(UsageError):
        asyncio.run(chat.send("   "))


def test_compaction_folds_older_turns_and_keeps_the_raw_history(
    threads: SqliteThreadRepository,
) -> None:
    long = "word " * 400  # ~500 tokens a turn against a 2000-token window
    steps = [answer(f"answer {n} " + long) for n in range(3)]
    steps += [answer("SUMMARY: three long answers"), answer("final")]
    model = ScriptedModel(steps, context_window=2000)
    chat = session(threads, model, keep_recent_turns=1, compaction_threshold=0.75)
    for n in range(3):
        asyncio.run(chat.send(f"question {n}"))
    outcome = asyncio.run(chat.send("question 3"))
    assert outcome.compaction is not None
    assert outcome.compaction.summarised_turns == 2
    final_request = model.requests[-1]
    assert "SUMMARY: three long answers" in final_request.messages[0].content
    contents = [m.content for m in final_request.messages[1:]]
    assert contents[0] == "question 2"
    assert "question 0" not in contents
    assert outcome.thread_id is not None
    assert len(threads.load_turns(outcome.thread_id)) == 4  # raw history stays
    assert outcome.usage.input_tokens == outcome.result.usage.input_tokens + 10


def test_explicit_compact_and_undo_drop_summary(threads: SqliteThreadRepository) -> None:
    model = ScriptedModel([answer("a"), answer("b"), answer("sum of a")])
    chat = session(threads, model, keep_recent_turns=1)
    asyncio.run(chat.send("1"))
    asyncio.run(chat.send("2"))
    result = asyncio.run(chat.compact())
    assert result is not None
    assert [m.content for m in chat.history()] == ["2", "b"]
    assert asyncio.run(chat.compact()) is None  # only the recent turn is left


def test_taint_carries_to_the_next_turn(threads: SqliteThreadRepository) -> None:
    tools = FakeTools({"fetch": echo, "echo": echo}, tainting=frozenset({"fetch"}))
    model = ScriptedModel(
        [calls(("a", "fetch", "{}")), answer("read"), calls(("b", "echo", "{}")), answer("ok")]
    )
    chat = session(threads, model, tools)
    asyncio.run(chat.send("read the page"))
    asyncio.run(chat.send("now echo"))
    assert [c.tainted for c in tools.contexts] == [False, True]


def test_identity_files_are_read_in_order_and_symlinks_skipped(tmp_path: Path) -> None:
    (tmp_path / "SOUL.md").write_text("calm")
    (tmp_path / "AGENTS.md").write_text("rules")
    (tmp_path / "outside.md").write_text("secret")
    (tmp_path / "USER.md").symlink_to(tmp_path / "outside.md")
    docs = load_identity(tmp_path)
    assert [(d.name, d.text) for d in docs] == [("AGENTS.md", "rules"), ("SOUL.md", "calm")]
    assert Message("user", "x").role == "user"


def _write_level(db: Database) -> int:
    """Write a row as the dispatcher's recorder would; the safety level it committed with."""
    with db.transaction() as tx:
        tx.execute(
            "INSERT INTO sessions(id, channel, user_name, created_at) VALUES (?, 'c', 'u', 'now')",
            (uuid.uuid4().hex,),
        )
        row = tx.query_one("PRAGMA synchronous")
    assert row is not None
    return int(row[0])


def test_writes_during_a_turn_are_fsynced_before_the_next_model_call_and_at_its_commit(
    tmp_path: Path, fsyncs: list[str]
) -> None:
    db = Database(tmp_path / "turns.db")
    wal = f"{tmp_path / 'turns.db'}-wal"
    levels: list[int] = []
    synced_before_second_call: list[str] = []

    async def record(arguments: dict[str, object]) -> str:
        levels.append(_write_level(db))
        return "recorded"

    async def second(request: object) -> Completion:
        synced_before_second_call.extend(fsyncs)
        return answer("done")

    model = ScriptedModel([calls(("c", "record", "{}")), second])  # type: ignore[list-item]
    chat = session(SqliteThreadRepository(db), model, FakeTools({"record": record}))
    outcome = asyncio.run(chat.send("go"))
    assert levels == [1]  # NORMAL: the tool's write had no fsync of its own
    # The tool's record was fsynced before the model was asked again (the WAL, and its folder
    # the first time), and nothing after the turn: its FULL commit synced the rest.
    assert synced_before_second_call == [wal, str(tmp_path)]
    assert fsyncs == synced_before_second_call
    assert _write_level(db) == 2  # outside a turn every commit is FULL again
    reopened = SqliteThreadRepository(Database(tmp_path / "turns.db"))
    assert [t.id for t in reopened.load_turns(outcome.thread_id)] == [outcome.turn_id]


def test_a_turn_without_tool_calls_fsyncs_only_at_its_commit(
    tmp_path: Path, fsyncs: list[str]
) -> None:
    chat = session(
        SqliteThreadRepository(Database(tmp_path / "t.db")), ScriptedModel([answer("hi")])
    )
    asyncio.run(chat.send("hello"))
    assert fsyncs == []


def test_a_failed_turn_fsyncs_its_writes_when_it_ends(tmp_path: Path, fsyncs: list[str]) -> None:
    db = Database(tmp_path / "turns.db")

    async def record(arguments: dict[str, object]) -> str:
        _write_level(db)
        return "recorded"

    async def down(request: object) -> object:
        raise LLMUnavailable("gone")

    model = ScriptedModel([calls(("c", "record", "{}")), down])  # type: ignore[list-item]
    chat = session(SqliteThreadRepository(db), model, FakeTools({"record": record}))
    with pytest.raises(LLMUnavailable):
        asyncio.run(chat.send("go"))
    assert fsyncs[0] == f"{tmp_path / 'turns.db'}-wal"
