"""One SDK client per event loop, closed when that loop shuts down.

An SDK client pools keep-alive connections, and those belong to the event loop that opened
them. A REPL may run each turn in its own ``asyncio.run``; reusing the pool in the next loop
fails, and abandoning it leaks sockets. So the client is tied to its loop: a suspended async
generator holds it, and ``asyncio.run`` (like ``asyncio.Runner``) closes every unfinished
async generator while shutting the loop down (``loop.shutdown_asyncgens``), which closes the
client inside its own loop, in time.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Callable
from typing import Generic, Protocol, TypeVar

__all__ = ["LoopBoundClient"]


class Closable(Protocol):
    async def close(self) -> None: ...


C = TypeVar("C", bound=Closable)


async def _close_at_loop_shutdown(client: Closable) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        await _close_quietly(client)


async def _close_quietly(client: Closable) -> None:
    # A client whose loop already ended cannot close its sockets through that loop; marking
    # it closed still matters, or its finaliser retries on whatever loop runs next.
    with contextlib.suppress(RuntimeError):
        await client.close()


class LoopBoundClient(Generic[C]):
    def __init__(self, factory: Callable[[], C]) -> None:
        self._factory = factory
        self._client: C | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._keeper: AsyncGenerator[None, None] | None = None

    async def get(self) -> C:
        loop = asyncio.get_running_loop()
        if self._client is not None and self._loop is not loop:
            await self.aclose()  # its loop ended without closing it (no shutdown_asyncgens)
        if self._client is None:
            client = self._factory()
            keeper = _close_at_loop_shutdown(client)
            await keeper.asend(None)  # suspended at the yield: the loop now tracks it
            self._client, self._loop, self._keeper = client, loop, keeper
            return client
        return self._client

    async def aclose(self) -> None:
        client, keeper = self._client, self._keeper
        self._client, self._loop, self._keeper = None, None, None
        if keeper is not None:
            await keeper.aclose()  # runs its finally: closes the client
        elif client is not None:
            await _close_quietly(client)
