"""Building a ``ChatModel`` from a ``ProviderConfig``, and probing a provider for ``doctor``.

Importing this module is cheap: the vendor SDKs (hundreds of milliseconds each) load only when
a model is built or probed, so ``bastion --help`` never pays for them.
"""

from __future__ import annotations

from typing import Protocol

from bastion.contracts.ports import ChatModel
from bastion.providers.config import ProviderConfig
from bastion.providers.provider_probe import ProbeResult, probe

__all__ = ["ClosableChatModel", "ProbeResult", "build_chat_model", "probe"]


class ClosableChatModel(ChatModel, Protocol):
    """A ``ChatModel`` holding an HTTP connection pool: ``aclose`` it when done."""

    @property
    def circuit_state(self) -> str:
        """closed | open | half_open"""
        ...

    async def aclose(self) -> None: ...


def build_chat_model(config: ProviderConfig) -> ClosableChatModel:
    """The adapter for ``config.provider``. It opens no connection until its first call."""
    if config.provider == "anthropic":
        from bastion.providers.anthropic_chat import AnthropicChatModel

        return AnthropicChatModel(config)
    from bastion.providers.openai_chat import OpenAIChatModel

    return OpenAIChatModel(config)
