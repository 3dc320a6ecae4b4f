"""A ``ChatModel`` whose provider adapter, and with it the vendor SDK, is built on first use.

Importing the OpenAI SDK costs ~0.7 s and ~16 MB. The REPL's runtime takes this model so that
an idle prompt holds none of it: the REPL calls ``load`` from a worker thread once the user
starts typing, and a turn that comes first builds the adapter itself (off the event loop).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bastion.contracts.messages import Completion
    from bastion.contracts.ports import CompletionRequest, TextSink
    from bastion.providers.config import ProviderConfig
    from bastion.providers.factory import ClosableChatModel

__all__ = ["DeferredChatModel"]


class DeferredChatModel:
    """``ClosableChatModel`` over ``build(config)``, called at most once, on first need."""

    def __init__(
        self, config: ProviderConfig, build: Callable[[ProviderConfig], ClosableChatModel]
    ) -> None:
        self._config = config
        self._build = build
        self._model: ClosableChatModel | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        state = "loaded" if self._model is not None else "not loaded"
        return f"DeferredChatModel(model={self.model!r}, {state})"

    @property
    def model(self) -> str:
        return self._config.model

    @property
    def context_window(self) -> int:
        return self._config.context_window

    @property
    def circuit_state(self) -> str:
        return "closed" if self._model is None else self._model.circuit_state

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> ClosableChatModel:
        """Build the adapter now (any thread; a second caller waits for the first)."""
        with self._lock:
            if self._model is None:
                self._model = self._build(self._config)
            return self._model

    async def complete(
        self, request: CompletionRequest, on_text: TextSink | None = None
    ) -> Completion:
        model = self._model
        if model is None:
            model = await asyncio.to_thread(self.load)
        return await model.complete(request, on_text)

    async def aclose(self) -> None:
        if self._model is not None:
            await self._model.aclose()
