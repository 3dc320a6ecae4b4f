"""The `bastion` command line. One module per command group; heavy imports stay inside commands
so that `bastion --help` starts fast."""
