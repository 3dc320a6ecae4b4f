"""`bastion approvals list|approve|deny`: the console decides its own channel's requests, and
another channel's only when told that channel and user explicitly."""

from __future__ import annotations

import json

import pytest
from tests.app.cli_run import bastion_output

from bastion.app.bootstrap import open_database
from bastion.app.settings import load_settings
from bastion.contracts.authorization import CallContext, arguments_digest
from bastion.contracts.tools import ApprovalRequirement, RiskLevel, ToolSchema, ToolSpec
from bastion.kernel.approval_desk import ApprovalDesk
from bastion.kernel.hooks import ProposedCall
from bastion.store.approvals import ApprovalRepository, ApprovalState

TOOL = ToolSpec(
    ToolSchema("send_mail", "mail", {"type": "object"}),
    risk=RiskLevel.MEDIUM,
    approval=ApprovalRequirement.ALWAYS,
)


pytestmark = pytest.mark.usefixtures("master_key")


def _request(context: CallContext) -> str:
    db = open_database(load_settings())
    try:
        arguments = {"to": "bob@example.com"}
        call = ProposedCall("c1", TOOL, arguments, arguments_digest(arguments), context)
        return ApprovalDesk(ApprovalRepository(db)).request(call, "send_mail needs approval").id
    finally:
        db.close()


def _state(approval_id: str) -> ApprovalState:
    db = open_database(load_settings())
    try:
        request = ApprovalRepository(db).get(approval_id)
    finally:
        db.close()
    assert request is not None
    return request.state


def test_list_and_approve_own_channel(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    approval_id = _request(CallContext(thread_id="t1"))  # the REPL: channel cli, user local
    code, out, _ = bastion_output(monkeypatch, capsys, "approvals", "list", "--json")
    assert code == 0
    listed = json.loads(out)["approvals"]
    assert [(a["id"], a["state"], a["tool"]) for a in listed] == [
        (approval_id, "pending", "send_mail")
    ]
    code, _, err = bastion_output(monkeypatch, capsys, "approvals", "approve", approval_id)
    assert code == 0
    assert "approved" in err
    assert _state(approval_id) is ApprovalState.APPROVED
    code, _, _ = bastion_output(monkeypatch, capsys, "approvals", "deny", approval_id)
    assert code == 3  # already decided
    code, out, _ = bastion_output(monkeypatch, capsys, "audit", "verify", "--json")
    assert (code, json.loads(out)["ok"]) == (0, True)


def test_deny(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    approval_id = _request(CallContext(thread_id="t1"))
    code, _, _ = bastion_output(monkeypatch, capsys, "approvals", "deny", approval_id)
    assert code == 0
    assert _state(approval_id) is ApprovalState.DENIED


def test_another_channels_request_is_refused_unless_named_exactly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    approval_id = _request(CallContext(thread_id="ops", channel="telegram", user="admin"))
    code, _, err = bastion_output(monkeypatch, capsys, "approvals", "approve", approval_id)
    assert code == 3
    assert "telegram" in err
    code, _, _ = bastion_output(
        monkeypatch, capsys, "approvals", "approve", approval_id, "--channel", "telegram"
    )
    assert code == 3  # the channel alone is not enough: the user must match too
    assert _state(approval_id) is ApprovalState.PENDING
    code, _, _ = bastion_output(
        monkeypatch,
        capsys,
        "approvals",
        "approve",
        approval_id,
        "--channel",
        "telegram",
        "--user",
        "admin",
    )
    assert code == 0
    assert _state(approval_id) is ApprovalState.APPROVED


def test_unknown_id_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = bastion_output(monkeypatch, capsys, "approvals", "approve", "ap_nope")
    assert code == 2
    assert "no approval request" in err
