"""Egress: the one way out to the network, denying by default.

Used by WASM tools (``http-fetch``), the built-in ``http`` tool, and later MCP and container
jobs. Build one ``EgressClient`` from ``EgressConfig`` (settings) and call ``fetch`` with each
caller's ``EgressGrant`` (its allowlist and credential mappings).
"""

from bastion.egress._addresses import AddressPolicy, IPAddress
from bastion.egress._allowlist import (
    AllowRule,
    check_allowed,
    host_matches,
    path_within,
    pattern_covers,
    validate_host_pattern,
)
from bastion.egress._client import (
    EgressClient,
    EgressConfig,
    EgressGrant,
    EgressRequest,
    EgressResponse,
    NetworkError,
)
from bastion.egress._credentials import CredentialMapping, CredentialSource, parse_location
from bastion.egress._leak_scan import (
    CombinedScanner,
    DetectorScanner,
    ExactValueScanner,
    TrafficScanner,
)
from bastion.egress._resolver import Resolver, SystemResolver
from bastion.egress._url import ParsedUrl, parse_url

__all__ = [
    "AddressPolicy",
    "AllowRule",
    "CombinedScanner",
    "CredentialMapping",
    "CredentialSource",
    "DetectorScanner",
    "EgressClient",
    "EgressConfig",
    "EgressGrant",
    "EgressRequest",
    "EgressResponse",
    "ExactValueScanner",
    "IPAddress",
    "NetworkError",
    "ParsedUrl",
    "Resolver",
    "SystemResolver",
    "TrafficScanner",
    "check_allowed",
    "host_matches",
    "parse_location",
    "parse_url",
    "path_within",
    "pattern_covers",
    "validate_host_pattern",
]
