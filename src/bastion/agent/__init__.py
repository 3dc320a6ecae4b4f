"""The agent loop: context, tool-call loop, compaction. Untrusted; contracts only, no I/O."""

from bastion.agent.compaction import CompactionResult, Compactor, estimate_tokens, plan_compaction
from bastion.agent.context import IDENTITY_FILES, IdentityDocument, PromptContext, build_request
from bastion.agent.loop import AgentLoop, LoopSettings
from bastion.agent.turn import TurnResult

__all__ = [
    "IDENTITY_FILES",
    "AgentLoop",
    "CompactionResult",
    "Compactor",
    "IdentityDocument",
    "LoopSettings",
    "PromptContext",
    "TurnResult",
    "build_request",
    "estimate_tokens",
    "plan_compaction",
]
