"""Install-time inspection of a component's imports.

A tool may import our ``bastion:tool`` interfaces and the WASI interfaces a CPython guest needs
(the contract lists them). Anything else, ``wasi:http`` first of all (it would give the tool its
own HTTP client around egress), is refused with the full list of offending imports.
"""

from __future__ import annotations

import re

import wasmtime
from wasmtime import component

from bastion.contracts.errors import CapabilityDenied

__all__ = ["ALLOWED_INTERFACES", "check_imports", "disallowed_imports"]

ALLOWED_INTERFACES: dict[str, frozenset[str]] = {
    "wasi:cli": frozenset(
        {
            "environment",
            "exit",
            "stdin",
            "stdout",
            "stderr",
            "terminal-input",
            "terminal-output",
            "terminal-stdin",
            "terminal-stdout",
            "terminal-stderr",
        }
    ),
    "wasi:clocks": frozenset({"monotonic-clock", "wall-clock"}),
    "wasi:random": frozenset({"random", "insecure", "insecure-seed"}),
    "wasi:io": frozenset({"error", "poll", "streams"}),
    "wasi:filesystem": frozenset({"types", "preopens"}),
    "wasi:sockets": frozenset(
        {
            "network",
            "instance-network",
            "udp",
            "udp-create-socket",
            "tcp",
            "tcp-create-socket",
            "ip-name-lookup",
        }
    ),
}
_BASTION = frozenset({"bastion:tool/host@0.1.0", "bastion:tool/types@0.1.0"})
_WASI_NAME = re.compile(r"^(wasi:[a-z-]+)/([a-z-]+)@0\.2\.\d+$")


def disallowed_imports(comp: component.Component, engine: wasmtime.Engine) -> list[str]:
    offending: list[str] = []
    for name in comp.type.imports(engine):
        if name in _BASTION:
            continue
        match = _WASI_NAME.match(name)
        if match and match.group(2) in ALLOWED_INTERFACES.get(match.group(1), frozenset()):
            continue
        offending.append(name)
    return sorted(offending)


def check_imports(comp: component.Component, engine: wasmtime.Engine) -> None:
    offending = disallowed_imports(comp, engine)
    if offending:
        raise CapabilityDenied(
            "imports",
            "the component imports interfaces Bastion does not provide: " + ", ".join(offending),
        )
