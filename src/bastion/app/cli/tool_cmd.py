"""``bastion tool build | install | list | run | remove``: WASM tools from source to run."""

from __future__ import annotations

import typer

__all__ = ["register"]

tool_app = typer.Typer(
    help="Build, install, list, run and remove sandboxed WASM tools.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(tool_app, name="tool")


@tool_app.command("build")
def build(
    src_dir: str = typer.Argument(..., help="Folder with app.py and tool.toml."),
    out: str | None = typer.Option(
        None, "-o", "--out", help="Output .wasm (default: SRC_DIR/NAME.wasm)."
    ),
) -> None:
    """Compile a Python tool into a WebAssembly component with componentize-py."""
    from pathlib import Path

    from bastion.app.cli.output import note
    from bastion.sandbox.builder import build_component
    from bastion.sandbox.manifest import load_manifest

    source = Path(src_dir)
    manifest_path = source / "tool.toml"
    name = load_manifest(manifest_path).name if manifest_path.exists() else source.resolve().name
    target = Path(out) if out else source / f"{name}.wasm"
    note(f"building {target} with componentize-py (this takes 15-60 seconds)…")
    build_component(source, target)
    typer.echo(str(target))


@tool_app.command("install")
def install(
    path: str = typer.Argument(..., help="The component (.wasm) to install."),
    manifest: str | None = typer.Option(
        None, "--manifest", help="tool.toml (default: beside PATH)."
    ),
    name: str | None = typer.Option(None, "--name", help="Install under this name."),
) -> None:
    """Inspect, pin (SHA-256) and install a component, showing what it will be able to do."""
    from pathlib import Path

    from bastion.app.cli.output import note
    from bastion.app.settings import load_settings
    from bastion.app.tool_wiring import (
        check_credential_bindings,
        open_wasm_runtime,
        sandbox_limits,
        tool_index,
    )
    from bastion.contracts.errors import ConfigError
    from bastion.sandbox.installer import inspect_component, install_tool
    from bastion.sandbox.manifest import load_manifest, parse_manifest

    settings = load_settings()
    wasm_path = Path(path)
    try:
        wasm = wasm_path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{wasm_path}: cannot be read ({exc.strerror})") from exc
    manifest_path = Path(manifest) if manifest else wasm_path.with_name("tool.toml")
    if manifest_path.exists():
        tool_manifest = load_manifest(manifest_path)
    elif manifest:
        raise ConfigError(f"{manifest_path}: no such manifest")
    else:
        tool_manifest = parse_manifest({"name": name or wasm_path.stem.replace("-", "_")})
    check_credential_bindings(settings, tool_manifest)
    note("inspecting and compiling the component (the first compile can take a minute)…")
    runtime = open_wasm_runtime(settings)
    try:
        plan = inspect_component(runtime, wasm, tool_manifest, sandbox_limits(settings), name)
    finally:
        runtime.close()
    tool = install_tool(tool_index(settings), wasm_path, plan)
    from bastion.app.wiring_security import record_state_change
    from bastion.kernel.audit_events import record_tool_installed

    record_state_change(settings, lambda a: record_tool_installed(a, tool.name, sha256=tool.sha256))
    typer.echo(f"installed {tool.name} (sha256 {tool.sha256})")
    typer.echo(f"  {tool.description}")
    typer.echo("it will be able to:")
    for line in tool.manifest.summary():
        typer.echo(f"  {line}")
    limits = plan.limits
    typer.echo(
        f"  limits: {limits.memory_mb} MB, {limits.fuel} fuel, {limits.timeout_ms} ms, "
        f"{limits.max_http_requests} requests, {limits.max_output_bytes} output bytes"
    )


@tool_app.command("list")
def list_tools(
    json_out: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """The installed tools with their pinned hashes."""
    from bastion.app.cli.output import emit_json
    from bastion.app.settings import load_settings
    from bastion.app.tool_wiring import tool_index

    tools = tool_index(load_settings()).list()
    if json_out:
        emit_json(
            [
                {
                    "name": t.name,
                    "sha256": t.sha256,
                    "description": t.description,
                    "capabilities": t.manifest.summary(),
                }
                for t in tools
            ]
        )
        return
    if not tools:
        typer.echo("no tools installed; see `bastion tool install --help`")
    for tool in tools:
        typer.echo(f"{tool.name:24} {tool.sha256[:12]}  {tool.description[:60]}")


@tool_app.command("run")
def run(
    name: str = typer.Argument(..., help="Installed tool name."),
    params: str = typer.Option("{}", "--params", help="Arguments as a JSON object."),
    json_out: bool = typer.Option(False, "--json", help="Print the contract's JSON report."),
) -> None:
    """Run an installed tool once, through the dispatcher. Exit 0 Ok, 1 tool error, 3 refused."""
    import asyncio
    import json

    from bastion.app.cli.output import emit_json, note
    from bastion.app.settings import load_settings
    from bastion.app.tool_wiring import run_installed_tool
    from bastion.contracts.errors import UsageError

    try:
        parsed = json.loads(params)
    except json.JSONDecodeError as exc:
        raise UsageError(f"--params is not valid JSON: {exc.msg}") from exc
    if not isinstance(parsed, dict):
        raise UsageError("--params must be a JSON object")
    report = asyncio.run(run_installed_tool(load_settings(), name, params))
    if json_out:
        emit_json(report.to_json())  # type: ignore[arg-type]
    else:
        if report.ok:
            typer.echo(report.text)
        else:
            note(f"error: {report.text}")
        if report.limit:
            note(f"limit hit: {report.limit}")
        for capability, detail in report.denials:
            note(f"denied {capability}: {detail}")
    raise typer.Exit(report.exit_code)


@tool_app.command("remove")
def remove(name: str = typer.Argument(..., help="Installed tool name.")) -> None:
    """Uninstall a tool (its component file and index entry)."""
    from bastion.app.settings import load_settings
    from bastion.app.tool_wiring import tool_index
    from bastion.app.wiring_security import record_state_change
    from bastion.contracts.errors import UsageError
    from bastion.kernel.audit_events import record_tool_removed

    settings = load_settings()
    if not tool_index(settings).remove(name):
        raise UsageError(f"no tool named {name!r} is installed")
    record_state_change(settings, lambda audit: record_tool_removed(audit, name))
    typer.echo(f"removed {name}")
