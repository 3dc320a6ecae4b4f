"""``EgressClient``: the one way out to the network.

For each hop of a request: validate and normalise the URL, check it against the grant's
allowlist, resolve the name once and check every address, leak-scan what the caller sent,
inject the mapped credentials, then connect to the validated IP itself (the URL carries the IP;
the ``Host`` header and TLS SNI carry the name, so certificates are still checked against the
name). Redirects are never followed by the HTTP library: each ``Location`` is a new hop that
passes every check again, at most ``max_redirects`` times. The response is read up to the size
cap, and any secret in it (a server echoing an injected token, say) is redacted before the caller
sees it. The outgoing scan runs on what the caller sent, before injection, so the host's own
credential never trips it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from bastion.contracts.errors import EgressDenied, LeakBlocked, LimitExceeded, OperationFailed
from bastion.egress._addresses import AddressPolicy
from bastion.egress._allowlist import AllowRule, check_allowed
from bastion.egress._credentials import CredentialMapping, CredentialSource, inject
from bastion.egress._leak_scan import CombinedScanner, ExactValueScanner, TrafficScanner
from bastion.egress._resolver import Resolver, SystemResolver
from bastion.egress._url import ParsedUrl, parse_url

if TYPE_CHECKING:
    # httpx is imported by the methods that send: its import (~0.1 s, ~4 MB with the click
    # and rich modules its CLI pulls in) is paid by a process only once something is fetched.
    import httpx

__all__ = [
    "EgressClient",
    "EgressConfig",
    "EgressGrant",
    "EgressRequest",
    "EgressResponse",
    "NetworkError",
]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_DROPPED_HEADERS = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade",
     "te", "trailer", "proxy-authorization", "proxy-connection"}
)  # fmt: skip
_CROSS_HOST_DROPPED = frozenset({"authorization", "cookie", "proxy-authorization"})


class NetworkError(OperationFailed):
    """The request was allowed but the network or the server failed it."""


@dataclass(frozen=True, slots=True)
class EgressConfig:
    """Process-wide network rules; the app builds it from ``[egress]`` settings."""

    allow_http: bool = False
    allow_private_cidrs: tuple[str, ...] = ()
    max_redirects: int = 3
    max_request_bytes: int = 1_048_576
    max_response_bytes: int = 10_485_760
    timeout_s: float = 30.0


@dataclass(frozen=True, slots=True)
class EgressGrant:
    """What one caller (a tool's manifest, the http tool's settings) may reach."""

    allow: tuple[AllowRule, ...] = ()
    credentials: tuple[CredentialMapping, ...] = ()


@dataclass(frozen=True, slots=True)
class EgressRequest:
    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    timeout_s: float | None = None  # capped by the config's timeout


@dataclass(frozen=True, slots=True)
class EgressResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    url: str
    redacted: bool = False  # a secret (a stored value or a credential pattern) was replaced
    injected: tuple[str, ...] = field(default_factory=tuple)  # secret names added on the way
    # One of *our* stored secrets came back (an echoing or hostile server): worth a denial,
    # unlike a page that merely shows someone's credential-shaped text (redacted, delivered).
    reflected: bool = False


class EgressClient:
    def __init__(
        self,
        config: EgressConfig,
        *,
        resolver: Resolver | None = None,
        credentials: CredentialSource | None = None,
        scanner: TrafficScanner | None = None,
    ) -> None:
        self._config = config
        self._addresses = AddressPolicy.from_cidrs(config.allow_private_cidrs)
        self._resolver = resolver or SystemResolver()
        self._credentials = credentials
        self._scanner = scanner
        # Built on first use: importing httpx and loading the CA bundle cost ~0.15 s, and most
        # chats never fetch.
        self._http_client: httpx.Client | None = None
        self._http_lock = threading.Lock()

    @property
    def _http(self) -> httpx.Client:
        import httpx

        with self._http_lock:
            if self._http_client is None:
                # trust_env=False: proxy variables must not route traffic around these checks.
                self._http_client = httpx.Client(follow_redirects=False, trust_env=False)
            return self._http_client

    @property
    def config(self) -> EgressConfig:
        return self._config

    def close(self) -> None:
        with self._http_lock:
            if self._http_client is not None:
                self._http_client.close()
                self._http_client = None

    def _scanner_now(self) -> tuple[TrafficScanner, TrafficScanner]:
        """The exact-value floor over the source's current values, and the floor with
        ``scanner`` if given (the app's ``LeakDetector``), so patterns only add to it."""
        values: Collection[str] = self._credentials.known_values() if self._credentials else ()
        floor = ExactValueScanner(values)
        if self._scanner is None:
            return floor, floor
        return floor, CombinedScanner((self._scanner, floor))

    async def fetch_async(self, request: EgressRequest, grant: EgressGrant) -> EgressResponse:
        return await asyncio.to_thread(self.fetch, request, grant)

    def fetch(self, request: EgressRequest, grant: EgressGrant) -> EgressResponse:
        """Send ``request`` under ``grant``. Raises ``EgressDenied`` / ``LeakBlocked`` /
        ``LimitExceeded`` when refused and ``NetworkError`` when the network fails."""
        body = request.body or b""
        if len(body) > self._config.max_request_bytes:
            raise LimitExceeded(
                "http_request_bytes",
                f"body of {len(body)} bytes over {self._config.max_request_bytes}",
            )
        floor, scanner = self._scanner_now()
        self._scan_outgoing(scanner, request)
        timeout = min(request.timeout_s or self._config.timeout_s, self._config.timeout_s)
        deadline = time.monotonic() + timeout
        method, url_text, headers = request.method.upper(), request.url, request.headers
        previous: ParsedUrl | None = None
        for _hop in range(self._config.max_redirects + 1):
            url = parse_url(url_text, allow_http=self._config.allow_http)
            check_allowed(grant.allow, method, url)
            if previous is not None and previous.host != url.host:
                headers = tuple((k, v) for k, v in headers if k.lower() not in _CROSS_HOST_DROPPED)
            response, injected = self._send_hop(
                method, url, headers=headers, body=body, grant=grant, deadline=deadline
            )
            location = response.headers.get("location")
            if response.status_code not in _REDIRECTS or location is None:
                return self._finish(response, url, (floor, scanner), deadline, injected)
            response.close()
            if scanner.contains_secret(location.encode()):
                raise LeakBlocked("a redirect points at a URL carrying a secret; not followed")
            url_text = urljoin(url.url(), location)
            if response.status_code == 303 or (
                response.status_code in (301, 302) and method == "POST"
            ):
                method, body = "GET", b""
            previous = url
        raise EgressDenied(f"more than {self._config.max_redirects} redirects")

    def _scan_outgoing(self, scanner: TrafficScanner, request: EgressRequest) -> None:
        parts = [request.url.encode(), request.body or b""]
        parts += [f"{k}: {v}".encode() for k, v in request.headers]
        if any(scanner.contains_secret(part) for part in parts):
            raise LeakBlocked(
                "the request carries a secret (a stored value or a credential pattern); "
                "it was not sent"
            )

    def _send_hop(
        self,
        method: str,
        url: ParsedUrl,
        *,
        headers: tuple[tuple[str, str], ...],
        body: bytes,
        grant: EgressGrant,
        deadline: float,
    ) -> tuple[httpx.Response, tuple[str, ...]]:
        import httpx

        addresses = (
            [ipaddress.ip_address(url.host)]
            if url.is_ip
            else self._resolver.resolve(url.host, url.port)
        )
        self._addresses.check(url.host, addresses)
        kept = tuple((k, v) for k, v in headers if k.lower() not in _DROPPED_HEADERS)
        injected = inject(grant.credentials, self._credentials, url, kept)
        pinned = replace(url, host=str(addresses[0]), query=injected.query)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise NetworkError(f"timed out before connecting to {url.host}")
        request = self._http.build_request(
            method,
            pinned.url(),
            headers=[("host", url.authority), *injected.headers],
            content=body if body else None,
            timeout=httpx.Timeout(remaining),
            extensions={"sni_hostname": url.host} if url.scheme == "https" else {},
        )
        try:
            response = self._http.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise NetworkError(f"{method} {url.host}{url.path} failed: {exc}") from exc
        return response, injected.injected

    def _finish(
        self,
        response: httpx.Response,
        url: ParsedUrl,
        scanners: tuple[TrafficScanner, TrafficScanner],
        deadline: float,
        injected: tuple[str, ...],
    ) -> EgressResponse:
        import httpx

        floor, scanner = scanners
        cap = self._config.max_response_bytes
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > cap:
                    raise LimitExceeded("http_response_bytes", f"response over {cap} bytes")
                if time.monotonic() > deadline:
                    raise NetworkError(f"reading the response from {url.host} timed out")
                chunks.append(chunk)
        except httpx.HTTPError as exc:
            raise NetworkError(f"reading the response from {url.host} failed: {exc}") from exc
        finally:
            response.close()
        body = b"".join(chunks)
        headers = tuple((k, v) for k, v in response.headers.multi_items())
        lines = [f"{k}: {v}".encode() for k, v in headers]
        redacted = scanner.contains_secret(body) or any(map(scanner.contains_secret, lines))
        reflected = redacted and (
            floor.contains_secret(body) or any(map(floor.contains_secret, lines))
        )
        if redacted:
            body = scanner.redact(body)
            headers = tuple(
                (k, scanner.redact(v.encode()).decode("utf-8", "replace")) for k, v in headers
            )
        return EgressResponse(
            response.status_code, headers, body, url.url(), redacted, injected, reflected
        )
