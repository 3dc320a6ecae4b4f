"""The REPL's inline approval prompt: the answer comes from the terminal, never the chat.

A "yes" typed into the conversation is only a message to the model; a decision is the answer
to this separate prompt. Anything but y / n / a (a only when offered) asks again; Ctrl-C or
Ctrl-D means no.
"""

from __future__ import annotations

from prompt_toolkit import PromptSession
from prompt_toolkit.history import InMemoryHistory
from rich.text import Text

from bastion.app.cli.repl.app import ReplIO
from bastion.kernel.approval_prompt import ApprovalAnswer, ApprovalPrompt

__all__ = ["TerminalApproval"]

_ANSWERS = {
    "y": ApprovalAnswer.YES,
    "yes": ApprovalAnswer.YES,
    "n": ApprovalAnswer.NO,
    "no": ApprovalAnswer.NO,
    "a": ApprovalAnswer.ALWAYS_THIS_THREAD,
    "always": ApprovalAnswer.ALWAYS_THIS_THREAD,
}
_MAX_TRIES = 3


class TerminalApproval:
    """``ApprovalPromptFn`` over the REPL's own input and console."""

    def __init__(self, io: ReplIO) -> None:
        self._console = io.console
        self._session: PromptSession[str] = PromptSession(
            history=InMemoryHistory(), input=io.input, output=io.output
        )

    async def __call__(self, prompt: ApprovalPrompt) -> ApprovalAnswer:
        self._console.print(Text(f"⚠ approval {prompt.approval_id} ({prompt.risk} risk)", "yellow"))
        self._console.print(Text(prompt.render()))
        keys = "y/n/a" if prompt.always_offered else "y/n"
        for _ in range(_MAX_TRIES):
            line = await self._session.prompt_async(f"[{keys}] ")
            answer = _ANSWERS.get(line.strip().lower())
            if answer is ApprovalAnswer.ALWAYS_THIS_THREAD and not prompt.always_offered:
                self._console.print(Text(f"{prompt.tool} is high risk: never always allowed"))
                continue
            if answer is not None:
                return answer
            self._console.print(Text(f"answer {keys}"))
        return ApprovalAnswer.NO
