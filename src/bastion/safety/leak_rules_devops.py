"""Leak rules: CI/CD, code hosting, deploy and hosting platforms, infrastructure and observability.

Each pattern is the vendor's documented token shape. Distinctive prefixes block; values with
no prefix of their own need a keyword next to them and redact only.
"""

from __future__ import annotations

from bastion.safety.leak_rule import LeakRule

__all__ = ["DEVOPS_RULES"]

DEVOPS_RULES: tuple[LeakRule, ...] = ()
