"""LLM adapters over the official SDKs."""
