"""Builds a running Bastion from validated Settings: one function, small builders.

    settings → database → vault → API key → provider config → chat model
             → tool registry + built-ins → dispatcher (recorder; later guards, filters, audit)
             → Runtime (sessions for the REPL, one-shot chat and the gateway)

Later layers (safety filters, approval guards, audit, WASM tools) attach in ``build_dispatcher``
and ``build_registry``; nothing else should need to change.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from bastion.app.settings import Settings
from bastion.contracts.errors import ConfigError

if TYPE_CHECKING:
    from bastion.contracts.ports import ChatModel
    from bastion.kernel.dispatcher import Dispatcher
    from bastion.kernel.hooks import CallRecorder
    from bastion.kernel.registry import ToolRegistry
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
    _models: list[ChatModel] = field(default_factory=list)

    def chat_model(self, name: str) -> ChatModel:
        """Another model of the same provider (the REPL's ``/model NAME``)."""
        from bastion.providers.factory import build_chat_model

        model = build_chat_model(replace(self.provider, model=name))
        self._models.append(model)
        return model

    def session(self, thread_id: str | None = None, channel: str = "cli") -> ChatSession:
        from bastion.runner.session import ChatSession

        chat = ChatSession(
            self.model, self.dispatcher, self.threads, session_config(self.settings, channel)
        )
        if thread_id is not None:
            chat.open_thread(thread_id)
        return chat

    async def aclose(self) -> None:
        for model in (self.model, *self._models):
            close = getattr(model, "aclose", None)  # adapters that hold an HTTP client
            if close is not None:
                await close()
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


def session_config(settings: Settings, channel: str = "cli") -> SessionConfig:
    from bastion.agent.context import DEFAULT_SYSTEM_PROMPT
    from bastion.runner.identity import load_identity
    from bastion.runner.session import SessionConfig

    agent = settings.agent
    return SessionConfig(
        channel=channel,
        system_prompt=agent.system_prompt or DEFAULT_SYSTEM_PROMPT,
        identity=load_identity(settings.home),
        max_iterations=agent.max_iterations,
        max_output_tokens=settings.llm.max_output_tokens,
        compaction_threshold=agent.compaction_threshold,
        keep_recent_turns=agent.keep_recent_turns,
    )


def build_registry(settings: Settings) -> ToolRegistry:
    """Every tool the agent may call. WASM and MCP tools register here too."""
    from bastion.kernel.builtins import builtin_executors
    from bastion.kernel.registry import ToolRegistry

    registry = ToolRegistry()
    for executor in builtin_executors(settings.files_dir):
        registry.register(executor)
    return registry


def build_dispatcher(settings: Settings, database: Database, registry: ToolRegistry) -> Dispatcher:
    """The one door for tool calls. Guards, filters, approver and audit attach here."""
    from bastion.kernel.dispatcher import Dispatcher

    return Dispatcher(
        registry,
        recorder=_call_recorder(database),
        output_cap_bytes=settings.tools.output_cap_bytes,
    )


def _call_recorder(database: Database) -> CallRecorder:
    from bastion.app.bootstrap import tool_call_repository
    from bastion.kernel.call_recorder import StoreCallRecorder

    return StoreCallRecorder(tool_call_repository(database))


def build_runtime(settings: Settings) -> Runtime:
    """Open everything for a chat. ``ConfigError`` (exit 2) names what to fix."""
    from bastion.app.bootstrap import (
        llm_api_key,
        open_database,
        open_vault,
        thread_repository,
        tool_call_repository,
    )
    from bastion.providers.factory import build_chat_model

    provider_config(settings, None)  # fail on a missing model before touching the disk
    database = open_database(settings)
    try:
        vault = open_vault(settings, database)
        provider = provider_config(settings, llm_api_key(settings, vault))
        dispatcher = build_dispatcher(settings, database, build_registry(settings))
        model = build_chat_model(provider)
    except BaseException:
        database.close()
        raise
    return Runtime(
        settings=settings,
        database=database,
        vault=vault,
        threads=thread_repository(database),
        tool_calls=tool_call_repository(database),
        dispatcher=dispatcher,
        provider=provider,
        model=model,
    )
