"""``bastion safety scan|check``: the leak detector and the injection/policy check on text.

``scan`` exits 3 when the strongest finding blocks; ``check`` exits 3 when the verdict is
block. ``--jsonl`` reads ``{"id", "text"}`` lines and writes one result line per input line,
in order and flushed, exiting 0 unless the input itself is malformed (then 2).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from bastion.safety import ContentChecker, LeakDetector

__all__ = ["register"]

safety_app = typer.Typer(
    name="safety",
    help="Scan text for secrets, or check it for prompt injection and policy violations.",
    no_args_is_help=True,
)

EXIT_REFUSED = 3
EXIT_USAGE = 2


def register(app: typer.Typer) -> None:
    app.add_typer(safety_app, name="safety")


_FILE = typer.Argument(None, help="File to read; standard input when omitted.", show_default=False)
_JSON = typer.Option(False, "--json", help="Print the result as JSON.")
_JSONL = typer.Option(
    False, "--jsonl", help='Bulk mode: JSON lines {"id", "text"} in, one result line out each.'
)


def _read_input(path: str | None) -> str:
    import sys
    from pathlib import Path

    from bastion.contracts.errors import UsageError

    if path is None or path == "-":
        raw = sys.stdin.buffer.read()
    else:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return raw.decode("utf-8", errors="replace")


def _detector() -> LeakDetector:
    from bastion.app.settings import load_settings
    from bastion.safety import LeakDetector

    settings = load_settings()
    known = [v for v in (settings.llm_api_key, settings.master_key) if v]
    return LeakDetector(known_secrets=known, overrides=settings.safety.leak_actions)


def _checker() -> ContentChecker:
    from bastion.app.settings import load_settings
    from bastion.safety import ContentChecker

    settings = load_settings()
    return ContentChecker(settings.safety.injection_verdicts, settings.safety.policy_actions)


def _run_jsonl(path: str | None, to_json: Callable[[str], dict[str, object]]) -> None:
    """One output line per input line; ``judge`` maps text to a JSON-ready dict."""
    import json
    import sys
    from collections.abc import Iterable
    from pathlib import Path

    from bastion.app.cli.output import note

    lines: Iterable[str]
    if path is None or path == "-":
        lines = sys.stdin
    else:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            note(f"error: line {number} is not valid JSON: {exc}")
            raise typer.Exit(EXIT_USAGE) from exc
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            note(f'error: line {number} must be an object with a string "text" (and an "id")')
            raise typer.Exit(EXIT_USAGE)
        result = {"id": item.get("id"), **to_json(item["text"])}
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        sys.stdout.flush()


@safety_app.command("scan")
def scan(file: str | None = _FILE, as_json: bool = _JSON, jsonl: bool = _JSONL) -> None:
    """Secret-leak scan of FILE or standard input."""
    from bastion.app.cli.output import emit_json

    detector = _detector()
    if jsonl:
        _run_jsonl(file, lambda text: detector.scan(text).to_json())
        return
    result = detector.scan(_read_input(file))
    if as_json:
        emit_json(result.to_json())  # type: ignore[arg-type]
    else:
        typer.echo(f"action: {result.action.value}")
        if not result.findings:
            typer.echo("no secrets found")
        for f in result.findings:
            where = f"at {f.start}-{f.end}"
            typer.echo(f"  {f.rule} ({f.severity.value}, {f.action.value}) {where}: {f.preview}")
    if result.blocked:
        raise typer.Exit(EXIT_REFUSED)


@safety_app.command("check")
def check(file: str | None = _FILE, as_json: bool = _JSON, jsonl: bool = _JSONL) -> None:
    """Prompt-injection and policy check of FILE or standard input."""
    from bastion.app.cli.output import emit_json
    from bastion.safety import Verdict

    checker = _checker()
    if jsonl:
        _run_jsonl(file, lambda text: checker.check(text).to_json())
        return
    result = checker.check(_read_input(file))
    if as_json:
        emit_json(result.to_json())  # type: ignore[arg-type]
    else:
        typer.echo(f"verdict: {result.verdict.value}")
        if not result.findings:
            typer.echo("nothing suspicious found")
        for f in result.findings:
            typer.echo(f"  {f.rule} ({f.severity.value}) at {f.start}-{f.end}")
    if result.verdict is Verdict.BLOCK:
        raise typer.Exit(EXIT_REFUSED)
