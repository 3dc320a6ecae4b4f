"""Bastion: a personal AI agent that treats every tool, model answer and outside text as hostile."""

__version__ = "0.1.0"
