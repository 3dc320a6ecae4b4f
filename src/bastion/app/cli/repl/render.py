"""How a turn looks in the terminal: streamed markdown, one line per tool call and outcome."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.live import Live
from rich.text import Text

from bastion.agent.turn import TurnResult
from bastion.contracts.messages import ToolCallRequest
from bastion.contracts.ports import ToolResult, TurnObserver
from bastion.safety.display import content_for_display

if TYPE_CHECKING:
    from rich.markdown import Markdown

__all__ = ["TurnRenderer", "one_line", "preload"]

_PREVIEW = 100


def one_line(text: str, limit: int = _PREVIEW) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def preload() -> None:
    """Import the markdown renderer ahead of the first answer (the REPL's warm-up)."""
    import rich.markdown  # noqa: F401


def _markdown(text: str) -> Markdown:
    # Imported at the first answer: rich.markdown brings markdown-it and pygments (~3 MB),
    # which an idle prompt does not need.
    from rich.markdown import Markdown

    return Markdown(text)


class TurnRenderer:
    """Turns loop callbacks into terminal output. On a terminal the answer is re-rendered as
    markdown while it streams; elsewhere each text segment is printed once, when complete."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._segment: list[str] = []
        self._live: Live | None = None
        self._printed_text = False

    def observer(self) -> TurnObserver:
        return TurnObserver(
            on_text=self._on_text,
            on_tool_start=self._on_tool_start,
            on_tool_end=self._on_tool_end,
            on_notice=self._on_notice,
        )

    def _on_text(self, delta: str) -> None:
        self._segment.append(delta)
        if not self._console.is_terminal:
            return
        if self._live is None:
            self._live = Live(console=self._console, refresh_per_second=12, transient=False)
            self._live.start()
        self._live.update(_markdown("".join(self._segment)))

    def flush(self) -> None:
        """End the current text segment (before a tool line, and at the end of the turn)."""
        text = "".join(self._segment)
        self._segment.clear()
        self._printed_text = self._printed_text or bool(text.strip())
        if self._live is not None:
            self._live.update(_markdown(text))
            self._live.stop()
            self._live = None
        elif text.strip():
            self._console.print(_markdown(text))

    def _on_tool_start(self, call: ToolCallRequest) -> None:
        self.flush()
        line = Text("⚙ ", style="cyan")
        line.append(call.name, style="bold cyan")
        line.append(" " + one_line(call.arguments_json, 80), style="dim")
        self._console.print(line)

    def _on_tool_end(self, result: ToolResult) -> None:
        if result.pending_approval_id:
            mark, style = "⏸", "yellow"
            detail = f"waiting for approval {result.pending_approval_id}"
        elif result.ok:
            mark, style, detail = "✓", "green", one_line(content_for_display(result.content))
        else:
            mark = "⛔" if result.refused else "✗"
            style, detail = "red", one_line(content_for_display(result.content))
        line = Text(f"  {mark} {result.name}: ", style=style)
        line.append(detail, style="dim")
        self._console.print(line)

    def _on_notice(self, text: str) -> None:
        self.flush()
        self._console.print(Text(text, style="yellow"))

    def finish(self, result: TurnResult) -> None:
        """End of turn: print the answer if it was not streamed, then how the turn ended."""
        self.flush()
        if not self._printed_text and not result.hit_iteration_limit and not result.interrupted:
            self._console.print(_markdown(result.answer))
        if result.interrupted:
            self._console.print(Text("interrupted; the turn was saved as far as it got", "yellow"))
        for approval in result.pending_approvals:
            self._console.print(
                Text(f"approval {approval} is waiting: `bastion approvals approve {approval}`")
            )
        self._printed_text = False
