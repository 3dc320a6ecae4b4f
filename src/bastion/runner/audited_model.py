"""``AuditedModel``: a ``ChatModel`` that appends every exchange to the audit log.

The agent loop does no I/O and knows nothing of the audit log, so the runner hands it this
wrapper instead of the bare model. Each completed call is one ``llm.exchange`` event (hashes of
the prompt and answer plus the answer's redacted text); a failed call records nothing here, the
error reaches the user.
"""

from __future__ import annotations

from bastion.contracts.authorization import CallContext
from bastion.contracts.messages import Completion
from bastion.contracts.ports import ChatModel, CompletionRequest, TextSink
from bastion.kernel.audit_events import record_llm_exchange
from bastion.kernel.hooks import AuditSink
from bastion.runner.model_wrapper import ModelWrapper

__all__ = ["AuditedModel"]


class AuditedModel(ModelWrapper):
    """Wraps ``model`` for the calls made under one ``context`` (one turn or compaction)."""

    def __init__(self, model: ChatModel, audit: AuditSink, context: CallContext) -> None:
        super().__init__(model)
        self._audit = audit
        self._context = context

    async def complete(
        self, request: CompletionRequest, on_text: TextSink | None = None
    ) -> Completion:
        completion = await self._model.complete(request, on_text=on_text)
        record_llm_exchange(self._audit, self._context, request.messages, completion)
        return completion
