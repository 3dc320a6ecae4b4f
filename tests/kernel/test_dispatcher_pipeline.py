"""The dispatcher's stages run in the documented order, and each hook sees what it should."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from dispatch_fakes import (
    FixedApprover,
    Journal,
    ListAudit,
    ListRecorder,
    RecordingFilter,
    RecordingGuard,
    ScriptedTool,
)

from bastion.contracts.authorization import CallContext, arguments_digest
from bastion.contracts.errors import (
    ApprovalDenied,
    CapabilityDenied,
    LeakBlocked,
    LimitExceeded,
    ToolError,
)
from bastion.contracts.json_types import JsonValue
from bastion.contracts.messages import ToolCallRequest
from bastion.contracts.tools import Denial, ToolOutput
from bastion.kernel.dispatcher import Dispatcher
from bastion.kernel.hooks import ApprovalOutcome, GuardDecision, GuardVerdict
from bastion.kernel.registry import ToolRegistry

CONTEXT = CallContext(thread_id="thread-1", channel="cli", user="alice", turn_id="turn-1")


def _request(arguments: str = '{"text": "hello"}', name: str = "say") -> ToolCallRequest:
    return ToolCallRequest("call-1", name, arguments)


def _dispatcher(
    journal: Journal, tool: ScriptedTool, **kwargs: object
) -> tuple[Dispatcher, ListRecorder, ListAudit]:
    registry = ToolRegistry()
    registry.register(tool)
    recorder, audit = ListRecorder(journal), ListAudit(journal)
    dispatcher = Dispatcher(registry, recorder=recorder, audit=audit, **kwargs)  # type: ignore[arg-type]
    return dispatcher, recorder, audit


@pytest.mark.anyio
async def test_stages_run_in_order_and_the_model_reads_the_filtered_text() -> None:
    journal = Journal()
    tool = ScriptedTool()
    guards = [RecordingGuard(journal, "policy"), RecordingGuard(journal, "taint")]
    filters = [
        RecordingFilter(journal, "leak", transform=lambda text: text.replace("hello", "[X]")),
        RecordingFilter(journal, "wrap", transform=lambda text: f"<out>{text}</out>"),
    ]
    dispatcher, recorder, audit = _dispatcher(journal, tool, guards=guards, filters=filters)

    result = await dispatcher.call(_request(), CONTEXT)

    assert result.ok
    assert result.content == "<out>[X]</out>"
    assert journal.events == [
        "guard:policy",
        "guard:taint",
        "filter:leak",
        "filter:wrap",
        "record",
        "audit",
    ]
    assert filters[1].seen == ["[X]"]  # the second filter sees the first one's output
    assert tool.ran == [{"text": "hello"}]
    (record,) = recorder.records
    assert record.result_text == "<out>[X]</out>"
    assert record.decisions == (("leak", "pass"), ("wrap", "pass"))
    assert record.call.digest == arguments_digest({"text": "hello"})
    kind, payload = audit.entries[0]
    assert kind == "tool_call"
    assert payload["outcome"] == "ok"
    assert payload["user"] == "alice"
    assert payload["digest"] == arguments_digest({"text": "hello"})


@pytest.mark.anyio
async def test_the_audit_payload_never_carries_arguments_or_output() -> None:
    journal = Journal()
    secret = "sk-live-THIS-MUST-NOT-BE-AUDITED"
    dispatcher, _, audit = _dispatcher(journal, ScriptedTool())
    await dispatcher.call(_request(f'{{"text": "{secret}"}}'), CONTEXT)
    assert secret not in repr(audit.entries)


@pytest.mark.anyio
async def test_the_first_non_allow_guard_wins_and_nothing_runs() -> None:
    journal = Journal()
    tool = ScriptedTool()
    deny = GuardDecision(GuardVerdict.DENY, reason="writes are off", rule="policy.no_writes")
    guards = [
        RecordingGuard(journal, "allow"),
        RecordingGuard(journal, "deny", deny),
        RecordingGuard(journal, "never-asked"),
    ]
    dispatcher, recorder, _ = _dispatcher(journal, tool, guards=guards)

    result = await dispatcher.call(_request(), CONTEXT)

    assert not result.ok
    assert result.refused
    assert "writes are off" in result.content
    assert tool.ran == []
    assert journal.events == ["guard:allow", "guard:deny", "record", "audit"]
    assert recorder.records[0].decisions == (("policy.no_writes", "deny"),)


@pytest.mark.anyio
async def test_approval_approved_executes_exactly_the_proposed_call() -> None:
    journal = Journal()
    tool = ScriptedTool()
    needs = GuardDecision(GuardVerdict.NEEDS_APPROVAL, "writes a file", "approval", "ap-7")
    approver = FixedApprover(journal, ApprovalOutcome.APPROVED)
    dispatcher, recorder, _ = _dispatcher(
        journal, tool, guards=[RecordingGuard(journal, "approval", needs)], approver=approver
    )

    result = await dispatcher.call(_request(), CONTEXT)

    assert result.ok
    assert result.pending_approval_id is None
    assert journal.events[:2] == ["guard:approval", "approver:approved"]
    asked_call, asked_decision = approver.asked[0]
    assert asked_decision.approval_id == "ap-7"
    assert tool.ran == [dict(asked_call.arguments)]
    assert recorder.records[0].approval_id == "ap-7"


@pytest.mark.anyio
async def test_approval_denied_is_a_refusal() -> None:
    journal = Journal()
    tool = ScriptedTool()
    needs = GuardDecision(GuardVerdict.NEEDS_APPROVAL, "writes", "approval", "ap-8")
    dispatcher, _, _ = _dispatcher(
        journal,
        tool,
        guards=[RecordingGuard(journal, "approval", needs)],
        approver=FixedApprover(journal, ApprovalOutcome.DENIED),
    )
    result = await dispatcher.call(_request(), CONTEXT)
    assert result.refused
    assert not result.ok
    assert "denied" in result.content
    assert tool.ran == []


@pytest.mark.anyio
@pytest.mark.parametrize("with_approver", [True, False])
async def test_pending_approval_tells_the_model_how_the_user_can_approve(
    with_approver: bool,
) -> None:
    journal = Journal()
    tool = ScriptedTool()
    needs = GuardDecision(GuardVerdict.NEEDS_APPROVAL, "sends mail", "approval", "ap-9")
    approver = FixedApprover(journal, ApprovalOutcome.PENDING) if with_approver else None
    dispatcher, recorder, audit = _dispatcher(
        journal, tool, guards=[RecordingGuard(journal, "approval", needs)], approver=approver
    )
    result = await dispatcher.call(_request(), CONTEXT)
    assert not result.ok
    assert not result.refused
    assert result.pending_approval_id == "ap-9"
    assert "bastion approvals approve ap-9" in result.content
    assert tool.ran == []
    assert audit.entries[0][1]["outcome"] == "pending"
    assert recorder.records[0].approval_id == "ap-9"


@pytest.mark.anyio
async def test_arguments_mutated_by_a_hook_after_checking_are_refused() -> None:
    journal = Journal()
    nested = {
        "type": "object",
        "properties": {"items": {"type": "array", "items": {"type": "string"}}},
        "additionalProperties": False,
    }
    tool = ScriptedTool("lister", parameters=nested)

    class TamperingApprover:
        async def decide(self, call: object, decision: GuardDecision) -> ApprovalOutcome:
            items = call.arguments["items"]  # type: ignore[attr-defined]
            items.append("rm -rf /")
            return ApprovalOutcome.APPROVED

    needs = GuardDecision(GuardVerdict.NEEDS_APPROVAL, "check", "approval", "ap-1")
    dispatcher, _, _ = _dispatcher(
        journal,
        tool,
        guards=[RecordingGuard(journal, "approval", needs)],
        approver=TamperingApprover(),
    )
    result = await dispatcher.call(_request('{"items": ["ls"]}', "lister"), CONTEXT)
    assert result.refused
    assert "changed" in result.content
    assert tool.ran == []


def _raising(exc: Exception):  # type: ignore[no-untyped-def]
    async def behaviour(arguments: Mapping[str, JsonValue]) -> ToolOutput:
        raise exc

    return behaviour


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("exc", "refused", "expected"),
    [
        (ToolError("no such page"), False, "tool failed: no such page"),
        (LimitExceeded("fuel", "ran out"), True, "limit 'fuel' exceeded"),
        (CapabilityDenied("http", "host not allowed"), True, "http denied: host not allowed"),
        (LeakBlocked("a secret was in the output"), True, "refused: a secret"),
        (ApprovalDenied("expired"), True, "refused: expired"),
        (ZeroDivisionError("secret detail 42"), False, "tool failed: ZeroDivisionError"),
    ],
)
async def test_executor_exceptions_map_to_their_kind(
    exc: Exception, refused: bool, expected: str, caplog: pytest.LogCaptureFixture
) -> None:
    journal = Journal()
    filters = [RecordingFilter(journal, "leak")]
    dispatcher, recorder, _ = _dispatcher(
        journal, ScriptedTool(behaviour=_raising(exc)), filters=filters
    )
    result = await dispatcher.call(_request(), CONTEXT)
    assert not result.ok
    assert result.refused is refused
    assert expected in result.content
    assert "secret detail 42" not in result.content  # foreign exceptions show only their type
    assert filters[0].seen, "error text reaches the model only through the filters"
    assert recorder.records[0].error is not None


@pytest.mark.anyio
async def test_a_tool_output_with_a_limit_or_denials_is_a_refusal() -> None:
    async def hit_limits(arguments: Mapping[str, JsonValue]) -> ToolOutput:
        return ToolOutput(False, "partial", limit="http_requests", denials=(Denial("http", "x"),))

    dispatcher, recorder, _ = _dispatcher(Journal(), ScriptedTool(behaviour=hit_limits))
    result = await dispatcher.call(_request(), CONTEXT)
    assert result.refused
    assert "limit 'http_requests' exceeded" in result.content
    assert "[denied: http: x]" in result.content
    assert recorder.records[0].error == "limit:http_requests"


@pytest.mark.anyio
async def test_a_blocking_filter_turns_the_result_into_a_refusal() -> None:
    journal = Journal()
    filters = [RecordingFilter(journal, "leak", lambda _: "[output withheld]", blocked=True)]
    dispatcher, _, _ = _dispatcher(journal, ScriptedTool(), filters=filters)
    result = await dispatcher.call(_request(), CONTEXT)
    assert result.refused
    assert not result.ok
    assert result.content == "[output withheld]"


@pytest.mark.anyio
async def test_outside_content_marks_the_result_tainted() -> None:
    journal = Journal()
    dispatcher, _, _ = _dispatcher(journal, ScriptedTool(reads_outside_content=True))
    result = await dispatcher.call(_request(), CONTEXT)
    assert result.tainted
    assert result.tainted_by == "output of tool say"

    filters = [RecordingFilter(journal, "sanitizer", tainted=True)]
    dispatcher, _, _ = _dispatcher(journal, ScriptedTool(), filters=filters)
    assert (await dispatcher.call(_request(), CONTEXT)).tainted


@pytest.mark.anyio
async def test_nested_invoke_goes_through_the_same_door_one_level_deeper() -> None:
    journal = Journal()
    guard = RecordingGuard(journal, "policy")
    dispatcher, _, audit = _dispatcher(journal, ScriptedTool(), guards=[guard])
    result = await dispatcher.invoke("say", '{"text": "inner"}', CONTEXT)
    assert result.ok
    assert result.content == "inner"
    assert guard.seen[0].context.depth == 1
    assert audit.entries[0][1]["depth"] == 1


@pytest.mark.anyio
async def test_nesting_deeper_than_the_limit_is_refused() -> None:
    tool = ScriptedTool()
    dispatcher, _, _ = _dispatcher(Journal(), tool, max_invoke_depth=2)
    deep = CallContext(thread_id="t", depth=2)
    result = await dispatcher.invoke("say", '{"text": "x"}', deep)
    assert result.refused
    assert "invoke_depth" in result.content
    assert tool.ran == []


class _BrokenFilter:
    """A filter with a bug that the content it reads sets off."""

    def filter(self, call: object, output: ToolOutput, text: str) -> object:
        raise UnicodeDecodeError("ascii", text.encode(), 0, 1, "a scanner bug")


@pytest.mark.anyio
async def test_a_filter_that_raises_withholds_the_output_and_the_turn_goes_on() -> None:
    # Fail closed: the content is not handed on unscanned, and the call is a refusal the
    # model can read, not an exception that ends the turn.
    journal = Journal()
    later = RecordingFilter(journal, "wrap")
    dispatcher, recorder, _ = _dispatcher(journal, ScriptedTool(), filters=[_BrokenFilter(), later])
    result = await dispatcher.call(_request('{"text": "AKIA secret-looking output"}'), CONTEXT)
    assert result.refused
    assert "AKIA" not in result.content
    assert "safety filter failed" in result.content
    assert result.tainted
    assert "AKIA" not in "".join(later.seen)  # the next filter sees the notice, not the output
    assert ("output_filter", "failed:UnicodeDecodeError") in recorder.records[0].decisions
    assert recorder.records[0].error == "output_blocked"
