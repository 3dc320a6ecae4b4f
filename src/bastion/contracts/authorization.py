"""``Authorized``: the proof an executor demands before it runs anything.

Only the holder of the one ``Mint`` can create an ``Authorized`` value, and the kernel claims the
mint when it is imported, so no other code can obtain one. Each value is bound to one exact call
(tool name and SHA-256 of the canonical arguments) and can be consumed exactly once: an executor
calls ``consume()`` first, and a replayed or forged value raises.

Python cannot make this tamper-proof against code that goes out of its way (it can read any
object), but it makes the safe path the only *ordinary* one, which is what the type is for.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from bastion.contracts.errors import CapabilityDenied
from bastion.contracts.json_types import JsonValue

__all__ = ["Authorized", "CallContext", "Mint", "arguments_digest", "canonical_json", "claim_mint"]


def canonical_json(value: JsonValue) -> str:
    """The one canonical serialisation used for hashing arguments (sorted keys, no spaces)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def arguments_digest(arguments: Mapping[str, JsonValue]) -> str:
    return hashlib.sha256(canonical_json(dict(arguments)).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class CallContext:
    """Who is asking, from where: an approval and an audit record are bound to these."""

    thread_id: str
    channel: str = "cli"
    user: str = "local"
    turn_id: str | None = None
    depth: int = 0  # nesting of tool-invoke calls
    tainted: bool = False
    tainted_by: str | None = None  # one line: what made the thread tainted


class Authorized:
    """A single-use permit for one exact tool call."""

    __slots__ = ("_consumed", "_lock", "_tag", "arguments", "context", "digest", "tool")

    def __init__(
        self,
        tool: str,
        arguments: Mapping[str, JsonValue],
        context: CallContext,
        *,
        _tag: bytes,
    ) -> None:
        self.tool = tool
        self.arguments = dict(arguments)
        self.context = context
        self.digest = arguments_digest(self.arguments)
        self._tag = _tag
        self._consumed = False
        self._lock = threading.Lock()

    def consume(self) -> None:
        """Verify the permit is genuine and unused, then spend it. Executors call this first."""
        if _MINT_KEY is None or not hmac.compare_digest(
            self._tag, _tag_for(_MINT_KEY, self.tool, self.digest)
        ):
            raise CapabilityDenied("execute", "forged authorization")
        if arguments_digest(self.arguments) != self.digest:
            raise CapabilityDenied("execute", "arguments changed after authorization")
        with self._lock:
            if self._consumed:
                raise CapabilityDenied("execute", "authorization already used")
            self._consumed = True

    def __repr__(self) -> str:
        return f"Authorized(tool={self.tool!r}, digest={self.digest[:12]}…)"


_MINT_KEY: bytes | None = None
_MINT_LOCK = threading.Lock()


def _tag_for(key: bytes, tool: str, digest: str) -> bytes:
    return hmac.new(key, f"{tool}\x00{digest}".encode(), hashlib.sha256).digest()


class Mint:
    """Creates ``Authorized`` values. There is only ever one, held by the kernel."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        self._key = key

    def authorize(
        self, tool: str, arguments: Mapping[str, JsonValue], context: CallContext
    ) -> Authorized:
        digest = arguments_digest(dict(arguments))
        return Authorized(tool, arguments, context, _tag=_tag_for(self._key, tool, digest))


def claim_mint() -> Mint:
    """Hand out the mint once per process; every later claim is refused."""
    global _MINT_KEY  # noqa: PLW0603 - the process-wide mint is the point
    with _MINT_LOCK:
        if _MINT_KEY is not None:
            raise CapabilityDenied("mint", "the kernel already holds the mint")
        _MINT_KEY = secrets.token_bytes(32)
        return Mint(_MINT_KEY)
