"""``bastion approvals list|approve|deny``: decide pending approval requests from the console.

The console acts as channel ``cli``, user ``local``, outside any thread. A request is bound to
the channel and user that made the call, and only that channel and user can decide it, so by
default the console decides only its own (REPL and `chat -m`) requests. To decide a request
that another channel made, name that channel *and* its user explicitly
(``--channel telegram --user alice``): knowing an id is never enough, nothing is decided across
channels by accident, and the decision is recorded in the audit log as made via the console.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from bastion.contracts.json_types import JsonObject
    from bastion.kernel.approval_desk import ApprovalDesk
    from bastion.store.approvals import ApprovalRequest
    from bastion.store.database import Database

__all__ = ["CLI_CHANNEL", "CLI_USER", "register"]

CLI_CHANNEL = "cli"
CLI_USER = "local"

approvals_app = typer.Typer(
    name="approvals",
    help="List, approve and deny requests for tool calls that need your decision.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(approvals_app, name="approvals")


def _desk(db: Database) -> ApprovalDesk:
    from bastion.app.bootstrap import open_vault
    from bastion.app.settings import load_settings
    from bastion.kernel.approval_desk import ApprovalDesk
    from bastion.kernel.audit_keys import open_audit_log
    from bastion.store.approvals import ApprovalRepository

    settings = load_settings()
    return ApprovalDesk(
        ApprovalRepository(db),
        expiry_s=settings.approvals.expiry_s,
        auto_approve=settings.approvals.auto_approve,
        audit=open_audit_log(db, open_vault(settings, db)),
    )


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _as_json(request: ApprovalRequest) -> JsonObject:
    binding = request.binding
    return {
        "id": request.id,
        "state": request.state.value,
        "tool": binding.tool,
        "thread": binding.thread_id,
        "channel": binding.channel,
        "user": binding.user,
        "arguments_sha256": binding.digest,
        "risk": request.risk,
        "summary": request.summary,
        "reason": request.reason,
        "created_at": _iso(request.created_at),
        "expires_at": _iso(request.expires_at),
        "decided_via": request.decided_via,
    }


@approvals_app.command("list")
def list_requests(
    as_json: bool = typer.Option(False, "--json", help="Print requests as JSON."),
    show_all: bool = typer.Option(
        False, "--all", help="Include decided, consumed and expired requests."
    ),
) -> None:
    """Show requests waiting for a decision (pending) or for their call (approved)."""
    from bastion.app.bootstrap import open_database
    from bastion.app.cli.output import emit_json
    from bastion.app.settings import load_settings
    from bastion.store.approvals import ApprovalState

    db = open_database(load_settings())
    try:
        states = None if show_all else {ApprovalState.PENDING, ApprovalState.APPROVED}
        requests = _desk(db).requests(states)
    finally:
        db.close()
    if as_json:
        emit_json({"approvals": [_as_json(r) for r in requests]})
        return
    if not requests:
        typer.echo("no approval requests waiting")
    for r in requests:
        b = r.binding
        typer.echo(
            f"{r.id}  {r.state.value:<8}  {b.tool} ({r.risk})  {b.channel}/{b.user}"
            f"  thread {b.thread_id}  expires {_iso(r.expires_at)}\n    {r.reason}\n    {r.summary}"
        )


def _decide(approval_id: str, *, approve: bool, channel: str, user: str, as_json: bool) -> None:
    from bastion.app.bootstrap import open_database
    from bastion.app.cli.output import emit_json, note
    from bastion.app.settings import load_settings
    from bastion.store.approvals import Decider

    db = open_database(load_settings())
    try:
        decider = Decider(channel=channel, user=user, thread_id=None, via="cli")
        request = _desk(db).decide(approval_id, approve=approve, decider=decider)
    finally:
        db.close()
    if as_json:
        emit_json(_as_json(request))
    verb = "approved" if approve else "denied"
    hint = "; it runs when the agent makes that exact call again" if approve else ""
    note(f"{verb} {request.id} ({request.binding.tool}){hint}")


_CHANNEL_HELP = "Decide as this channel (only needed for requests another channel made)."
_USER_HELP = "Decide as this user of that channel (with --channel)."


@approvals_app.command("approve")
def approve(
    approval_id: str = typer.Argument(..., metavar="ID", help="The request id (ap_…)."),
    channel: str = typer.Option(CLI_CHANNEL, "--channel", help=_CHANNEL_HELP),
    user: str = typer.Option(CLI_USER, "--user", help=_USER_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the decided request as JSON."),
) -> None:
    """Approve one pending request: the exact call it names may then run once."""
    _decide(approval_id, approve=True, channel=channel, user=user, as_json=as_json)


@approvals_app.command("deny")
def deny(
    approval_id: str = typer.Argument(..., metavar="ID", help="The request id (ap_…)."),
    channel: str = typer.Option(CLI_CHANNEL, "--channel", help=_CHANNEL_HELP),
    user: str = typer.Option(CLI_USER, "--user", help=_USER_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the decided request as JSON."),
) -> None:
    """Deny one pending request."""
    _decide(approval_id, approve=False, channel=channel, user=user, as_json=as_json)
