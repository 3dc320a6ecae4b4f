"""The interactive chat: a prompt_toolkit prompt in front of a ``ChatSession``.

Enter sends; Esc+Enter or a trailing backslash inserts a newline. Ctrl-C while a turn runs
cancels that turn only (the loop saves it in its consistent interrupted form); Ctrl-C at the
prompt clears the line; Ctrl-D quits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.output import Output
from rich.console import Console

from bastion.app.cli.repl.commands import CommandContext, run_command
from bastion.app.cli.repl.render import TurnRenderer
from bastion.contracts.errors import BastionError, LLMError
from bastion.contracts.ports import ChatModel
from bastion.runner.session import ChatSession, TurnOutcome
from bastion.store.repositories import ThreadRepository

__all__ = ["Repl", "ReplIO", "key_bindings"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReplIO:
    """Where the REPL reads and writes; tests pass a pipe input and a captured console."""

    console: Console
    history_path: Path | None = None
    input: Input | None = None
    output: Output | None = None


def key_bindings() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("escape", "enter")
    def _newline(event: KeyPressEvent) -> None:
        event.current_buffer.insert_text("\n")

    @bindings.add("enter")
    def _enter(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        if buffer.text.endswith("\\"):
            buffer.delete_before_cursor(1)
            buffer.insert_text("\n")
        else:
            buffer.validate_and_handle()

    return bindings


@contextlib.contextmanager
def _ctrl_c_cancels(task: asyncio.Task[TurnOutcome]) -> Iterator[None]:
    """While a turn runs, SIGINT cancels the turn's task instead of raising in the loop."""
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGINT, task.cancel)
    except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or Windows
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)


def _quietly(warm_up: Callable[[], None]) -> None:
    try:
        warm_up()
    except Exception:  # the first turn loads again and reports the error itself
        logger.debug("warm-up failed", exc_info=True)


class Repl:
    def __init__(
        self,
        session: ChatSession,
        threads: ThreadRepository,
        make_model: Callable[[str], ChatModel],
        io: ReplIO,
        *,
        warm_up: Callable[[], None] | None = None,
    ) -> None:
        """``warm_up`` runs in a worker thread once the user starts typing the first line: it
        loads what the first turn needs (the provider SDK), so an idle prompt does not hold it
        and the load overlaps the typing."""
        self._session = session
        self._console = io.console
        self._commands = CommandContext(session, threads, make_model, io.console)
        history: History = (
            FileHistory(str(io.history_path)) if io.history_path else InMemoryHistory()
        )
        self._prompt: PromptSession[str] = PromptSession(
            history=history,
            key_bindings=key_bindings(),
            multiline=True,  # Enter is rebound above; this keeps continuation lines aligned
            prompt_continuation="… ",
            input=io.input,
            output=io.output,
        )
        self._warm_up = warm_up
        if warm_up is not None:
            self._prompt.default_buffer.on_text_changed += self._start_warm_up

    def _start_warm_up(self, _buffer: Buffer) -> None:
        self._prompt.default_buffer.on_text_changed -= self._start_warm_up
        if self._warm_up is not None:
            threading.Thread(
                target=_quietly, args=(self._warm_up,), name="bastion-warm-up", daemon=True
            ).start()

    async def run(self) -> None:
        self._console.print(
            f"Bastion · model {self._session.model.model} · /help for commands", style="dim"
        )
        while True:
            try:
                line = await self._prompt.prompt_async("> ")
            except KeyboardInterrupt:
                continue
            except EOFError:
                break
            if not line.strip():
                continue
            if line.lstrip().startswith("/"):
                if not await run_command(line, self._commands):
                    break
                continue
            await self._turn(line)
        self._console.print("bye", style="dim")

    async def _turn(self, text: str) -> None:
        renderer = TurnRenderer(self._console)
        task = asyncio.create_task(self._session.send(text, renderer.observer()))
        with _ctrl_c_cancels(task):
            try:
                outcome = await task
            except LLMError as exc:
                renderer.flush()
                self._console.print(f"error: {exc} (nothing was saved)", style="red")
                return
            except BastionError as exc:
                renderer.flush()
                self._console.print(f"error: {exc}", style="red")
                return
        renderer.finish(outcome.result)
