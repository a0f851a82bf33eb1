"""What a tab sees when its state cannot be reached: Redis, holding every tab's
state when REDIS_URL is set, is down.

Reflex loads a tab's state before any of our code runs, so no handler can help:
this is the app's backend exception handler. For a Redis error it says what the
database outage says ("unavailable, nothing was lost"), puts a refused question
back in the box (the composer keeps a copy of it until the server stores it),
and has the page watch /health and load itself again once Redis answers. The
reload rebuilds the tab's state from the database; the question comes back from
the composer's copy. Any other error keeps Reflex's handler.

An answer being written when Redis goes is not affected: its writer saves to the
database (services/generation.py); the reloaded page shows it.
"""

from __future__ import annotations

import logging

import reflex as rx
from reflex.app import default_backend_exception_handler

from finucity.services.errors import Unavailable
from finucity.telemetry import metrics
from finucity.telemetry.logs import ThrottledWarning

log = logging.getLogger(__name__)

# The composer (components/client/composer.jsx) puts its unconfirmed text back on this.
GIVE_BACK_EVENT = "finucity:give-back"
# Seconds between the page's checks of /health while it waits for Redis.
RECHECK_S = 2
STAYS_MS = 10 * 60 * 1000
_redis_down = ThrottledWarning(log)

_WAIT_FOR_REDIS = f"""
(() => {{
  window.dispatchEvent(new Event({GIVE_BACK_EVENT!r}));
  if (window.__fcWaitingForState) return;
  window.__fcWaitingForState = true;
  const check = () => fetch("/health", {{cache: "no-store"}})
    .then((r) => r.json())
    .then((h) => (h.redis === "ok" ? window.location.reload() : setTimeout(check, {RECHECK_S * 1000})))
    .catch(() => setTimeout(check, {RECHECK_S * 1000}));
  setTimeout(check, {RECHECK_S * 1000});
}})()
"""


def is_state_store_down(exc: BaseException) -> bool:
    """A Redis error anywhere in the exception's chain."""
    import redis.exceptions

    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, redis.exceptions.RedisError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def backend_exception_handler(exception: Exception):
    """Reflex calls this for an exception in any event (our handlers or its own).
    (Reflex checks the argument's name and annotation.)"""
    if not is_state_store_down(exception):
        return default_backend_exception_handler(exception)
    metrics.dependency_errors.labels("redis").inc()
    # The type only: the message can name the server, never a tab or a user.
    _redis_down.warn(
        "Redis unreachable for tab state (%s): events are refused until it returns", type(exception).__name__
    )
    return [
        # Until the page loads itself again: the tab can do nothing before that.
        rx.toast.error(Unavailable().message, id="finucity-unavailable", duration=STAYS_MS),
        rx.call_script(_WAIT_FOR_REDIS),
    ]
