"""Builds a running Bastion from validated Settings: one function, small builders.

settings → database → vault → API key → provider config → chat model
         → security (wiring_security): leak detector, safety filter, audit log, approvals
         → workspace (wiring_memory), egress
         → tool registry: built-ins, memory tools, http tools; WASM tools after the dispatcher
         → dispatcher (taint guard → approval gate → approver; safety filter; recorder; audit)
         → Runtime (sessions for the REPL, one-shot chat and the gateway)
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from bastion.app.settings import Settings
from bastion.contracts.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from bastion.app.tool_wiring import WasmToolCatalog
    from bastion.app.wiring_security import Security
    from bastion.contracts.ports import ChatModel
    from bastion.egress import EgressClient
    from bastion.kernel.approval_prompt import ApprovalPromptFn
    from bastion.kernel.dispatcher import Dispatcher
    from bastion.kernel.hooks import CallRecorder
    from bastion.kernel.registry import ToolRegistry
    from bastion.kernel.taint import TaintTracker
    from bastion.memory.workspace import Workspace
    from bastion.providers.config import ProviderConfig
    from bastion.runner.session import ChatSession, SessionConfig
    from bastion.store.database import Database
    from bastion.store.repositories import ThreadRepository, ToolCallRepository
    from bastion.vault.vault import Vault

__all__ = [
    "NO_MODEL_MESSAGE",
    "Runtime",
    "build_dispatcher",
    "build_registry",
    "build_runtime",
    "provider_config",
    "session_config",
]

logger = logging.getLogger(__name__)

NO_MODEL_MESSAGE = "no model configured: set BASTION_LLM_MODEL or run `bastion onboard`"


@dataclass(slots=True)
class Runtime:
    """Everything a command or server needs, opened once; ``aclose`` releases it."""

    settings: Settings
    database: Database
    vault: Vault
    threads: ThreadRepository
    tool_calls: ToolCallRepository
    dispatcher: Dispatcher
    provider: ProviderConfig
    model: ChatModel
    security: Security
    workspace: Workspace
    tracker: TaintTracker
    egress: EgressClient | None = None
    catalog: WasmToolCatalog | None = None
    _models: list[ChatModel] = field(default_factory=list)

    def chat_model(self, name: str) -> ChatModel:
        """Another model of the same provider (the REPL's ``/model NAME``)."""
        from bastion.providers.factory import build_chat_model

        model = build_chat_model(replace(self.provider, model=name))
        self._models.append(model)
        return model

    def warm_up(self) -> None:
        """Load what the first turn needs and a deferred build left out (the provider SDK).
        Safe to call from a worker thread, and more than once."""
        from bastion.app.deferred_model import DeferredChatModel

        if isinstance(self.model, DeferredChatModel):
            self.model.load()

    def refresh_tools(self) -> None:
        """Pick up tools installed, changed or removed in the tools folder since the last turn."""
        if self.catalog is not None:
            self.catalog.sync(self.dispatcher.registry)

    def session(
        self,
        thread_id: str | None = None,
        channel: str = "cli",
        *,
        user: str = "local",
        shared_channel: bool = False,
    ) -> ChatSession:
        """A conversation on ``channel``; in a group or shared channel MEMORY.md stays out of
        the prompt."""
        from bastion.app.wiring_memory import identity_source
        from bastion.runner.session import ChatSession, SessionPorts

        security = self.security
        ports = SessionPorts(
            tracker=self.tracker,
            user_texts=security.user_texts,
            audit=security.audit,
            screen_user=security.screen_user,
            screen_output=security.screen_output,
            identity=identity_source(self.workspace, shared_channel=shared_channel),
            prompt_rule=security.safety_filter.boundaries.system_rule,
            before_turn=self.refresh_tools,
        )
        config = replace(session_config(self.settings, channel, identity=False), user=user)
        chat = ChatSession(self.model, self.dispatcher, self.threads, config, ports)
        if thread_id is not None:
            chat.open_thread(thread_id)
        return chat

    def set_secret(self, name: str, value: str, hosts: Sequence[str] = ()) -> None:
        """Store a secret while running: the vault keeps it, the detector redacts it at once."""
        from bastion.kernel.audit_events import record_secret_set

        self.vault.set(name, value, list(hosts))
        self.security.add_known_secret(value)
        record_secret_set(self.security.audit, name, hosts=hosts)

    async def aclose(self) -> None:
        for model in (self.model, *self._models):
            close = getattr(model, "aclose", None)  # adapters that hold an HTTP client
            if close is not None:
                await close()
        self.workspace.close()
        if self.catalog is not None:
            self.catalog.close()
        if self.egress is not None:
            self.egress.close()
        self.database.close()


def provider_config(settings: Settings, api_key: str | None) -> ProviderConfig:
    """The LLM as the provider adapters see it. Raises ``ConfigError`` when no model is set."""
    from bastion.providers.config import ProviderConfig

    llm = settings.llm
    if not llm.model:
        raise ConfigError(NO_MODEL_MESSAGE)
    return ProviderConfig(
        provider=llm.provider,
        model=llm.model,
        api_key=api_key,
        base_url=llm.base_url,
        timeout_s=llm.timeout_s,
        max_retries=llm.max_retries,
        circuit_failures=llm.circuit_failures,
        circuit_reset_s=llm.circuit_reset_s,
        context_window=llm.context_window,
        max_output_tokens=llm.max_output_tokens,
        price_input_per_mtok=llm.price_input_per_mtok,
        price_output_per_mtok=llm.price_output_per_mtok,
    )


def session_config(
    settings: Settings, channel: str = "cli", *, identity: bool = True
) -> SessionConfig:
    """``identity=False`` when the session reads its identity from the workspace instead of
    the files in ``$BASTION_HOME``."""
    from bastion.agent.context import DEFAULT_SYSTEM_PROMPT
    from bastion.runner.identity import load_identity
    from bastion.runner.session import SessionConfig

    agent = settings.agent
    return SessionConfig(
        channel=channel,
        system_prompt=agent.system_prompt or DEFAULT_SYSTEM_PROMPT,
        identity=load_identity(settings.home) if identity else (),
        max_iterations=agent.max_iterations,
        max_output_tokens=settings.llm.max_output_tokens,
        compaction_threshold=agent.compaction_threshold,
        keep_recent_turns=agent.keep_recent_turns,
    )


def build_registry(
    settings: Settings,
    *,
    workspace: Workspace | None = None,
    egress: EgressClient | None = None,
) -> ToolRegistry:
    """Every built-in tool the agent may call: the file tools, the memory tools over
    ``workspace`` and the http tools over ``egress`` (hosts from ``[tools] http_allow_hosts``).
    WASM tools join after the dispatcher exists (``attach_wasm_tools``), since they call back
    into it."""
    from bastion.kernel.builtins import builtin_executors
    from bastion.kernel.registry import ToolRegistry

    registry = ToolRegistry()
    for executor in builtin_executors(settings.files_dir):
        registry.register(executor)
    if workspace is not None:
        from bastion.kernel.builtins.memory_tools import memory_tools

        need_approval = settings.memory.identity_writes_need_approval
        for tool in memory_tools(workspace, identity_writes_need_approval=need_approval):
            registry.register(tool)
    hosts = settings.tools.http_allow_hosts
    if egress is not None and hosts:
        from bastion.kernel.builtins.http_tool import HttpPostTool, HttpTool

        methods = {m.upper() for m in settings.tools.http_allow_methods}
        registry.register(HttpTool(egress, hosts))
        if "POST" in methods:
            registry.register(HttpPostTool(egress, hosts))
    return registry


def build_dispatcher(
    settings: Settings,
    database: Database,
    registry: ToolRegistry,
    *,
    security: Security | None = None,
    ask: ApprovalPromptFn | None = None,
) -> Dispatcher:
    """The one door for tool calls. With ``security``: the taint guard before the approval
    gate, the approver (``ask`` answers inline, else requests stay pending for `bastion
    approvals`), the safety filter on every result, and the audit log."""
    from bastion.kernel.dispatcher import Dispatcher

    if security is None:
        return Dispatcher(
            registry,
            recorder=_call_recorder(database),
            output_cap_bytes=settings.tools.output_cap_bytes,
        )
    return Dispatcher(
        registry,
        guards=security.guards(),
        filters=[security.safety_filter],
        recorder=_call_recorder(database),
        audit=security.audit,
        approver=security.approver(ask),
        output_cap_bytes=settings.tools.output_cap_bytes,
    )


def _call_recorder(database: Database) -> CallRecorder:
    from bastion.app.bootstrap import tool_call_repository
    from bastion.kernel.call_recorder import StoreCallRecorder

    return StoreCallRecorder(tool_call_repository(database))


def build_runtime(
    settings: Settings, *, ask: ApprovalPromptFn | None = None, defer_model: bool = False
) -> Runtime:
    """Open everything for a chat. ``ConfigError`` (exit 2) names what to fix. ``ask`` is the
    REPL's inline approval prompt; without it approvals wait for `bastion approvals`. With
    ``defer_model`` the provider SDK loads on the first turn or ``Runtime.warm_up``, so a
    REPL waiting at its prompt does not hold it."""
    from bastion.app.bootstrap import llm_api_key, thread_repository, tool_call_repository
    from bastion.app.wiring_core import attach_wasm_tools, open_core
    from bastion.app.wiring_memory import import_home_identity, open_runtime_workspace
    from bastion.providers.factory import build_chat_model

    provider_config(settings, None)  # fail on a missing model before touching the disk
    with ExitStack() as closing:  # closes what was opened if a step fails
        core = open_core(settings, closing)
        database, security = core.database, core.security
        provider = provider_config(settings, llm_api_key(settings, core.vault))
        workspace = open_runtime_workspace(settings, database, security.write_screen())
        closing.callback(workspace.close)
        import_home_identity(settings, workspace)
        registry = build_registry(settings, workspace=workspace, egress=core.egress)
        dispatcher = build_dispatcher(settings, database, registry, security=security, ask=ask)
        catalog = attach_wasm_tools(settings, dispatcher, core, workspace, closing)
        model: ChatModel
        if defer_model:
            from bastion.app.deferred_model import DeferredChatModel

            model = DeferredChatModel(provider, build_chat_model)
        else:
            model = build_chat_model(provider)
        closing.pop_all()  # from here on Runtime.aclose owns them
    return Runtime(
        settings=settings,
        database=database,
        vault=core.vault,
        threads=thread_repository(database),
        tool_calls=tool_call_repository(database),
        dispatcher=dispatcher,
        provider=provider,
        model=model,
        security=security,
        workspace=workspace,
        tracker=security.tracker(registry),
        egress=core.egress,
        catalog=catalog,
    )
