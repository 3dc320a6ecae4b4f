"""A session that used a secret leaves no trace of its value in the database file: the user
pasted it, the model echoed it, a tool got it in its arguments and returned it, and a call
waited for approval with it in its arguments. Scan the raw bytes of the file and its WAL."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from bastion.contracts.authorization import Authorized, CallContext
from bastion.contracts.messages import Completion, Message, ToolCallRequest
from bastion.contracts.tools import ApprovalRequirement, RiskLevel, ToolOutput, ToolSchema, ToolSpec
from bastion.kernel.approval_desk import ApprovalDesk
from bastion.kernel.approval_gate import ApprovalGate
from bastion.kernel.approval_prompt import PendingApprover
from bastion.kernel.audit_events import record_llm_exchange, record_secret_set, record_user_input
from bastion.kernel.audit_keys import open_audit_log
from bastion.kernel.audit_redaction import ExactValueRedactor
from bastion.kernel.dispatcher import Dispatcher
from bastion.kernel.registry import ToolRegistry
from bastion.store.approvals import ApprovalRepository
from bastion.store.database import Database
from bastion.store.secrets import SqliteSecretStore
from bastion.vault.master_key import KeySource, MasterKey
from bastion.vault.vault import Vault

SECRET = "ghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LmNb"
CTX = CallContext(thread_id="t1", turn_id="turn-1")


class EchoTool:
    def __init__(self, name: str, approval: ApprovalRequirement) -> None:
        self._spec = ToolSpec(
            ToolSchema(name, "echoes", {"type": "object"}),
            risk=RiskLevel.MEDIUM,
            approval=approval,
        )

    @property
    def spec(self) -> ToolSpec:
        return self._spec

    async def execute(self, authorized: Authorized) -> ToolOutput:
        authorized.consume()
        return ToolOutput(True, json.dumps(dict(authorized.arguments)))


def _forms(value: str) -> list[bytes]:
    raw = value.encode()
    return [raw, base64.b64encode(raw), raw.hex().encode(), value[8:24].encode()]


@pytest.mark.anyio
async def test_no_trace_of_a_secret_value_in_the_database_bytes(tmp_path: Path) -> None:
    path = tmp_path / "bastion.db"
    db = Database(path)
    vault = Vault(SqliteSecretStore(db), MasterKey(bytes(range(32)), KeySource.ENV))
    vault.set("github_token", SECRET, ["api.github.com"])
    audit = open_audit_log(db, vault)
    redactor = ExactValueRedactor(vault.all_values)
    desk = ApprovalDesk(ApprovalRepository(db), audit=audit, redactor=redactor)
    registry = ToolRegistry()
    registry.register(EchoTool("echo", ApprovalRequirement.NEVER))
    registry.register(EchoTool("post", ApprovalRequirement.ALWAYS))
    dispatcher = Dispatcher(
        registry, guards=[ApprovalGate(desk)], approver=PendingApprover(desk), audit=audit
    )

    record_secret_set(audit, "github_token", hosts=["api.github.com"])
    record_user_input(audit, CTX, f"here is my token {SECRET}, use it")
    arguments = json.dumps({"token": SECRET})
    echoed = await dispatcher.call(ToolCallRequest("c1", "echo", arguments), CTX)
    assert echoed.ok
    pending = await dispatcher.call(ToolCallRequest("c2", "post", arguments), CTX)
    assert pending.pending_approval_id is not None
    completion = Completion(Message("assistant", f"Your token is {SECRET}"), model="m")
    record_llm_exchange(audit, CTX, [Message("user", SECRET)], completion)
    assert audit.verify().ok
    db.close()

    blob = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("bastion.db"))
    assert b"[REDACTED:secret]" in blob  # the events are there, only the value is not
    for form in _forms(SECRET):
        assert form not in blob
