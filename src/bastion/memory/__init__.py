"""The workspace: path-addressed documents and hybrid (full-text + vector) search."""
