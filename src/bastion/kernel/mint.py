"""The kernel's hold on the one ``Mint``: claimed here, at import, and never handed out.

``contracts.authorization.claim_mint`` gives the mint away exactly once per process. Importing
this module claims it, so any later claim (by a tool, a plugin, a test) is refused. Only the
dispatcher calls :func:`authorize_call`, after every guard, approval and limit has passed; an
executor then demands the resulting ``Authorized`` and spends it with ``consume()``.
"""

from __future__ import annotations

from collections.abc import Mapping

from bastion.contracts.authorization import Authorized, CallContext, claim_mint
from bastion.contracts.json_types import JsonValue

__all__ = ["authorize_call"]

_MINT = claim_mint()


def authorize_call(
    tool: str, arguments: Mapping[str, JsonValue], context: CallContext
) -> Authorized:
    """Mint a single-use permit for this exact call. The dispatcher is the only caller."""
    return _MINT.authorize(tool, arguments, context)
