"""Loading the local model must not reconfigure the process's logging."""

from __future__ import annotations

import subprocess
import sys


def test_loading_the_local_model_leaves_logging_alone() -> None:
    probe = (
        "import logging\n"
        "from bastion.memory.embeddings.local import LocalStaticEmbedder\n"
        "LocalStaticEmbedder().embed(['hello'])\n"
        "root = logging.getLogger()\n"
        "print(len(root.handlers), root.level)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.split() == ["0", str(30)]
