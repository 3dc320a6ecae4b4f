"""How a provider's failures become Bastion errors: one place, shared by both vendors.

Adapters classify each SDK exception here. Permanent failures come out as the contract's
``LLMError`` subclasses; transient ones (429, 5xx, timeouts, dropped connections) as
``TransientFailure``, which only ``retry`` sees and which never leaves this package.
"""

from __future__ import annotations

from collections.abc import Mapping

from bastion.contracts.errors import (
    ContextOverflow,
    LLMAuthError,
    LLMError,
    LLMModelNotFound,
    LLMUnavailable,
)

__all__ = [
    "AUTH_HINT",
    "TransientFailure",
    "auth_error",
    "parse_retry_after",
    "scrub",
    "status_failure",
    "stream_failure",
    "transport_failure",
]

AUTH_HINT = "the provider rejected the API key; run `bastion onboard` or set BASTION_LLM_API_KEY"

# Phrases vendors and OpenAI-compatible servers (vLLM, llama.cpp, Ollama, OpenRouter) use when
# a prompt does not fit the model's window.
_OVERFLOW_MARKERS = (
    "context_length_exceeded",
    "maximum context length",
    "context length",
    "context size",
    "context window",
    "prompt is too long",
    "too many tokens",
    "exceeds the context",
    "input is too long",
)
_TRANSIENT_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 520, 522, 524, 529})
_DETAIL_LIMIT = 200


class TransientFailure(Exception):
    """A failure worth retrying. ``retry_after``: what the server asked for, in seconds."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def scrub(text: str, secret: str | None) -> str:
    """One line of server text, shortened, with the API key cut out should a server echo it."""
    line = " ".join(text.split())
    if secret:
        line = line.replace(secret, "[REDACTED]")
    if len(line) > _DETAIL_LIMIT:
        line = line[: _DETAIL_LIMIT - 1] + "…"
    return line


def auth_error(status: int | None = None) -> LLMAuthError:
    suffix = f" (HTTP {status})" if status else ""
    return LLMAuthError(AUTH_HINT + suffix)


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """``retry-after-ms`` (OpenAI, Anthropic) or ``retry-after`` in seconds; dates are ignored:
    the jittered backoff covers them."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) / scale
        except ValueError:
            continue
        if seconds >= 0:
            return seconds
    return None


def status_failure(
    *,
    status: int,
    detail: str,
    model: str,
    endpoint: str,
    retry_after: float | None,
) -> LLMError | TransientFailure:
    """Classify an HTTP error answer. ``detail`` must already be scrubbed."""
    lowered = detail.lower()
    if status in (401, 403):
        return auth_error(status)
    if status == 404:
        return LLMModelNotFound(
            f"the provider at {endpoint} does not know the model '{model}' (HTTP 404); "
            "check BASTION_LLM_MODEL and the base URL, `bastion doctor` lists what it serves"
        )
    if status in (400, 413, 422) and any(marker in lowered for marker in _OVERFLOW_MARKERS):
        return ContextOverflow(f"the prompt is larger than the context window of '{model}'")
    if status in _TRANSIENT_STATUSES or status >= 500:
        return TransientFailure(f"HTTP {status}", retry_after)
    return LLMError(f"the provider at {endpoint} refused the request (HTTP {status}): {detail}")


_HTTP_LIBRARIES = frozenset({"httpx", "httpx2", "httpcore", "httpcore2"})


def transport_failure(exc: BaseException, timeout_s: float) -> TransientFailure | None:
    """The HTTP library's own errors, which the SDKs let escape while a stream is being read.
    Recognised by class name so this works whichever httpx line the SDK was built on."""
    names = {
        cls.__name__
        for cls in type(exc).__mro__
        if cls.__module__.split(".", 1)[0] in _HTTP_LIBRARIES
    }
    if "TimeoutException" in names or "ReadTimeout" in names:
        return TransientFailure(f"timed out after {timeout_s:g}s")
    if names & {"TransportError", "NetworkError", "ReadError", "RemoteProtocolError"}:
        return TransientFailure("connection lost")
    return None


def stream_failure(
    failure: LLMError | TransientFailure | Exception, endpoint: str, emitted_text: bool
) -> Exception:
    """What a failed stream raises: once text has reached the user a retry would repeat it,
    so a transient failure then ends the call instead of being retried."""
    if emitted_text and isinstance(failure, TransientFailure):
        return LLMUnavailable(f"the stream from {endpoint} broke off ({failure.reason})")
    return failure
