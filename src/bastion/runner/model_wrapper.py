"""``ModelWrapper``: the part every ``ChatModel`` wrapper of the runner shares.

A wrapper answers ``model`` and ``context_window`` for the model it wraps and adds its own work
around ``complete`` (auditing, durability).
"""

from __future__ import annotations

from bastion.contracts.ports import ChatModel

__all__ = ["ModelWrapper"]


class ModelWrapper:
    """Forwards the ``ChatModel`` properties to ``self._model``; subclasses define ``complete``."""

    def __init__(self, model: ChatModel) -> None:
        self._model = model

    @property
    def model(self) -> str:
        return self._model.model

    @property
    def context_window(self) -> int:
        return self._model.context_window
