"""``bastion memory``: write, read, search and list the workspace; export and import it.

Only typer is imported at module level, so ``bastion --help`` stays fast; the workspace, the
embedding model and rich are loaded inside the commands that need them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from bastion.app.settings import Settings
    from bastion.memory.embeddings.base import Embedder
    from bastion.memory.workspace import Workspace

__all__ = ["build_embedder", "open_settings_workspace", "register"]

memory_app = typer.Typer(
    name="memory",
    help="The workspace: versioned Markdown documents with hybrid (full-text + vector) search.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(memory_app, name="memory")


def build_embedder(settings: Settings) -> Embedder | None:
    """The embedder the settings ask for. ``auto``: an OpenAI-compatible server when
    ``memory.embedding_base_url`` is set, else the packaged offline model, else none."""
    from bastion.contracts.errors import ConfigError
    from bastion.memory.embeddings.local import LocalStaticEmbedder, local_embedder_available

    memory = settings.memory
    kind = memory.embedder
    if kind == "none":
        return None
    if kind == "openai" or (kind == "auto" and memory.embedding_base_url):
        from bastion.providers.embeddings_openai import (
            DEFAULT_EMBEDDING_MODEL,
            OpenAICompatibleEmbedder,
        )

        return OpenAICompatibleEmbedder(
            memory.embedding_model or DEFAULT_EMBEDDING_MODEL,
            base_url=memory.embedding_base_url or settings.llm.base_url,
            api_key=settings.llm_api_key,
            timeout_s=settings.llm.timeout_s,
        )
    if local_embedder_available():
        return LocalStaticEmbedder()
    if kind == "local":
        raise ConfigError("memory.embedder = 'local' but the wordllama package is not installed")
    return None


def open_settings_workspace(settings: Settings, *, background: bool = False) -> Workspace:
    """The workspace over the configured database, with the configured embedder."""
    from bastion.app.bootstrap import open_database
    from bastion.memory.chunking import ChunkingConfig
    from bastion.memory.workspace import open_workspace

    return open_workspace(
        open_database(settings),
        chunking=ChunkingConfig(settings.memory.chunk_words, settings.memory.chunk_overlap),
        embedder=build_embedder(settings),
        rrf_k=settings.memory.rrf_k,
        background=background,
    )


@contextmanager
def _workspace() -> Iterator[Workspace]:
    from bastion.app.settings import load_settings

    workspace = open_settings_workspace(load_settings())
    try:
        yield workspace
    finally:
        workspace.close()


def _guarded(action: Callable[[], None]) -> None:
    """Run a command body: a Bastion error becomes one line on stderr and its exit code."""
    from bastion.contracts.errors import BastionError

    try:
        action()
    except BastionError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from exc


def _read_input(file: Path | None) -> str:
    from bastion.contracts.errors import UsageError

    try:
        data = sys.stdin.buffer.read() if file is None else file.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror}") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{file or 'stdin'} is not UTF-8 text") from exc


@memory_app.command("write")
def write_command(
    path: str = typer.Argument(..., help="Workspace path, e.g. notes/db.md"),
    file: Path | None = typer.Argument(None, help="File to store (default: stdin)"),
) -> None:
    """Store a document (a new version when its content changed)."""

    def body() -> None:
        content = _read_input(file)
        with _workspace() as workspace:
            result = workspace.write(path, content)
        state = f"version {result.version}" if result.changed else "unchanged"
        typer.echo(f"{result.path}: {state}, {result.chunks} chunks")

    _guarded(body)


@memory_app.command("read")
def read_command(path: str = typer.Argument(..., help="Workspace path")) -> None:
    """Print a document exactly as stored."""

    def body() -> None:
        from bastion.contracts.errors import OperationFailed

        with _workspace() as workspace:
            content = workspace.read(path)
        if content is None:
            raise OperationFailed(f"no document at {path}")
        sys.stdout.write(content)
        sys.stdout.flush()

    _guarded(body)


@memory_app.command("search")
def search_command(
    query: str = typer.Argument(..., help="What to look for (any text; no query syntax)"),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    limit: int = typer.Option(5, "--limit", "-n", min=1, max=100, help="How many results."),
    mode: str = typer.Option("auto", "--mode", help="auto | hybrid | fts | vector"),
) -> None:
    """Hybrid search: full text (BM25) and vectors, fused with Reciprocal Rank Fusion."""

    def body() -> None:
        from bastion.app.cli.output import emit_json, note
        from bastion.contracts.errors import UsageError

        if mode not in ("auto", "hybrid", "fts", "vector"):
            raise UsageError("--mode must be auto, hybrid, fts or vector")
        with _workspace() as workspace:
            response = workspace.search(query, limit, mode)  # type: ignore[arg-type]
        if response.note:
            note(f"note: {response.note}")
        if as_json:
            emit_json(response.to_json())
            return
        for hit in response.results:
            typer.echo(f"{hit.score:.4f}  {hit.path}#{hit.chunk}  {hit.snippet}")

    _guarded(body)


@memory_app.command("tree")
def tree_command(as_json: bool = typer.Option(False, "--json", help="A JSON list.")) -> None:
    """List every document path."""

    def body() -> None:
        from bastion.app.cli.output import emit_json

        with _workspace() as workspace:
            paths = workspace.tree()
        if as_json:
            emit_json(list(paths))
            return
        for path in paths:
            typer.echo(path)

    _guarded(body)


@memory_app.command("export")
def export_command(
    folder: Path = typer.Argument(..., help="Folder to write Markdown into"),
) -> None:
    """Write every document to FOLDER/<path> (exact bytes)."""

    def body() -> None:
        from bastion.memory.transfer import export_workspace

        with _workspace() as workspace:
            count = export_workspace(workspace, folder)
        typer.echo(f"exported {count} documents to {folder}")

    _guarded(body)


@memory_app.command("import")
def import_command(folder: Path = typer.Argument(..., help="Folder of .md files")) -> None:
    """Import every .md file under FOLDER, then embed the new chunks (with a progress bar)."""

    def body() -> None:
        from bastion.app.cli.output import note
        from bastion.memory.transfer import import_folder

        with _workspace() as workspace:
            report = import_folder(workspace, folder)
            for name, why in report.skipped:
                note(f"skipped {name}: {why}")
            embedded = _embed_with_progress(workspace)
        typer.echo(
            f"imported {report.written} documents ({report.unchanged} unchanged,"
            f" {len(report.skipped)} skipped), embedded {embedded} chunks"
        )

    _guarded(body)


def _embed_with_progress(workspace: Workspace) -> int:
    from rich.console import Console
    from rich.progress import Progress

    if workspace.pending_embeddings() == 0:
        return 0
    with Progress(transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task("embedding", total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return workspace.embed_pending(update)
