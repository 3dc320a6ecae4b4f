"""Leak detection, prompt-injection defense, validation, policy and wrapping. Pure: no I/O."""

from bastion.safety.content_check import ContentChecker
from bastion.safety.findings import Finding, LeakAction, Severity
from bastion.safety.leak_detector import VAULT_SECRET_RULE, LeakDetector, LeakScan
from bastion.safety.log_redaction import RedactingFilter, install_log_redaction
from bastion.safety.policy import PolicyEngine, PolicyViolation
from bastion.safety.sanitizer import InjectionFinding, Sanitizer, SanitizeResult
from bastion.safety.validator import (
    InputLimits,
    ValidationResult,
    validate_text,
    validate_tool_arguments,
)
from bastion.safety.verdicts import Verdict
from bastion.safety.wrapper import (
    SYSTEM_PROMPT_RULE,
    new_boundary,
    system_prompt_rule,
    wrap_untrusted,
)

__all__ = [
    "SYSTEM_PROMPT_RULE",
    "VAULT_SECRET_RULE",
    "ContentChecker",
    "Finding",
    "InjectionFinding",
    "InputLimits",
    "LeakAction",
    "LeakDetector",
    "LeakScan",
    "PolicyEngine",
    "PolicyViolation",
    "RedactingFilter",
    "SanitizeResult",
    "Sanitizer",
    "Severity",
    "ValidationResult",
    "Verdict",
    "install_log_redaction",
    "new_boundary",
    "system_prompt_rule",
    "validate_text",
    "validate_tool_arguments",
    "wrap_untrusted",
]
