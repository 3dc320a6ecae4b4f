"""``bastion audit verify|show``: check and read the signed, hash-chained audit log.

``verify`` exits 0 with ``{"ok": true, "entries": N}`` when every entry, the head checkpoint and
the verification key check out, and 3 naming the first bad entry otherwise.
"""

from __future__ import annotations

import json

import typer

__all__ = ["register"]

audit_app = typer.Typer(
    name="audit",
    help="Verify and show the tamper-evident audit log.",
    no_args_is_help=True,
)

EXIT_TAMPERED = 3


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify(
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Check every entry's hash, link and signature, and the signed head checkpoint."""
    from bastion.app.bootstrap import open_database, open_vault
    from bastion.app.cli.output import emit_json, note
    from bastion.app.settings import load_settings
    from bastion.kernel.audit_keys import open_audit_log

    settings = load_settings()
    db = open_database(settings)
    try:
        report = open_audit_log(db, open_vault(settings, db)).verify()
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
