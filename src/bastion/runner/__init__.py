"""Hosts the agent loop: gives it its ports and saves each turn."""

from bastion.runner.identity import load_identity
from bastion.runner.session import ChatSession, SessionConfig, TurnOutcome

__all__ = ["ChatSession", "SessionConfig", "TurnOutcome", "load_identity"]
