"""The REPL driven through prompt_toolkit's pipe input, with a scripted model and a real store."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console
from tests.agent.scripted_model import FakeTools, ScriptedModel, answer, calls, echo

from bastion.app.cli.repl import Repl, ReplIO
from bastion.runner import ChatSession
from bastion.store.database import Database
from bastion.store.threads import SqliteThreadRepository


def drive(
    keys: str,
    model: ScriptedModel,
    tmp_path: Path,
    warm_up: Callable[[], None] | None = None,
) -> tuple[str, SqliteThreadRepository]:
    threads = SqliteThreadRepository(Database(tmp_path / "bastion.db"))
    session = ChatSession(model, FakeTools({"echo": echo}), threads)
    out = io.StringIO()
    console = Console(file=out, width=100, color_system=None, force_terminal=False)

    def other_model(name: str) -> ScriptedModel:
        return ScriptedModel(list(model.steps), model=name)

    async def main() -> None:
        with create_pipe_input() as pipe:
            pipe.send_text(keys)
            repl = Repl(
                session,
                threads,
                other_model,
                ReplIO(console, tmp_path / "history", input=pipe, output=DummyOutput()),
                warm_up=warm_up,
            )
            await asyncio.wait_for(repl.run(), timeout=20)

    asyncio.run(main())
    return out.getvalue(), threads


def test_tool_call_line_answer_undo_and_ctrl_d(tmp_path: Path) -> None:
    model = ScriptedModel(
        [calls(("c1", "echo", '{"text": "pong"}')), answer("the tool said **pong**"), answer("2")]
    )
    output, threads = drive("ping\r/undo\rsecond\r\x04", model, tmp_path)
    assert "⚙ echo" in output
    assert "✓ echo: pong" in output
    assert "the tool said pong" in output
    assert "took back the last turn" in output
    assert output.rstrip().endswith("bye")
    [thread] = threads.list_threads()
    turns = threads.load_turns(thread.id)
    assert [t.messages[0].content for t in turns] == ["second"]  # the first turn was undone
    assert (tmp_path / "history").read_text().count("ping") == 1


def test_typing_the_first_line_starts_the_warm_up_once(tmp_path: Path) -> None:
    started: list[str] = []
    done = threading.Event()

    def warm_up() -> None:
        started.append(threading.current_thread().name)
        done.set()

    drive("one\rtwo\r\x04", ScriptedModel([answer("1"), answer("2")]), tmp_path, warm_up)
    assert done.wait(5)
    assert started == ["bastion-warm-up"]  # a worker thread, not the prompt's


def test_a_failing_warm_up_leaves_the_repl_working(tmp_path: Path) -> None:
    def warm_up() -> None:
        raise RuntimeError("no SDK")

    output, _ = drive("ping\r\x04", ScriptedModel([answer("pong")]), tmp_path, warm_up)
    assert "pong" in output


def test_new_starts_another_thread_and_thread_lists_them(tmp_path: Path) -> None:
    model = ScriptedModel([answer("one"), answer("two")])
    output, threads = drive("first\r/new\rsecond\r/thread\r/quit\r", model, tmp_path)
    assert "new conversation" in output
    records = threads.list_threads()
    assert sorted(r.title for r in records) == ["first", "second"]
    assert records[0].id[:12] in output
    assert "bye" in output


def test_multiline_input_with_a_trailing_backslash(tmp_path: Path) -> None:
    model = ScriptedModel([answer("got both lines")])
    drive("line one\\\rline two\r\x04", model, tmp_path)
    assert model.requests[0].messages[-1].content == "line one\nline two"


def test_help_model_compact_and_unknown_commands(tmp_path: Path) -> None:
    model = ScriptedModel([answer("a")])
    output, _ = drive(
        "/help\r/model other-model\r/compact\r/nope\r/thread zzz\r\x04", model, tmp_path
    )
    assert "/undo" in output
    assert "model: other-model" in output
    assert "nothing to compact yet" in output
    assert "unknown command /nope" in output
    assert "error: no thread zzz" in output


def test_ctrl_c_at_the_prompt_does_not_quit(tmp_path: Path) -> None:
    model = ScriptedModel([answer("still here")])
    output, _ = drive("half typed\x03hello\r\x04", model, tmp_path)
    assert "still here" in output
    assert model.requests[0].messages[-1].content == "hello"


def test_ctrl_c_during_a_turn_interrupts_the_turn_not_the_repl(tmp_path: Path) -> None:
    async def hangs_after_sigint(request: object) -> object:
        os.kill(os.getpid(), signal.SIGINT)
        await asyncio.sleep(30)
        raise AssertionError("the turn was not interrupted")

    model = ScriptedModel([hangs_after_sigint, answer("back again")])  # type: ignore[list-item]
    output, threads = drive("slow question\rnext\r\x04", model, tmp_path)
    assert "interrupted" in output
    assert "back again" in output
    [thread] = threads.list_threads()
    first, second = threads.load_turns(thread.id)
    assert [m.role for m in first.messages] == ["user", "assistant"]
    assert second.messages[-1].content == "back again"
