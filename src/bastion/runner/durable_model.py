"""``SyncedFollowUps``: a ``ChatModel`` that makes the store durable before each follow-up call.

Inside a turn the store's writes skip their own fsync (``ThreadRepository.deferred_sync``) and
the turn's commit makes them durable. A model call after the first one follows tool calls, whose
effects may already be outside (a POST, a file write); their tool-call records and audit entries
are fsynced before the agent waits on the model again, so a power cut during that wait cannot
erase the evidence. One fsync per tool round; none when nothing is pending.
"""

from __future__ import annotations

from collections.abc import Callable

from bastion.contracts.messages import Completion
from bastion.contracts.ports import ChatModel, CompletionRequest, TextSink
from bastion.runner.model_wrapper import ModelWrapper

__all__ = ["SyncedFollowUps"]


class SyncedFollowUps(ModelWrapper):
    """Wraps ``model`` for the calls of one turn; ``sync`` makes every write so far durable."""

    def __init__(self, model: ChatModel, sync: Callable[[], None]) -> None:
        super().__init__(model)
        self._sync = sync
        self._calls = 0

    async def complete(
        self, request: CompletionRequest, on_text: TextSink | None = None
    ) -> Completion:
        if self._calls:
            self._sync()
        self._calls += 1
        return await self._model.complete(request, on_text=on_text)
