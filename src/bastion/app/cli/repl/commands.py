"""Slash commands of the REPL. Each returns False to quit, True to go on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from bastion.contracts.errors import BastionError, UsageError
from bastion.contracts.ports import ChatModel
from bastion.runner.session import ChatSession
from bastion.store.repositories import ThreadRepository

__all__ = ["HELP", "CommandContext", "run_command"]

HELP = """\
Commands:
  /help           this list
  /new            start a new conversation
  /thread [ID]    list recent threads, or switch to one (an id prefix is enough)
  /undo           take back the last turn
  /compact        summarise older turns now
  /model [NAME]   show the model, or switch to another one for this session
  /quit           leave (Ctrl-D works too)
Input: Enter sends. Esc then Enter, or a line ending in a backslash, starts a new line.
Ctrl-C stops a running turn (the REPL stays); at the prompt it clears the line."""


@dataclass(slots=True)
class CommandContext:
    session: ChatSession
    threads: ThreadRepository
    make_model: Callable[[str], ChatModel]
    console: Console


async def run_command(line: str, ctx: CommandContext) -> bool:
    name, _, argument = line.strip().partition(" ")
    handler = _COMMANDS.get(name)
    if handler is None:
        ctx.console.print(f"unknown command {name}; /help lists them", style="red")
        return True
    try:
        return await handler(argument.strip(), ctx)
    except BastionError as exc:  # a bad id or model name must not end the REPL
        ctx.console.print(f"error: {exc}", style="red")
        return True


async def _help(argument: str, ctx: CommandContext) -> bool:
    ctx.console.print(HELP, highlight=False, markup=False)
    return True


async def _quit(argument: str, ctx: CommandContext) -> bool:
    return False


async def _new(argument: str, ctx: CommandContext) -> bool:
    ctx.session.new_thread()
    ctx.console.print("new conversation", style="dim")
    return True


async def _thread(argument: str, ctx: CommandContext) -> bool:
    threads = ctx.threads.list_threads(limit=20)
    if not argument:
        table = Table("id", "title", "turns", "updated", box=None)
        for record in threads:
            marker = "*" if record.id == ctx.session.thread_id else " "
            table.add_row(
                marker + record.id[:12],
                record.title,
                str(record.turn_count),
                record.updated_at[:19],
            )
        ctx.console.print(table if threads else "no threads yet")
        return True
    matches = [t.id for t in threads if t.id.startswith(argument)] or [argument]
    if len(matches) > 1:
        raise UsageError(f"{argument} matches {len(matches)} threads; give more of the id")
    ctx.session.open_thread(matches[0])
    ctx.console.print(f"thread {matches[0]} ({len(ctx.session.history())} messages)", style="dim")
    return True


async def _undo(argument: str, ctx: CommandContext) -> bool:
    done = ctx.session.undo()
    ctx.console.print("took back the last turn" if done else "nothing to undo", style="dim")
    return True


async def _compact(argument: str, ctx: CommandContext) -> bool:
    result = await ctx.session.compact()
    if result is None:
        ctx.console.print("nothing to compact yet", style="dim")
    else:
        ctx.console.print(f"summarised {result.summarised_turns} older turn(s)", style="dim")
    return True


async def _model(argument: str, ctx: CommandContext) -> bool:
    if argument:
        ctx.session.set_model(ctx.make_model(argument))
    ctx.console.print(f"model: {ctx.session.model.model}", style="dim")
    return True


_Handler = Callable[[str, CommandContext], Awaitable[bool]]
_COMMANDS: dict[str, _Handler] = {
    "/help": _help,
    "/quit": _quit,
    "/exit": _quit,
    "/new": _new,
    "/thread": _thread,
    "/undo": _undo,
    "/compact": _compact,
    "/model": _model,
}
