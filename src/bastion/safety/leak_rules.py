"""The default leak rule table, assembled from the per-family modules."""

from __future__ import annotations

from bastion.safety.leak_rule import LeakRule
from bastion.safety.leak_rules_business import BUSINESS_RULES
from bastion.safety.leak_rules_config import CONFIG_RULES
from bastion.safety.leak_rules_devops import DEVOPS_RULES
from bastion.safety.leak_rules_generic import GENERIC_RULES
from bastion.safety.leak_rules_platforms import PLATFORM_RULES
from bastion.safety.leak_rules_services import SERVICE_RULES

__all__ = ["DEFAULT_LEAK_RULES", "LeakRule", "rule_names"]

# Order matters only for ties: on an identical span the earlier (more specific) rule wins, so
# the rules that know no vendor come last.
DEFAULT_LEAK_RULES: tuple[LeakRule, ...] = (
    PLATFORM_RULES + SERVICE_RULES + DEVOPS_RULES + BUSINESS_RULES + CONFIG_RULES + GENERIC_RULES
)


def rule_names() -> frozenset[str]:
    return frozenset(r.name for r in DEFAULT_LEAK_RULES)


def _check_unique() -> None:
    names = [r.name for r in DEFAULT_LEAK_RULES]
    if len(names) != len(set(names)):
        raise RuntimeError("duplicate leak rule names")


_check_unique()
