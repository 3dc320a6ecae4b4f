"""What every SDK-backed ``ChatModel`` shares: the call guard (retries and circuit breaker), one
SDK client per event loop, the protocol's properties, and how stream failures are classified.
A vendor adapter supplies only its request body and its two ways of calling the SDK."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from bastion.contracts.messages import Completion
from bastion.contracts.ports import CompletionRequest, TextSink
from bastion.providers.call_guard import CallGuard
from bastion.providers.client_lifecycle import Closable, LoopBoundClient
from bastion.providers.config import ProviderConfig
from bastion.providers.failures import stream_failure, transport_failure

__all__ = ["SdkChatModel"]

ClientT = TypeVar("ClientT", bound=Closable)
SdkErrorT = TypeVar("SdkErrorT", bound=Exception)


class SdkChatModel(ABC, Generic[ClientT]):
    """One configured model over a vendor SDK. Use from one event loop; ``aclose`` at the end."""

    def __init__(
        self, config: ProviderConfig, endpoint: str, new_client: Callable[[], ClientT]
    ) -> None:
        self._config = config
        self._guard = CallGuard(config)
        self._guard.endpoint = endpoint
        self._clients: LoopBoundClient[ClientT] = LoopBoundClient(new_client)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model={self.model!r}, base_url={self._guard.endpoint!r})"

    @property
    def model(self) -> str:
        return self._config.model

    @property
    def context_window(self) -> int:
        return self._config.context_window

    @property
    def circuit_state(self) -> str:
        return self._guard.breaker.state

    async def aclose(self) -> None:
        await self._clients.aclose()

    async def complete(
        self, request: CompletionRequest, on_text: TextSink | None = None
    ) -> Completion:
        body = self._body(request)
        if on_text is None:
            return await self._guard.run(lambda: self._once(body))
        return await self._guard.run(lambda: self._streamed(body, on_text))

    @abstractmethod
    def _body(self, request: CompletionRequest) -> dict[str, Any]:
        """The vendor's request body for ``request``."""

    @abstractmethod
    async def _once(self, body: dict[str, Any]) -> Completion:
        """One whole-answer call."""

    @abstractmethod
    async def _streamed(self, body: dict[str, Any], on_text: TextSink) -> Completion:
        """One streamed call, text deltas to ``on_text``."""

    @contextmanager
    def _stream_errors(
        self,
        sdk_error: type[SdkErrorT],
        convert: Callable[[SdkErrorT], Exception],
        text_shown: Callable[[], bool],
    ) -> Iterator[None]:
        """Classify a failure while a stream is read. Once text has reached the user, nothing
        is retried (it would be shown twice)."""
        try:
            yield
        except sdk_error as exc:
            raise stream_failure(convert(exc), self._guard.endpoint, text_shown()) from exc
        except Exception as exc:  # the HTTP library's errors escape the SDK mid-stream
            transport = transport_failure(exc, self._config.timeout_s)
            if transport is None:
                raise
            raise stream_failure(transport, self._guard.endpoint, text_shown()) from exc
