"""``ChatSession``: one conversation's host. Loads history, runs the loop, saves the turn.

The REPL, one-shot chat and the gateway all talk to the agent through this object. Each turn is
saved with ONE ``append_turn`` call (one transaction), so a crash loses at most the turn that
was running; a model error saves nothing; an interrupted turn is saved in its consistent form
(see ``bastion.agent.turn``). A turn runs inside ``ThreadRepository.deferred_sync()``: one fsync
per tool round and one at the turn's commit, instead of one per audit entry and tool-call record.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bastion.agent.compaction import (
    CompactionResult,
    Compactor,
    estimate_tokens,
    plan_compaction,
)
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
from bastion.contracts.messages import Message, ToolCallRequest, Usage
from bastion.contracts.ports import ChatModel, ToolPort, ToolResult, TurnObserver
from bastion.kernel.audit_events import record_user_input
from bastion.kernel.hooks import AuditSink
from bastion.kernel.taint import StoredUserTexts, TaintTracker
from bastion.runner.audited_model import AuditedModel
from bastion.runner.durable_model import SyncedFollowUps
from bastion.runner.memory_flush import flush_memory, wants_flush
from bastion.runner.output_screen import ScreenedStream, screen_call, screen_turn_messages
from bastion.store.repositories import StoredTurn, ThreadRepository

__all__ = ["ChatSession", "SessionConfig", "SessionPorts", "TurnOutcome", "UserScreen"]

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
    memory_flush: bool = True  # a silent memory_write turn before compaction, if the tool exists


# A user message -> (the text the model may see, one line for the user or None).
UserScreen = Callable[[str], tuple[str, str | None]]


@dataclass(frozen=True, slots=True)
class SessionPorts:
    """The kernel and safety services a session uses around each turn; the wiring fills them.

    Every field is optional so a bare session (tests, benchmarks) still runs.
    """

    tracker: TaintTracker | None = None  # taint from the context window (else tool results)
    user_texts: StoredUserTexts | None = None  # the TaintGuard's view of the user's words
    audit: AuditSink | None = None  # user inputs and LLM exchanges
    screen_user: UserScreen | None = None  # leak scan of the user's message
    screen_output: Callable[[str], str] | None = None  # leak scan of what the model writes
    identity: Callable[[], tuple[IdentityDocument, ...]] | None = None  # read per turn
    prompt_rule: Callable[[str], str] | None = None  # turn id -> the wrapper's standing rule
    before_turn: Callable[[], None] | None = None  # e.g. reload the tools folder


@dataclass(frozen=True, slots=True)
class TurnOutcome:
    thread_id: str
    turn_id: str
    result: TurnResult
    compaction: CompactionResult | None = None
    notices: tuple[str, ...] = field(default=())  # told to the user (e.g. a redacted paste)
    # The turn's tool calls as a channel may show them (arguments leak-scanned); None: as made.
    shown_calls: tuple[ToolCallRequest, ...] | None = None

    @property
    def tool_calls(self) -> tuple[ToolCallRequest, ...]:
        """The turn's tool calls to show."""
        return self.result.tool_calls if self.shown_calls is None else self.shown_calls

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
        ports: SessionPorts | None = None,
    ) -> None:
        self._tools = tools
        self._threads = threads
        self._config = config or SessionConfig()
        self._ports = ports or SessionPorts()
        # Without the registry's view, taint still follows results the kernel marked tainted.
        self._tracker = self._ports.tracker or TaintTracker(lambda _name: False)
        self._thread_id: str | None = None
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

    def new_thread(self) -> None:
        """Start a fresh conversation; the thread is created when its first turn is saved."""
        self._thread_id = None

    def set_model(self, model: ChatModel) -> None:
        self._set_model(model)

    def _set_model(self, model: ChatModel) -> None:
        self._model = model
        cfg = self._config
        self._compactor = Compactor(model, cfg.compaction_threshold, cfg.keep_recent_turns)

    def _audited(self, context: CallContext) -> ChatModel:
        audit = self._ports.audit
        model = self._model if audit is None else AuditedModel(self._model, audit, context)
        return SyncedFollowUps(model, self._threads.sync)

    def _loop(self, context: CallContext) -> AgentLoop:
        cfg = self._config
        return AgentLoop(
            self._audited(context),
            self._tools,
            LoopSettings(cfg.max_iterations, cfg.max_output_tokens),
        )

    # -- turns -------------------------------------------------------------------------------
    async def send(self, text: str, observer: TurnObserver | None = None) -> TurnOutcome:
        """Run one turn and save it. ``LLMError`` propagates with nothing saved."""
        if not text.strip():
            raise UsageError("empty message")
        # The writes on the way (audit entries, tool-call records) skip their own fsync; the
        # turn's commit fsyncs them all (or the scope's end, when the turn fails), and so does
        # each model call that follows tool calls (SyncedFollowUps).
        with self._threads.deferred_sync():
            return await self._send(text, observer)

    async def _send(self, text: str, observer: TurnObserver | None) -> TurnOutcome:
        ports = self._ports
        if ports.before_turn is not None:
            ports.before_turn()
        text, notices = self._screen_user(text, observer)
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
        context = CallContext(
            thread_id=thread_id,
            channel=self._config.channel,
            user=self._config.user,
            turn_id=turn_id,
        )
        context = self._tracker.apply(context, history.messages)
        if ports.audit is not None:
            record_user_input(ports.audit, context, text)
        watched, stream = self._watched(observer)
        if ports.user_texts is not None:
            ports.user_texts.begin_turn(thread_id, text)
        try:
            result = await self._loop(context).run_turn(
                text,
                history=history.messages,
                context=context,
                prompt=self._prompt(history.summary, turn_id),
                observer=watched,
            )
        finally:
            if ports.user_texts is not None:
                ports.user_texts.end_turn(thread_id)
            if stream is not None:
                stream.flush()
        if ports.screen_output is not None:
            result = screen_turn_messages(result, ports.screen_output)
        self._threads.append_turn(
            thread_id, result.messages, result.usage, result.model, turn_id=turn_id
        )
        self._note_taint(thread_id, result.tool_results)
        screen = self._ports.screen_output
        shown = (
            None
            if screen is None
            else tuple(screen_call(call, screen) for call in result.tool_calls)
        )
        return TurnOutcome(thread_id, turn_id, result, compaction, notices, shown)

    def _screen_user(self, text: str, observer: TurnObserver | None) -> tuple[str, tuple[str, ...]]:
        if self._ports.screen_user is None:
            return text, ()
        screened, notice = self._ports.screen_user(text)
        if notice is None:
            return screened, ()
        if observer is not None and observer.on_notice is not None:
            observer.on_notice(notice)
        return screened, (notice,)

    def _watched(
        self, observer: TurnObserver | None
    ) -> tuple[TurnObserver | None, ScreenedStream | None]:
        """The observer with its text stream behind the leak screen (flushed at each tool call
        and notice, so text appears in order), and the tool calls it is shown screened too."""
        screen = self._ports.screen_output
        if observer is None or screen is None:
            return observer, None
        stream = None if observer.on_text is None else ScreenedStream(observer.on_text, screen)
        on_tool_start = observer.on_tool_start
        on_notice = observer.on_notice

        def tool_start(call: ToolCallRequest) -> None:
            if stream is not None:
                stream.flush()
            if on_tool_start is not None:
                on_tool_start(screen_call(call, screen))

        def notice(line: str) -> None:
            if stream is not None:
                stream.flush()
            if on_notice is not None:
                on_notice(line)

        watched = replace(observer, on_tool_start=tool_start, on_notice=notice)
        if stream is not None:
            watched = replace(watched, on_text=stream)
        return watched, stream

    def _note_taint(self, thread_id: str, results: tuple[ToolResult, ...]) -> None:
        for result in results:
            if result.tainted:
                self._tracker.note_result(thread_id, result.call_id, result.name, result.tainted_by)

    def undo(self) -> bool:
        """Take back the newest turn (kept in the store, no longer in the history)."""
        if self._thread_id is None:
            return False
        return self._threads.undo_last_turn(self._thread_id) is not None

    async def compact(self) -> CompactionResult | None:
        """Fold older turns into the summary now, whatever the size; None if too few turns."""
        with self._threads.deferred_sync():
            history = self._load()
            return await self._compact(history) if history.turns else None

    def history(self) -> list[Message]:
        """The messages the next turn will see after the summary."""
        return self._load().messages

    # -- internals ---------------------------------------------------------------------------
    def _prompt(self, summary: str | None, turn_id: str | None = None) -> PromptContext:
        ports = self._ports
        identity = ports.identity() if ports.identity is not None else self._config.identity
        system = self._config.system_prompt
        if ports.prompt_rule is not None and turn_id is not None:
            system = f"{system.strip()}\n\n{ports.prompt_rule(turn_id)}"
        return PromptContext(system, identity, summary)

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
        if self._thread_id is None:
            return None
        context = self._tracker.apply(
            CallContext(
                thread_id=self._thread_id,
                channel=self._config.channel,
                user=self._config.user,
                turn_id=f"compaction-{uuid.uuid4().hex[:12]}",
            ),
            history.messages,
        )
        cfg = self._config
        turns = [t.messages for t in history.turns]
        if plan_compaction(turns, cfg.keep_recent_turns) is None:
            return None
        if cfg.memory_flush and wants_flush(self._tools):
            prompt = self._prompt(history.summary, context.turn_id)
            await flush_memory(self._loop(context), history.messages, context, prompt)
        compactor = Compactor(
            self._audited(context), cfg.compaction_threshold, cfg.keep_recent_turns
        )
        result = await compactor.compact(history.summary, turns)
        if result is None:
            return None
        through = history.turns[result.summarised_turns - 1]
        self._threads.save_summary(self._thread_id, through.id, result.summary)
        logger.info("compacted %d turn(s) of thread %s", result.summarised_turns, self._thread_id)
        return result


def _title(text: str) -> str:
    first = " ".join(text.split())
    return first if len(first) <= 60 else first[:59] + "…"
