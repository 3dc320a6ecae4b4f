"""Entry point: builds the Typer app from the command modules and maps errors to exit codes."""

from __future__ import annotations

import importlib
import sys

import typer

from bastion import __version__
from bastion.app.cli import gc_policy
from bastion.app.cli.log_setup import configure_logging
from bastion.contracts.errors import BastionError

__all__ = ["app", "run"]

# Each module defines `register(app: typer.Typer) -> None`. Add a line when you add a group.
_COMMAND_MODULES: tuple[str, ...] = (
    "secret_cmd",
    "memory_cmd",
    "audit_cmd",
    "approvals_cmd",
    "chat_cmd",
    "doctor_cmd",
    "onboard_cmd",
    "safety_cmd",
    "tool_cmd",
)

app = typer.Typer(
    name="bastion",
    help="Bastion: a personal AI agent that treats every tool, model answer and outside text "
    "as possibly hostile.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: rich help formatting more than doubles `bastion --help` start-up time.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"bastion {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Bastion command line."""


for _name in _COMMAND_MODULES:
    importlib.import_module(f"bastion.app.cli.{_name}").register(app)


def run() -> None:
    """Console-script entry: one-line errors on stderr, exit codes per the contract."""
    configure_logging()
    gc_policy.pause_for_start_up()
    try:
        # standalone mode: usage errors print Typer's message and exit 2 by themselves.
        app()
    except BastionError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    finally:
        gc_policy.restore()
