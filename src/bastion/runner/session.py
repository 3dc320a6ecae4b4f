"""``ChatSession``: one conversation's host. Loads history, runs the loop, saves the turn.

The REPL, one-shot chat and the gateway all talk to the agent through this object. Each turn is
saved with ONE ``append_turn`` call (one transaction), so a crash loses at most the turn that
was running; a model error saves nothing; an interrupted turn is saved in its consistent form
(see ``bastion.agent.turn``).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from bastion.agent.compaction import CompactionResult, Compactor, estimate_tokens
from bastion.agent.context import (
    DEFAULT_SYSTEM_PROMPT,
    IdentityDocument,
    PromptContext,
    build_system_message,
)
from bastion.agent.loop import AgentLoop, LoopSettings
from bastion.agent.turn import TurnResult
from bastion.contracts.authorization import CallContext
from bastion.contracts.errors import UsageError
from bastion.contracts.messages import Message, Usage
from bastion.contracts.ports import ChatModel, ToolPort, TurnObserver
from bastion.store.repositories import StoredTurn, ThreadRepository

__all__ = ["ChatSession", "SessionConfig", "TurnOutcome"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SessionConfig:
    """How a session behaves; built from Settings by the wiring."""

    channel: str = "cli"
    user: str = "local"
    system_prompt: str = DEFAULT_SYSTEM_PROMPT
    identity: tuple[IdentityDocument, ...] = ()
    max_iterations: int = 12
    max_output_tokens: int | None = None
    compaction_threshold: float = 0.8
    keep_recent_turns: int = 4


@dataclass(frozen=True, slots=True)
class TurnOutcome:
    thread_id: str
    turn_id: str
    result: TurnResult
    compaction: CompactionResult | None = None

    @property
    def usage(self) -> Usage:
        extra = self.compaction.usage if self.compaction else Usage()
        return self.result.usage + extra


@dataclass(frozen=True, slots=True)
class _History:
    summary: str | None
    turns: list[StoredTurn]

    @property
    def messages(self) -> list[Message]:
        return [m for turn in self.turns for m in turn.messages]


class ChatSession:
    """A conversation on one thread at a time, with the tools of one dispatcher."""

    def __init__(
        self,
        model: ChatModel,
        tools: ToolPort,
        threads: ThreadRepository,
        config: SessionConfig | None = None,
    ) -> None:
        self._tools = tools
        self._threads = threads
        self._config = config or SessionConfig()
        self._thread_id: str | None = None
        self._taint: tuple[bool, str | None] = (False, None)
        self._set_model(model)

    # -- thread selection --------------------------------------------------------------------
    @property
    def thread_id(self) -> str | None:
        """The current thread; None until the first turn of a new conversation."""
        return self._thread_id

    @property
    def model(self) -> ChatModel:
        return self._model

    def open_thread(self, thread_id: str) -> None:
        if self._threads.get_thread(thread_id) is None:
            raise UsageError(f"no thread {thread_id}; `/thread` lists the recent ones")
        self._thread_id = thread_id
        self._taint = (False, None)

    def new_thread(self) -> None:
        """Start a fresh conversation; the thread is created when its first turn is saved."""
        self._thread_id = None
        self._taint = (False, None)

    def set_model(self, model: ChatModel) -> None:
        self._set_model(model)

    def _set_model(self, model: ChatModel) -> None:
        self._model = model
        cfg = self._config
        self._loop = AgentLoop(
            model, self._tools, LoopSettings(cfg.max_iterations, cfg.max_output_tokens)
        )
        self._compactor = Compactor(model, cfg.compaction_threshold, cfg.keep_recent_turns)

    # -- turns -------------------------------------------------------------------------------
    async def send(self, text: str, observer: TurnObserver | None = None) -> TurnOutcome:
        """Run one turn and save it. ``LLMError`` propagates with nothing saved."""
        if not text.strip():
            raise UsageError("empty message")
        history = self._load()
        compaction = None
        if history.turns and self._needs_compaction(history, text):
            compaction = await self._compact(history)
            history = self._load()
        thread_id = self._thread_id or self._threads.create_thread(
            _title(text), self._config.channel, self._config.user
        )
        self._thread_id = thread_id
        turn_id = uuid.uuid4().hex
        tainted, tainted_by = self._taint
        context = CallContext(
            thread_id=thread_id,
            channel=self._config.channel,
            user=self._config.user,
            turn_id=turn_id,
            tainted=tainted,
            tainted_by=tainted_by,
        )
        result = await self._loop.run_turn(
            text,
            history=history.messages,
            context=context,
            prompt=self._prompt(history.summary),
            observer=observer,
        )
        self._threads.append_turn(
            thread_id, result.messages, result.usage, result.model, turn_id=turn_id
        )
        self._taint = (result.tainted, result.tainted_by)
        return TurnOutcome(thread_id, turn_id, result, compaction)

    def undo(self) -> bool:
        """Take back the newest turn (kept in the store, no longer in the history)."""
        if self._thread_id is None:
            return False
        return self._threads.undo_last_turn(self._thread_id) is not None

    async def compact(self) -> CompactionResult | None:
        """Fold older turns into the summary now, whatever the size; None if too few turns."""
        history = self._load()
        return await self._compact(history) if history.turns else None

    def history(self) -> list[Message]:
        """The messages the next turn will see after the summary."""
        return self._load().messages

    # -- internals ---------------------------------------------------------------------------
    def _prompt(self, summary: str | None) -> PromptContext:
        return PromptContext(self._config.system_prompt, self._config.identity, summary)

    def _load(self) -> _History:
        if self._thread_id is None:
            return _History(None, [])
        summary = self._threads.latest_summary(self._thread_id)
        turns = self._threads.load_turns(self._thread_id)
        if summary is None:
            return _History(None, turns)
        return _History(summary.text, [t for t in turns if t.seq > summary.through_seq])

    def _needs_compaction(self, history: _History, text: str) -> bool:
        system = build_system_message(self._prompt(history.summary))
        prompt = [system, *history.messages, Message("user", text)]
        return self._compactor.needs_compaction(estimate_tokens(prompt, self._tools.schemas()))

    async def _compact(self, history: _History) -> CompactionResult | None:
        turns = [t.messages for t in history.turns]
        result = await self._compactor.compact(history.summary, turns)
        if result is None or self._thread_id is None:
            return None
        through = history.turns[result.summarised_turns - 1]
        self._threads.save_summary(self._thread_id, through.id, result.summary)
        logger.info("compacted %d turn(s) of thread %s", result.summarised_turns, self._thread_id)
        return result


def _title(text: str) -> str:
    first = " ".join(text.split())
    return first if len(first) <= 60 else first[:59] + "…"
