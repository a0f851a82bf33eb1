"""Is the service usable? Checks the database and Redis; never calls the model."""

from __future__ import annotations

import asyncio
import dataclasses

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


def _ai_service() -> str:
    # Calling the model here would cost money on every probe; report the setup.
    settings = get_settings()
    return "offline assistant" if settings.offline_mode else f"configured ({settings.ai_model})"


async def check() -> Health:
    database, redis_state = await asyncio.gather(_database(), _redis())
    degraded = redis_state == "unavailable"
    status = "down" if database != "ok" else ("degraded" if degraded else "ok")
    return Health(status=status, database=database, ai_service=_ai_service(), redis=redis_state)
