"""``bastion secret set|list|rm``: manage the vault from the command line.

Values come from stdin (when it is not a terminal) or a hidden prompt and are never echoed,
printed or logged. Only typer is imported at module level so ``bastion --help`` stays fast.
"""

from __future__ import annotations

import sys

import typer

__all__ = ["register"]

_MAX_STDIN_BYTES = 65_536 + 2  # the vault's limit plus a trailing newline

secret_app = typer.Typer(
    name="secret",
    help="Store, list and remove encrypted secrets (values are never printed).",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(secret_app, name="secret")


def _read_value(name: str) -> str:
    from bastion.contracts.errors import UsageError

    if sys.stdin is None:
        raise UsageError("no stdin to read the secret value from; pipe it in")
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(f"Value for {name} (input hidden): ")
    raw = sys.stdin.buffer.read(_MAX_STDIN_BYTES + 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError("the secret value on stdin is not valid UTF-8") from exc
    # `echo value | bastion secret set NAME` adds a newline that is not part of the value.
    return text.removesuffix("\n").removesuffix("\r")


@secret_app.command("set")
def set_secret(
    name: str = typer.Argument(..., help="Secret name: a-z, 0-9 and _, starting with a letter."),
    hosts: list[str] = typer.Option(
        [], "--host", help="Host pattern the secret may be sent to (repeatable), e.g. *.x.com."
    ),
) -> None:
    """Store a secret; the value is read from stdin or a hidden prompt."""
    from bastion.app.bootstrap import open_database, open_vault
    from bastion.app.cli.output import note
    from bastion.app.settings import load_settings
    from bastion.contracts.errors import UsageError
    from bastion.vault.names import MAX_VALUE_BYTES, check_hosts, check_name

    # Check everything about the command before asking for the value or opening anything.
    check_name(name)
    patterns = check_hosts(hosts)
    settings = load_settings()
    value = _read_value(name)
    if not value:
        raise UsageError(f"empty value for secret {name}; nothing was stored")
    if len(value.encode("utf-8")) > MAX_VALUE_BYTES:
        raise UsageError(f"the value for secret {name} is over {MAX_VALUE_BYTES} bytes")
    db = open_database(settings)
    try:
        vault = open_vault(settings, db)
        replaced = vault.exists(name)
        vault.set(name, value, patterns)
        from bastion.kernel.audit_events import record_secret_set
        from bastion.kernel.audit_keys import open_audit_log

        record_secret_set(open_audit_log(db, vault), name, hosts=patterns)
    finally:
        db.close()
    bound = f" for {', '.join(patterns)}" if patterns else ""
    note(f"{'replaced' if replaced else 'stored'} secret {name}{bound}")


@secret_app.command("list")
def list_secrets(
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """List secret names, their hosts and dates (never values)."""
    from bastion.app.bootstrap import open_database, secret_store
    from bastion.app.cli.output import emit_json
    from bastion.app.settings import load_settings

    settings = load_settings()
    db = open_database(settings)
    try:
        # Listing needs no master key: names and hosts are stored in the clear by design.
        rows = secret_store(db).list()
    finally:
        db.close()
    from bastion.kernel.audit_log import AUDIT_KEY_SECRET

    # The audit log's signing key lives in the vault too, but it is Bastion's, not the user's.
    rows = [row for row in rows if row.name != AUDIT_KEY_SECRET]
    if as_json:
        emit_json(
            {
                "secrets": [
                    {
                        "name": row.name,
                        "hosts": list(row.hosts),
                        "created_at": row.created_at,
                        "updated_at": row.updated_at,
                    }
                    for row in rows
                ]
            }
        )
        return
    if not rows:
        typer.echo("no secrets; add one with `bastion secret set NAME`")
        return
    width = max(len(row.name) for row in rows)
    for row in rows:
        hosts = ", ".join(row.hosts) or "(not bound to a host)"
        typer.echo(f"{row.name:<{width}}  {row.updated_at}  {hosts}")


@secret_app.command("rm")
def remove_secret(name: str = typer.Argument(..., help="The secret to remove.")) -> None:
    """Remove a secret."""
    from bastion.app.bootstrap import open_database, open_vault
    from bastion.app.cli.output import note
    from bastion.app.settings import load_settings
    from bastion.vault.names import check_name

    check_name(name)
    settings = load_settings()
    db = open_database(settings)
    try:
        vault = open_vault(settings, db)
        vault.delete(name)
        from bastion.kernel.audit_events import record_secret_removed
        from bastion.kernel.audit_keys import open_audit_log

        record_secret_removed(open_audit_log(db, vault), name)
    finally:
        db.close()
    note(f"removed secret {name}")
