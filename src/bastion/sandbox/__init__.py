"""Runs authorised tool calls in WebAssembly components."""
