"""``bastion audit verify|head|show``: check and read the signed, hash-chained audit log.

``verify`` exits 0 with ``{"ok": true, "entries": N}`` when every entry, the head checkpoint and
the verification key check out, and 3 naming the first bad entry otherwise. ``head`` prints
the latest entry's ``SEQ:HASH``; kept elsewhere, it lets ``verify --anchor`` detect a rollback.
"""

from __future__ import annotations

import json
import re

import typer

from bastion.contracts.errors import UsageError

__all__ = ["register"]

audit_app = typer.Typer(
    name="audit",
    help="Verify and show the tamper-evident audit log.",
    no_args_is_help=True,
)

EXIT_TAMPERED = 3


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")


_ANCHOR = re.compile(r"^(\d{1,18}):([0-9a-f]{64})$")


def _parse_anchor(value: str | None) -> tuple[int, str] | None:
    if value is None:
        return None
    found = _ANCHOR.match(value.strip())
    if found is None:
        raise UsageError(
            f"--anchor {value[:80]!r}: expected SEQ:HASH as `bastion audit head` prints it"
        )
    return int(found.group(1)), found.group(2)


@audit_app.command("verify")
def verify(
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    anchor: str | None = typer.Option(
        None,
        "--anchor",
        metavar="SEQ:HASH",
        help="A head printed earlier by `bastion audit head` and kept elsewhere: the log must "
        "still contain it (detects a rollback to an older, validly signed state).",
    ),
) -> None:
    """Check every entry's hash, link and signature, and the signed head checkpoint."""
    from bastion.app.bootstrap import open_database, open_vault
    from bastion.app.cli.output import emit_json, note
    from bastion.app.settings import load_settings
    from bastion.kernel.audit_keys import open_audit_log

    expected = _parse_anchor(anchor)
    settings = load_settings()
    db = open_database(settings)
    try:
        report = open_audit_log(db, open_vault(settings, db)).verify(anchor=expected)
    finally:
        db.close()
    if as_json:
        emit_json(report.to_json())
    else:
        typer.echo(report.describe())
    if not report.ok:
        if as_json:
            note(report.describe())
        raise typer.Exit(EXIT_TAMPERED)


@audit_app.command("head")
def head(
    as_json: bool = typer.Option(False, "--json", help="Print the head as JSON."),
) -> None:
    """Print the signed head (latest entry's SEQ:HASH). Keep it somewhere this machine cannot
    write; `bastion audit verify --anchor SEQ:HASH` then detects a rollback past it."""
    from bastion.app.bootstrap import open_database, open_vault
    from bastion.app.cli.output import emit_json
    from bastion.app.settings import load_settings
    from bastion.kernel.audit_keys import open_audit_log

    settings = load_settings()
    db = open_database(settings)
    try:
        current = open_audit_log(db, open_vault(settings, db)).head()
    finally:
        db.close()
    if as_json:
        emit_json({"seq": current.seq, "hash": current.hash} if current else {"seq": 0})
    elif current is None:
        typer.echo("the audit log is empty")
    else:
        typer.echo(f"{current.seq}:{current.hash}")


@audit_app.command("show")
def show(
    as_json: bool = typer.Option(False, "--json", help="Print entries as JSON."),
    limit: int = typer.Option(50, "--limit", min=1, help="Show at most this many (the newest)."),
    kind: str | None = typer.Option(None, "--kind", help="Only entries of this kind."),
) -> None:
    """Show the newest entries (payloads are stored redacted)."""
    from bastion.app.bootstrap import open_database
    from bastion.app.cli.output import emit_json
    from bastion.app.settings import load_settings
    from bastion.store.audit import AuditRepository

    settings = load_settings()
    db = open_database(settings)
    try:
        entries = AuditRepository(db).entries()
    finally:
        db.close()
    if kind is not None:
        entries = [e for e in entries if e.kind == kind]
    entries = entries[-limit:]
    if as_json:
        emit_json(
            {
                "entries": [
                    {
                        "seq": e.seq,
                        "ts": e.ts,
                        "kind": e.kind,
                        "payload": json.loads(e.payload),
                        "hash": e.hash,
                    }
                    for e in entries
                ]
            }
        )
        return
    if not entries:
        typer.echo("the audit log is empty")
    for e in entries:
        typer.echo(f"{e.seq:>6}  {e.ts}  {e.kind:<18}  {e.payload[:120]}")
