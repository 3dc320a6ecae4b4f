"""The steps every entry point that runs tools shares: chat (``build_runtime``) and
`bastion tool run` (``run_installed_tool``).

database → vault → security (wiring_security) → egress with the vault's credentials
dispatcher → the installed WASM tools, registered with the workspace as their reader
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bastion.app.settings import Settings

if TYPE_CHECKING:
    from contextlib import ExitStack

    from bastion.app.tool_wiring import WasmToolCatalog
    from bastion.app.wiring_security import Security
    from bastion.egress import EgressClient
    from bastion.kernel.dispatcher import Dispatcher
    from bastion.sandbox.installed import ToolIndex
    from bastion.sandbox.ports import WorkspaceReader
    from bastion.store.database import Database
    from bastion.vault.vault import Vault

__all__ = ["Core", "attach_wasm_tools", "open_core"]


@dataclass(frozen=True, slots=True)
class Core:
    """The opened store, vault, security wiring and egress."""

    database: Database
    vault: Vault
    security: Security
    egress: EgressClient


def open_core(settings: Settings, closing: ExitStack) -> Core:
    """Open the database, vault, security and egress; what needs closing joins ``closing``."""
    from bastion.app.bootstrap import open_database, open_vault
    from bastion.app.tool_wiring import VaultCredentials, open_egress
    from bastion.app.wiring_security import open_security

    database = open_database(settings)
    closing.callback(database.close)
    vault = open_vault(settings, database)
    security = open_security(settings, database, vault)
    egress = open_egress(settings, VaultCredentials(vault), security.detector)
    closing.callback(egress.close)
    return Core(database, vault, security, egress)


def attach_wasm_tools(
    settings: Settings,
    dispatcher: Dispatcher,
    core: Core,
    workspace: WorkspaceReader,
    closing: ExitStack,
    *,
    index: ToolIndex | None = None,
) -> WasmToolCatalog:
    """Register the installed WASM tools (vault-backed credentials, the workspace as their
    reader, redacted; the dispatcher for nested calls). The engine starts only once a tool is
    installed and stops with ``closing``; ``WasmToolCatalog.sync`` keeps the registry in step."""
    from bastion.app.tool_wiring import (
        RedactingWorkspaceReader,
        VaultCredentials,
        WasmToolCatalog,
        open_wasm_runtime,
        tool_index,
    )

    catalog = WasmToolCatalog(
        settings,
        runtime=lambda: open_wasm_runtime(settings),
        index=index if index is not None else tool_index(settings),
        egress=core.egress,
        workspace=RedactingWorkspaceReader(workspace, core.security.detector),
        secrets=VaultCredentials(core.vault),
        invoker=dispatcher,
    )
    closing.callback(catalog.close)
    catalog.sync(dispatcher.registry)
    return catalog
