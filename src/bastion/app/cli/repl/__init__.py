"""The interactive chat REPL (``bastion chat`` without ``-m``)."""

from bastion.app.cli.repl.app import Repl, ReplIO, key_bindings

__all__ = ["Repl", "ReplIO", "key_bindings"]
