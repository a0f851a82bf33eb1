"""Is the service usable? Checks the database, Redis and the AI provider, separately.

`usable` (the answer to /health and /health/ready) needs the database. Redis
down leaves the API serving (rate limits fall back to each worker's own
counters), so it makes the service degraded, not down: every worker shares
the same Redis, and taking them all out of a load balancer would help nobody.
The AI provider is asked for its model list, which costs no tokens, at most
once a minute; one that fails also makes the service degraded: questions are
still saved and marked, and the rest of the app works.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time

import openai
from sqlalchemy import text

from finucity.config import VERSION, get_settings
from finucity.services.context import read_only
from finucity.telemetry import metrics


@dataclasses.dataclass(frozen=True)
class Health:
    status: str
    database: str
    ai_service: str
    redis: str
    version: str = VERSION

    @property
    def usable(self) -> bool:
        return self.database == "ok"


async def _database() -> str:
    try:
        async with asyncio.timeout(3):
            async with read_only() as session:
                await session.execute(text("SELECT 1"))
        return "ok"
    except Exception:  # noqa: BLE001 (whatever the driver raises, the answer is "unavailable")
        return "unavailable"


async def _redis() -> str:
    url = get_settings().redis_url
    if not url:
        return "not configured"
    import redis.asyncio as aioredis

    client = aioredis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        await client.ping()
        return "ok"
    except Exception:  # noqa: BLE001 (as above)
        metrics.dependency_errors.labels("redis").inc()
        return "unavailable"
    finally:
        await client.aclose()


# (when, which endpoint and model, what it said): a probe every few seconds
# from each load balancer must not become a request to the provider each.
AI_CHECK_TTL_S = 60.0
_ai_checked: tuple[float, str, str] | None = None


async def _ai_service() -> str:
    global _ai_checked
    settings = get_settings()
    if settings.offline_mode:
        return "offline assistant"
    which = f"{settings.ai_base_url}|{settings.ai_model}"
    now = time.monotonic()
    if _ai_checked is not None and _ai_checked[1] == which and now - _ai_checked[0] < AI_CHECK_TTL_S:
        return _ai_checked[2]
    result = f"{await _probe_ai(settings)} ({settings.ai_model})"
    _ai_checked = (now, which, result)
    return result


async def _probe_ai(settings) -> str:
    """The model list: proves the endpoint answers and the key is accepted, at no cost."""
    client = openai.AsyncOpenAI(
        base_url=settings.ai_base_url, api_key=settings.effective_ai_key, timeout=3.0, max_retries=0
    )
    try:
        await client.models.list()
        return "ok"
    except (openai.AuthenticationError, openai.PermissionDeniedError):
        return "key rejected"
    except openai.NotFoundError:
        return "ok"  # an endpoint without a model list (it answered, with the key)
    except openai.OpenAIError:
        return "unavailable"
    finally:
        await client.close()


def reset_ai_check() -> None:
    global _ai_checked
    _ai_checked = None


async def check() -> Health:
    database, redis_state, ai_state = await asyncio.gather(_database(), _redis(), _ai_service())
    degraded = redis_state == "unavailable" or ai_state.startswith(("unavailable", "key rejected"))
    status = "down" if database != "ok" else ("degraded" if degraded else "ok")
    return Health(status=status, database=database, ai_service=ai_state, redis=redis_state)
