"""``bastion chat [-m TEXT] [--thread ID] [--json]``: one turn, or the REPL without ``-m``.

Only typer is imported at module level so ``bastion --help`` stays fast; everything else is
imported inside the command.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from bastion.app.settings import Settings
    from bastion.contracts.json_types import JsonValue
    from bastion.contracts.messages import ToolCallRequest
    from bastion.contracts.ports import ToolResult, TurnObserver
    from bastion.runner.session import TurnOutcome

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    app.command("chat")(chat)


def chat(
    message: str | None = typer.Option(
        None, "-m", "--message", help="Send one message, print the answer, exit ('-': stdin)."
    ),
    thread: str | None = typer.Option(None, "--thread", help="Continue this thread."),
    json_output: bool = typer.Option(False, "--json", help="With -m: print one JSON object."),
) -> None:
    """Talk to the agent: the REPL, or one turn with -m."""
    import asyncio

    from bastion.app.settings import load_settings
    from bastion.contracts.errors import UsageError

    settings = load_settings()
    if message is None:
        if json_output:
            raise UsageError("--json needs -m TEXT (the REPL is interactive)")
        asyncio.run(_repl(settings, thread))
        return
    text = sys.stdin.read() if message == "-" else message
    asyncio.run(_one_shot(settings, text, thread, json_output))


async def _repl(settings: Settings, thread: str | None) -> None:
    from rich.console import Console

    from bastion.app.cli import gc_policy
    from bastion.app.cli.repl import Repl, ReplIO, render
    from bastion.app.cli.repl.approval import TerminalApproval
    from bastion.app.wiring import build_runtime

    io = ReplIO(Console(), history_path=settings.home / "repl_history")
    runtime = build_runtime(settings, ask=TerminalApproval(io), defer_model=True)
    gc_policy.start_up_done()
    try:
        session = runtime.session(thread)

        def warm_up() -> None:
            with gc_policy.loading():
                runtime.warm_up()
                render.preload()

        repl = Repl(session, runtime.threads, runtime.chat_model, io, warm_up=warm_up)
        await repl.run()
    finally:
        await runtime.aclose()


async def _one_shot(settings: Settings, text: str, thread: str | None, as_json: bool) -> None:
    from bastion.app.cli import gc_policy
    from bastion.app.cli.output import emit_json
    from bastion.app.wiring import build_runtime

    printer = _Printer(stream=not as_json and sys.stdout.isatty(), tool_lines=sys.stderr.isatty())
    runtime = build_runtime(settings)
    gc_policy.start_up_done()
    try:
        outcome = await runtime.session(thread).send(text, printer.observer())
    finally:
        await runtime.aclose()
    if as_json:
        emit_json(_as_json(outcome))
    else:
        printer.finish(outcome.result.answer)
        for approval in outcome.result.pending_approvals:
            sys.stderr.write(
                f"approval {approval} is waiting: `bastion approvals approve {approval}`\n"
            )
    if outcome.result.interrupted:
        # The loop absorbed Ctrl-C to save a consistent turn; the process still reports it (130).
        raise KeyboardInterrupt
    if any(r.refused or r.pending_approval_id for r in outcome.result.tool_results):
        # Exit 3: a call was refused by policy or still waits for the user's approval, so the
        # answer is not the whole job; the answer is printed all the same.
        raise SystemExit(3)


def _as_json(outcome: TurnOutcome) -> JsonValue:
    result = outcome.result
    results = {r.call_id: r for r in result.tool_results}
    calls: list[JsonValue] = []
    for call in outcome.tool_calls:  # as shown: their arguments leak-scanned
        done = results.get(call.id)
        calls.append(
            {
                "id": call.id,
                "name": call.name,
                "arguments": call.arguments_json,
                "ok": done.ok if done else False,
                "refused": done.refused if done else False,
                "result": done.content if done else None,
            }
        )
    usage = outcome.usage
    return {
        "thread": outcome.thread_id,
        "turn": outcome.turn_id,
        "answer": result.answer,
        "tool_calls": calls,
        "usage": {"input_tokens": usage.input_tokens, "output_tokens": usage.output_tokens},
        "cost_usd": usage.cost_usd,
        "model": result.model,
        "iterations": result.iterations,
        "interrupted": result.interrupted,
        "pending_approvals": list(result.pending_approvals),
        "notices": list(outcome.notices),
    }


class _Printer:
    """Plain output for one-shot chat: streamed to a terminal, printed whole when piped."""

    def __init__(self, stream: bool, tool_lines: bool) -> None:
        self._stream = stream
        self._tool_lines = tool_lines
        self._streamed = False
        self._segment: list[str] = []  # text streamed since the last tool call

    def observer(self) -> TurnObserver:
        from bastion.contracts.ports import TurnObserver

        return TurnObserver(
            on_text=self._text if self._stream else None,
            on_tool_start=self._tool_start if self._tool_lines else None,
            on_tool_end=self._tool_end if self._tool_lines else None,
            on_notice=self._notice,
        )

    def _text(self, delta: str) -> None:
        self._streamed = True
        self._segment.append(delta)
        sys.stdout.write(delta)
        sys.stdout.flush()

    def _tool_start(self, call: ToolCallRequest) -> None:
        if self._streamed:
            sys.stdout.write("\n")
            self._streamed = False
        self._segment.clear()
        sys.stderr.write(f"⚙ {call.name} {call.arguments_json[:80]}\n")

    def _notice(self, text: str) -> None:
        sys.stderr.write(f"note: {text}\n")

    def _tool_end(self, result: ToolResult) -> None:
        mark = "✓" if result.ok else "✗"
        from bastion.safety.display import content_for_display

        preview = " ".join(content_for_display(result.content).split())[:100]
        sys.stderr.write(f"  {mark} {result.name}: {preview}\n")

    def finish(self, answer: str) -> None:
        if self._stream:
            # Usually the last streamed step is the answer; a limit or interruption note is not.
            streamed = "".join(self._segment).strip()
            ending = "\n" if self._streamed else ""
            sys.stdout.write(ending if streamed == answer.strip() else f"{ending}{answer}\n")
        else:
            sys.stdout.write(answer + "\n")
        sys.stdout.flush()
