"""The agent and runner packages' public names, pinned so a change is a deliberate one."""

from __future__ import annotations

import bastion.agent
import bastion.runner


def test_agent_exports() -> None:
    assert sorted(bastion.agent.__all__) == sorted(
        [
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
    )
    for name in bastion.agent.__all__:
        assert getattr(bastion.agent, name) is not None


def test_runner_exports() -> None:
    assert sorted(bastion.runner.__all__) == [
        "ChatSession",
        "SessionConfig",
        "TurnOutcome",
        "load_identity",
    ]
