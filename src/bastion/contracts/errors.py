"""The one exception tree of Bastion. Each branch carries the contract's exit code.

    BastionError                      exit 1
    ├── UsageError                    exit 2   bad command-line input
    ├── ConfigError                   exit 2   bad or missing settings
    │   └── VaultKeyError             exit 2   wrong or unavailable master key
    ├── OperationFailed               exit 1
    │   ├── LLMError                  exit 1
    │   │   ├── LLMAuthError                   401/403 from the provider
    │   │   ├── LLMModelNotFound               unknown model
    │   │   ├── ContextOverflow                prompt larger than the model's window
    │   │   └── LLMUnavailable                 retries exhausted or circuit open
    │   ├── ToolError                          a tool failed on its own
    │   ├── StoreError                         the database refused or is corrupt
    │   └── VaultError                         tampered ciphertext, missing secret
    └── PolicyRefusal                 exit 3   Bastion refused on purpose
        ├── CapabilityDenied                   the manifest or policy does not grant it
        ├── LimitExceeded                      a sandbox or dispatcher limit fired
        ├── LeakBlocked                        a secret was about to leave
        ├── EgressDenied                       the network request is not allowed
        └── ApprovalDenied                     the user (or expiry) said no

Dependency errors are converted where they enter (``raise LLMError(...) from exc``), so
callers above a boundary only ever see this tree.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "ApprovalDenied",
    "BastionError",
    "CapabilityDenied",
    "ConfigError",
    "ContextOverflow",
    "EgressDenied",
    "LLMAuthError",
    "LLMError",
    "LLMModelNotFound",
    "LLMUnavailable",
    "LeakBlocked",
    "LimitExceeded",
    "OperationFailed",
    "PolicyRefusal",
    "StoreError",
    "ToolError",
    "UsageError",
    "VaultError",
    "VaultKeyError",
]


class BastionError(Exception):
    """Base of every error Bastion raises on purpose. ``str(err)`` is a one-line message."""

    exit_code: ClassVar[int] = 1


class UsageError(BastionError):
    exit_code = 2


class ConfigError(BastionError):
    exit_code = 2


class VaultKeyError(ConfigError):
    """The master key is wrong, malformed or cannot be obtained."""


class OperationFailed(BastionError):
    exit_code = 1


class LLMError(OperationFailed):
    pass


class LLMAuthError(LLMError):
    pass


class LLMModelNotFound(LLMError):
    pass


class ContextOverflow(LLMError):
    pass


class LLMUnavailable(LLMError):
    pass


class ToolError(OperationFailed):
    pass


class StoreError(OperationFailed):
    pass


class VaultError(OperationFailed):
    pass


class PolicyRefusal(BastionError):
    exit_code = 3


class CapabilityDenied(PolicyRefusal):
    def __init__(self, capability: str, detail: str) -> None:
        super().__init__(f"{capability} denied: {detail}")
        self.capability = capability
        self.detail = detail


class LimitExceeded(PolicyRefusal):
    """A named limit fired: fuel, timeout, memory, output, http_requests, log, invoke_depth…"""

    def __init__(self, limit: str, detail: str) -> None:
        super().__init__(f"limit '{limit}' exceeded: {detail}")
        self.limit = limit
        self.detail = detail


class LeakBlocked(PolicyRefusal):
    pass


class EgressDenied(PolicyRefusal):
    pass


class ApprovalDenied(PolicyRefusal):
    pass
