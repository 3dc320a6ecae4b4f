"""Leak rules: credentials in configuration files and connection strings (cloud SDK config,
package manager and container registry auth, message-bus connection strings), and more vendor
formats.

Each pattern is the documented shape. Distinctive prefixes block; values with no prefix of
their own need a keyword next to them and redact only.
"""

from __future__ import annotations

from bastion.safety.leak_rule import LeakRule

__all__ = ["CONFIG_RULES"]

CONFIG_RULES: tuple[LeakRule, ...] = ()
