"""``http`` and ``http_post``: the agent's own HTTP client, over egress.

Only hosts in settings' ``[tools] http_allow_hosts`` are reachable (same patterns as a manifest,
optionally ``host:port``), under every egress rule: HTTPS unless allowed, address rules on each
resolved IP and redirect hop, size and time bounds, leak scan. The response is outside content,
so it taints the thread. The dispatcher decides approval from a tool's static spec, so the
write half is its own tool: ``http_post`` is a network write that needs approval unless the user
auto-approved it, while a ``GET`` through ``http`` does not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bastion.contracts.errors import ToolError
from bastion.contracts.json_types import JsonObject, JsonValue
from bastion.contracts.tools import (
    ApprovalRequirement,
    RiskLevel,
    SideEffect,
    ToolOutput,
    ToolSchema,
    ToolSpec,
)
from bastion.egress import (
    AllowRule,
    EgressClient,
    EgressGrant,
    EgressRequest,
    NetworkError,
    validate_host_pattern,
)
from bastion.kernel.builtins.builtin_tool import BuiltinTool

__all__ = ["HttpPostTool", "HttpTool", "allow_rules"]

_MAX_TEXT_CHARS = 100_000
_URL: JsonObject = {
    "type": "string",
    "maxLength": 4096,
    "description": "Full URL, https:// unless allowed.",
}
_HEADERS: JsonObject = {
    "type": "object",
    "additionalProperties": {"type": "string", "maxLength": 4096},
    "maxProperties": 32,
    "description": "Extra request headers.",
}


def allow_rules(hosts: Sequence[str], method: str) -> tuple[AllowRule, ...]:
    """``host`` or ``host:port`` entries -> allowlist rules for one method."""
    rules = []
    for entry in hosts:
        host, _, port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        rules.append(
            AllowRule(validate_host_pattern(host), int(port) if port else None, None, (method,))
        )
    return tuple(rules)


def _render(status: int, headers: tuple[tuple[str, str], ...], body: bytes) -> str:
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
    text = body.decode("utf-8", "replace")
    if len(text) > _MAX_TEXT_CHARS:
        text = (
            text[:_MAX_TEXT_CHARS] + f"\n[truncated: {len(text) - _MAX_TEXT_CHARS} more characters]"
        )
    return f"HTTP {status} {content_type}\n\n{text}"


class _HttpBase(BuiltinTool):
    _method = "GET"

    def __init__(self, egress: EgressClient, hosts: Sequence[str]) -> None:
        self._egress = egress
        self._grant = EgressGrant(allow_rules(hosts, self._method))

    async def run(self, arguments: Mapping[str, JsonValue]) -> ToolOutput:
        headers = arguments.get("headers") or {}
        body = arguments.get("body")
        request = EgressRequest(
            method=self._method,
            url=str(arguments["url"]),
            headers=tuple((str(k), str(v)) for k, v in headers.items())
            if isinstance(headers, dict)
            else (),
            body=body.encode() if isinstance(body, str) else None,
        )
        try:
            response = await self._egress.fetch_async(request, self._grant)
        except NetworkError as exc:
            raise ToolError(str(exc)) from exc
        text = _render(response.status, response.headers, response.body)
        return ToolOutput(200 <= response.status < 400, text)


class HttpTool(_HttpBase):
    """GET a page or API response from an allowlisted host."""

    _spec = ToolSpec(
        ToolSchema(
            "http",
            "GET a URL on a host the user allowlisted in settings; returns status, content type "
            "and the body as text. Other hosts, private addresses and plain http are refused.",
            {"type": "object", "properties": {"url": _URL, "headers": _HEADERS},
             "required": ["url"], "additionalProperties": False},
        ),
        reads_outside_content=True,
        timeout_s=60.0,
    )  # fmt: skip


class HttpPostTool(_HttpBase):
    """POST to an allowlisted host: a network write, approved by the user."""

    _method = "POST"
    _spec = ToolSpec(
        ToolSchema(
            "http_post",
            "POST a text body to a URL on a host the user allowlisted in settings; needs the "
            "user's approval unless they auto-approved it. Returns status and body as text.",
            {"type": "object", "properties": {"url": _URL, "headers": _HEADERS,
             "body": {"type": "string", "maxLength": 1_000_000}}, "required": ["url"],
             "additionalProperties": False},
        ),
        risk=RiskLevel.MEDIUM,
        approval=ApprovalRequirement.UNLESS_AUTO_APPROVED,
        side_effects=frozenset({SideEffect.NETWORK_WRITE}),
        reads_outside_content=True,
        timeout_s=60.0,
    )  # fmt: skip
