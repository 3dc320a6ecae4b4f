"""``bastion doctor``'s question to the provider: reachable? key accepted? model served?

The SDKs are imported inside the probes so that importing this module (through ``factory``)
stays cheap.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from bastion.providers.config import ProviderConfig
from bastion.providers.failures import AUTH_HINT

__all__ = ["ProbeResult", "probe"]

_LISTED_NAMES_SHOWN = 5
_NO_KEY = "no-key"  # a probe without a key still learns whether the server is up


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What ``doctor`` reports. ``authenticated`` and ``model_found`` are None when the server
    could not say (it has no model listing, or it was not reached). ``detail`` is one line:
    what was found, or what is wrong and how to fix it."""

    base_url: str
    reachable: bool
    authenticated: bool | None
    model_found: bool | None
    detail: str
    latency_ms: float | None = None

    @property
    def ok(self) -> bool:
        return self.reachable and self.authenticated is not False and self.model_found is not False


async def probe(config: ProviderConfig) -> ProbeResult:
    """One request, no retries, ``config.probe_timeout_s``. Never raises for a failed probe:
    the answer is the result."""
    started = time.perf_counter()
    if config.provider == "anthropic":
        result = await _probe_anthropic(config)
    else:
        result = await _probe_openai(config)
    if not result.reachable:
        return result
    return replace(result, latency_ms=round((time.perf_counter() - started) * 1000, 1))


def _unreachable(base_url: str, reason: str) -> ProbeResult:
    return ProbeResult(
        base_url,
        reachable=False,
        authenticated=None,
        model_found=None,
        detail=f"cannot reach {base_url} ({reason}); is the server running? "
        "check BASTION_LLM_BASE_URL",
    )


def _rejected(base_url: str, status: int) -> ProbeResult:
    if status in (401, 403):
        return ProbeResult(base_url, True, False, None, f"{AUTH_HINT} (HTTP {status})")
    return ProbeResult(base_url, True, None, None, f"reachable, but it answered HTTP {status}")


def _listing_verdict(base_url: str, model: str, served: list[str]) -> ProbeResult:
    # Ollama lists "llama3:latest" for a model asked for as "llama3".
    if model in served or f"{model}:latest" in served:
        return ProbeResult(base_url, True, True, True, f"model '{model}' is served")
    shown = ", ".join(served[:_LISTED_NAMES_SHOWN]) or "none"
    more = f" and {len(served) - _LISTED_NAMES_SHOWN} more" if len(served) > 5 else ""
    return ProbeResult(
        base_url,
        True,
        True,
        False,
        f"the server does not serve model '{model}' (it lists {shown}{more}); "
        "set BASTION_LLM_MODEL",
    )


async def _probe_openai(config: ProviderConfig) -> ProbeResult:
    import openai

    from bastion.providers.openai_chat import new_openai_client

    base_url = config.endpoint
    async with new_openai_client(config, config.probe_timeout_s) as client:
        try:
            page = await client.models.list()
        except openai.APITimeoutError:
            return _unreachable(base_url, f"no answer within {config.probe_timeout_s:g}s")
        except openai.APIConnectionError:
            return _unreachable(base_url, "connection failed")
        except openai.APIStatusError as exc:
            if exc.status_code in (404, 405):
                return ProbeResult(
                    base_url,
                    True,
                    None,
                    None,
                    "reachable; the server has no model listing, so the model was not checked",
                )
            return _rejected(base_url, exc.status_code)
    return _listing_verdict(base_url, config.model, [model.id for model in page.data])


async def _probe_anthropic(config: ProviderConfig) -> ProbeResult:
    import anthropic

    from bastion.providers.anthropic_chat import anthropic_endpoint, new_anthropic_client

    base_url = anthropic_endpoint(config)
    keyed = config if config.api_key else replace(config, api_key=_NO_KEY)
    async with new_anthropic_client(keyed, config.probe_timeout_s) as client:
        try:
            await client.models.retrieve(config.model)
        except anthropic.APITimeoutError:
            return _unreachable(base_url, f"no answer within {config.probe_timeout_s:g}s")
        except anthropic.APIConnectionError:
            return _unreachable(base_url, "connection failed")
        except anthropic.APIStatusError as exc:
            if exc.status_code == 404:
                detail = f"the provider does not know model '{config.model}'; set BASTION_LLM_MODEL"
                return ProbeResult(base_url, True, True, False, detail)
            return _rejected(base_url, exc.status_code)
    return ProbeResult(base_url, True, True, True, f"model '{config.model}' is served")
