"""Application layer: settings (the only place that reads configuration), wiring, CLI."""
