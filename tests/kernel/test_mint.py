"""The kernel is the only holder of the mint, and executors reject forged or replayed permits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bastion.contracts.authorization import Authorized, CallContext, claim_mint
from bastion.contracts.errors import CapabilityDenied
from bastion.kernel.builtins.echo_tool import EchoTool
from bastion.kernel.builtins.time_tool import TimeTool
from bastion.kernel.mint import authorize_call

SRC = Path(__file__).resolve().parents[2] / "src" / "bastion"
CONTEXT = CallContext(thread_id="t1")


def test_a_second_claim_of_the_mint_is_refused() -> None:
    with pytest.raises(CapabilityDenied, match="already holds the mint"):
        claim_mint()


def test_nothing_but_the_kernel_mint_module_claims_the_mint() -> None:
    callers = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if re.search(r"\bclaim_mint\(", path.read_text(encoding="utf-8"))
    )
    assert callers == ["contracts/authorization.py", "kernel/mint.py"]


@pytest.mark.anyio
async def test_an_executor_rejects_a_forged_authorization() -> None:
    forged = Authorized("echo", {"text": "hi"}, CONTEXT, _tag=b"\x00" * 32)
    with pytest.raises(CapabilityDenied, match="forged"):
        await EchoTool().execute(forged)


@pytest.mark.anyio
async def test_an_executor_rejects_a_replayed_authorization() -> None:
    permit = authorize_call("echo", {"text": "once"}, CONTEXT)
    first = await EchoTool().execute(permit)
    assert first.text == "once"
    with pytest.raises(CapabilityDenied, match="already used"):
        await EchoTool().execute(permit)


@pytest.mark.anyio
async def test_an_authorization_whose_arguments_were_edited_is_rejected() -> None:
    permit = authorize_call("echo", {"text": "approved text"}, CONTEXT)
    permit.arguments["text"] = "something else"
    with pytest.raises(CapabilityDenied, match="arguments changed"):
        await EchoTool().execute(permit)


@pytest.mark.anyio
async def test_a_permit_for_one_tool_does_not_run_another() -> None:
    permit = authorize_call("echo", {}, CONTEXT)
    with pytest.raises(CapabilityDenied, match="issued for 'echo'"):
        await TimeTool().execute(permit)
