"""Leak detection, prompt-injection defense, validation, policy and wrapping. Pure: no I/O."""
