"""The agent loop: context, tool-call loop, compaction. Untrusted; contracts only, no I/O."""
