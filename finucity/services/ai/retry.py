"""What the app does when the AI service misbehaves: retry, give up, time out.

The policy, in one place:

* **Retry only before the first piece of text.** A 429, a 5xx, a refused or
  dropped connection, or a timeout that happens before anything reached the
  user is retried, up to `AI_MAX_RETRIES` times, with exponential backoff and
  jitter, or after the `Retry-After` the service asked for. Once text has
  streamed, nothing is retried: a second attempt would answer differently and
  the user would see two answers glued together. The generation keeps what
  arrived and marks it failed, and the user presses Retry.
* **Never wait longer than `AI_RETRY_MAX_WAIT_S`** for one retry: a service
  asking for a minute is treated as down now, and the user hears so at once.
* **Time-outs**: `AI_TIMEOUT_S` for each network read, and twice that for
  the first piece of text of an attempt; `AI_STREAM_IDLE_TIMEOUT_S` between
  pieces afterwards.
* **A rejected key (401/403) is an operator's problem**: it is logged as an
  error naming the setting to check (never the key itself), and the user is
  told the assistant is unavailable.

The wrapper works on any provider's stream of text; errors must already be
`ProviderError`s whose `__cause__` is the SDK's exception (for its status
code and headers).
"""

from __future__ import annotations

import asyncio
import dataclasses
import email.utils
import logging
import random
import time
from collections.abc import AsyncIterator, Callable

from finucity.config import Settings
from finucity.services.ai.provider import ProviderError

log = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
# Codes of failures with no HTTP status (transport level) worth another try.
RETRYABLE_CODES = frozenset({"connection", "timeout", "rate_limited"})


def stalled() -> ProviderError:
    return ProviderError("The AI service stopped sending the answer. Please retry.", code="timeout")


def first_token_timeout() -> ProviderError:
    return ProviderError("The AI service took too long to answer. Please try again.", code="timeout")


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 1
    backoff_s: float = 0.5
    max_wait_s: float = 20.0
    first_token_timeout_s: float = 60.0
    idle_timeout_s: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            max_retries=settings.ai_max_retries,
            backoff_s=settings.ai_retry_backoff_s,
            max_wait_s=settings.ai_retry_max_wait_s,
            # AI_TIMEOUT_S bounds each network read (connect, head, chunk); this
            # backstop also ends a service that sends nothing but empty chunks.
            first_token_timeout_s=2 * settings.ai_timeout_s,
            idle_timeout_s=settings.ai_stream_idle_timeout_s,
        )

    def delay(self, error: ProviderError, retries_done: int) -> float | None:
        """Seconds to wait before the next attempt, or None: give up now."""
        if retries_done >= self.max_retries or not is_retryable(error):
            return None
        asked = retry_after(error)
        if asked is not None:
            return asked if asked <= self.max_wait_s else None
        # Exponential backoff with full jitter on the upper half.
        ceiling = min(self.max_wait_s, self.backoff_s * (2**retries_done))
        return ceiling * (0.5 + random.random() / 2)


def status_of(error: BaseException) -> int | None:
    cause = error.__cause__
    status = getattr(cause, "status_code", None)
    return status if isinstance(status, int) else None


def is_retryable(error: ProviderError) -> bool:
    status = status_of(error)
    if status is not None:
        return status in RETRYABLE_STATUSES
    return error.code in RETRYABLE_CODES or error.code == "provider_error"


def retry_after(error: ProviderError) -> float | None:
    """Seconds the service asked us to wait (`retry-after-ms` or `Retry-After`)."""
    response = getattr(error.__cause__, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            return max(0.0, float(value) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        return max(0.0, email.utils.mktime_tz(parsed) - time.time())


def report(error: ProviderError, *, model: str, base_url: str) -> None:
    """The operator-facing line for failures only an operator can fix."""
    if error.code == "auth":
        log.error(
            "The AI service at %s refused the API key (HTTP %s) for model %s: the assistant is unavailable "
            "until AI_API_KEY (or GITHUB_TOKEN / OPENAI_API_KEY) is fixed",
            base_url,
            status_of(error) or "?",
            model,
        )
    elif error.code == "model":
        log.error("The AI service at %s does not serve model %s: check AI_MODEL", base_url, model)


async def _next(stream: AsyncIterator[str], timeout: float, timed_out: Callable[[], ProviderError]) -> str:
    try:
        async with asyncio.timeout(timeout):
            return await anext(stream)
    except TimeoutError:
        raise timed_out() from None


async def with_retries(
    attempt: Callable[[], AsyncIterator[str]],
    policy: RetryPolicy,
    *,
    model: str = "",
    base_url: str = "",
) -> AsyncIterator[str]:
    """The text of `attempt()`, tried again on a retryable failure before any text."""
    retries = 0
    while True:
        stream = attempt()
        streamed = False
        try:
            while True:
                timeout = policy.idle_timeout_s if streamed else policy.first_token_timeout_s
                try:
                    piece = await _next(stream, timeout, stalled if streamed else first_token_timeout)
                except StopAsyncIteration:
                    return
                streamed = True
                yield piece
        except ProviderError as exc:
            wait = None if streamed else policy.delay(exc, retries)
            if wait is None:
                report(exc, model=model, base_url=base_url)
                if streamed:
                    log.warning("AI stream failed after text had streamed (%s): not retried", exc.code)
                raise
            retries += 1
            log.warning(
                "AI attempt failed before any text (%s, HTTP %s): retry %d of %d in %.2f s",
                exc.code,
                status_of(exc) or "-",
                retries,
                policy.max_retries,
                wait,
            )
        finally:
            await stream.aclose()
        await asyncio.sleep(wait)
