"""Encrypted secrets. Only kernel and app import this package."""
