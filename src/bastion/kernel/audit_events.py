"""Typed helpers for every kind of audit event, so callers never hand-build payloads.

Each helper takes an ``AuditSink`` (normally the ``AuditLog``, which redacts again on append)
and plain values. Secrets appear by name only; model and tool text appears as a SHA-256 plus a
bounded, redacted excerpt.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from enum import StrEnum

from bastion.contracts.authorization import CallContext, canonical_json
from bastion.contracts.json_types import JsonValue
from bastion.contracts.messages import Completion, Message
from bastion.kernel.hooks import AuditSink, CallRecord, ProposedCall
from bastion.store.approvals import ApprovalRequest, Decider

__all__ = [
    "AuditKind",
    "record_approval_consumed",
    "record_approval_decided",
    "record_approval_requested",
    "record_llm_exchange",
    "record_secret_removed",
    "record_secret_set",
    "record_tool_call",
    "record_tool_installed",
    "record_tool_removed",
    "record_user_input",
    "sha256_text",
]

_EXCERPT_CHARS = 2000  # enough to read what happened; the hash pins the whole text


class AuditKind(StrEnum):
    USER_INPUT = "user.input"
    LLM_EXCHANGE = "llm.exchange"
    TOOL_CALL = "tool.call"
    APPROVAL_REQUESTED = "approval.requested"
    APPROVAL_DECIDED = "approval.decided"
    APPROVAL_CONSUMED = "approval.consumed"
    SECRET_SET = "secret.set"  # noqa: S105 - an event kind, not a password
    SECRET_REMOVED = "secret.removed"  # noqa: S105 - an event kind
    TOOL_INSTALLED = "tool.installed"
    TOOL_REMOVED = "tool.removed"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _excerpt(text: str) -> str:
    return text if len(text) <= _EXCERPT_CHARS else text[:_EXCERPT_CHARS] + "…"


def _context(context: CallContext) -> dict[str, JsonValue]:
    return {
        "thread": context.thread_id,
        "channel": context.channel,
        "user": context.user,
        "turn": context.turn_id,
        "tainted": context.tainted,
        "tainted_by": context.tainted_by,
    }


def record_user_input(sink: AuditSink, context: CallContext, text: str) -> None:
    sink.append(
        AuditKind.USER_INPUT,
        {**_context(context), "text_sha256": sha256_text(text), "text": _excerpt(text)},
    )


def _messages_digest(messages: Sequence[Message]) -> str:
    material: list[JsonValue] = [
        [m.role, m.content, [[c.id, c.name, c.arguments_json] for c in m.tool_calls], m.name]
        for m in messages
    ]
    return sha256_text(canonical_json(material))


def record_llm_exchange(
    sink: AuditSink, context: CallContext, request: Sequence[Message], completion: Completion
) -> None:
    """One model call: a hash of the whole prompt, the answer's hash and redacted text."""
    answer = completion.message
    sink.append(
        AuditKind.LLM_EXCHANGE,
        {
            **_context(context),
            "model": completion.model,
            "request_sha256": _messages_digest(request),
            "request_messages": len(request),
            "response_sha256": _messages_digest([answer]),
            "response_text": _excerpt(answer.content),
            "tool_calls": [{"name": c.name, "id": c.id} for c in answer.tool_calls],
            "finish_reason": completion.finish_reason,
            "input_tokens": completion.usage.input_tokens,
            "output_tokens": completion.usage.output_tokens,
        },
    )


def record_tool_call(sink: AuditSink, record: CallRecord) -> None:
    """A finished (or refused) tool call: arguments, result hash, safety decisions, approval."""
    call = record.call
    sink.append(
        AuditKind.TOOL_CALL,
        {
            **_context(call.context),
            "call_id": call.call_id,
            "tool": call.spec.name,
            "arguments": dict(call.arguments),
            "arguments_sha256": call.digest,
            "ok": record.ok,
            "result_sha256": sha256_text(record.result_text),
            "duration_ms": round(record.duration_ms, 3),
            "decisions": [[rule, action] for rule, action in record.decisions],
            "error": record.error,
            "approval_id": record.approval_id,
        },
    )


def _request_fields(request: ApprovalRequest) -> dict[str, JsonValue]:
    binding = request.binding
    return {
        "approval_id": request.id,
        "thread": binding.thread_id,
        "channel": binding.channel,
        "user": binding.user,
        "tool": binding.tool,
        "arguments_sha256": binding.digest,
        "state": request.state.value,
    }


def record_approval_requested(sink: AuditSink, request: ApprovalRequest) -> None:
    sink.append(
        AuditKind.APPROVAL_REQUESTED,
        {**_request_fields(request), "reason": request.reason, "summary": request.summary},
    )


def record_approval_decided(
    sink: AuditSink, request: ApprovalRequest, decider: Decider, *, refused: str = ""
) -> None:
    """A decision, or a refused attempt to decide (``refused`` says why): both are evidence."""
    sink.append(
        AuditKind.APPROVAL_DECIDED,
        {
            **_request_fields(request),
            "by_channel": decider.channel,
            "by_user": decider.user,
            "by_thread": decider.thread_id,
            "via": decider.via,
            "refused": refused or None,
        },
    )


def record_approval_consumed(sink: AuditSink, approval_id: str, call: ProposedCall) -> None:
    sink.append(
        AuditKind.APPROVAL_CONSUMED,
        {
            **_context(call.context),
            "approval_id": approval_id,
            "call_id": call.call_id,
            "tool": call.spec.name,
            "arguments_sha256": call.digest,
        },
    )


def record_secret_set(sink: AuditSink, name: str, *, hosts: Sequence[str] = ()) -> None:
    """Names and host patterns only: the value never comes near this function."""
    sink.append(AuditKind.SECRET_SET, {"name": name, "hosts": list(hosts)})


def record_secret_removed(sink: AuditSink, name: str) -> None:
    sink.append(AuditKind.SECRET_REMOVED, {"name": name})


def record_tool_installed(sink: AuditSink, name: str, *, sha256: str, kind: str = "wasm") -> None:
    sink.append(AuditKind.TOOL_INSTALLED, {"name": name, "sha256": sha256, "kind": kind})


def record_tool_removed(sink: AuditSink, name: str) -> None:
    sink.append(AuditKind.TOOL_REMOVED, {"name": name})
