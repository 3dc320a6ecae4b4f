from __future__ import annotations

from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest
from tests.egress.loopback_server import loopback_server


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    with loopback_server() as srv:
        yield srv
