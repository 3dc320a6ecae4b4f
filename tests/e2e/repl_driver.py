"""Drive the real REPL (runtime from settings, terminal approval prompt) through a pipe."""

from __future__ import annotations

import asyncio
import io

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console
from tests.e2e.conftest import Bastion


def drive_repl(bastion: Bastion, keys: str, thread: str | None = None) -> str:
    from bastion.app.cli.repl import Repl, ReplIO
    from bastion.app.cli.repl.approval import TerminalApproval
    from bastion.app.settings import load_settings
    from bastion.app.wiring import build_runtime

    out = io.StringIO()
    console = Console(file=out, width=200, color_system=None, force_terminal=False)

    async def main() -> None:
        with create_pipe_input() as pipe:
            pipe.send_text(keys)
            repl_io = ReplIO(console, None, input=pipe, output=DummyOutput())
            runtime = build_runtime(load_settings(), ask=TerminalApproval(repl_io))
            try:
                repl = Repl(runtime.session(thread), runtime.threads, runtime.chat_model, repl_io)
                await asyncio.wait_for(repl.run(), timeout=30)
            finally:
                await runtime.aclose()

    asyncio.run(main())
    return out.getvalue()
