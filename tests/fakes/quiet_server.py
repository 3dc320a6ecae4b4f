"""A threaded HTTP server for tests that stays quiet when a client hangs up on purpose (a size
limit, a timeout, a dropped stream): those are what the tests provoke, not server faults."""

from __future__ import annotations

import sys
from http.server import ThreadingHTTPServer
from typing import Any


class QuietHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)
