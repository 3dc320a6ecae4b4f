"""``bastion tool build``: Python source -> component, with componentize-py.

The tool's folder holds ``app.py`` (``class WitWorld(wit_world.WitWorld)``), any further
modules and ``tool.toml``. componentize-py snapshots the interpreter after importing ``app``:
only modules imported at build time are inside the component.
"""

from __future__ import annotations

import subprocess
import sys
from importlib.resources import files
from pathlib import Path

from bastion.contracts.errors import OperationFailed, UsageError

__all__ = ["WIT_WORLD", "build_component", "wit_path"]

WIT_WORLD = "tool"
_BUILD_TIMEOUT_S = 600


def wit_path() -> Path:
    """The contract's WIT, shipped inside the package (identical to the project's wit/)."""
    return Path(str(files("bastion.sandbox") / "wit" / "bastion-tool.wit"))


def build_component(src_dir: Path, out: Path) -> Path:
    """Compile ``src_dir/app.py`` into the component ``out``; raise with componentize-py's
    own message when it fails."""
    if not (src_dir / "app.py").is_file():
        raise UsageError(f"{src_dir}: no app.py; a tool folder holds app.py and tool.toml")
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-c",
        "import sys; from componentize_py import script; sys.argv[0] = 'componentize-py'; script()",
        "-d",
        str(wit_path()),
        "-w",
        WIT_WORLD,
        "componentize",
        "app",
        "-p",
        str(src_dir),
        "-o",
        str(out),
    ]
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, no shell
            command, capture_output=True, text=True, timeout=_BUILD_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise OperationFailed(f"componentize-py took longer than {_BUILD_TIMEOUT_S} s") from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise OperationFailed("componentize-py failed: " + " | ".join(detail[-6:]))
    return out
