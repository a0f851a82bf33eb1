"""Redis goes down and comes back while the app keeps running.

What we decided (README, "When things fail"): Redis holds the shared rate
limit counters and, when REDIS_URL is set, the Reflex state of every tab.
While it is down the API keeps answering, the rate limits fall back to each
worker's own counters with a warning in the log (still limited, never
unlimited), /health says "degraded" (200: the database, which holds every
conversation, is fine); the shared counters are used again when it returns.
"""

from __future__ import annotations

import logging
import uuid

import httpx
import pytest
import redis

from tests.faults.own_services import REDIS_SERVER, own_redis

pytestmark = pytest.mark.skipif(not REDIS_SERVER.exists(), reason=f"no redis-server at {REDIS_SERVER}")


def _keys(url: str) -> list:
    with redis.Redis.from_url(url, socket_connect_timeout=1) as client:
        return client.keys("*")


async def _send(client: httpx.AsyncClient, text: str) -> httpx.Response:
    return await client.post("/api/send-message", json={"message": text})


async def test_redis_down_and_back_rate_limits_fall_back_and_the_api_keeps_answering(
    sqlite_database, settings_env, caplog
):
    from finucity.api import create_api

    with own_redis() as server:
        settings_env(REDIS_URL=server.url, RATE_LIMIT="3/minute")
        transport = httpx.ASGITransport(app=create_api())
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=30) as client:
            signup = await client.post(
                "/api/auth/signup",
                json={
                    "email": f"r-{uuid.uuid4().hex[:8]}@example.com",
                    "password": "redis passphrase",
                    "full_name": "R",
                },
            )
            assert signup.status_code == 201, signup.text
            client.headers["X-CSRF-Token"] = signup.json()["csrf_token"]

            # Up: the counters are shared, in Redis.
            for n in range(3):
                assert (await _send(client, f"Question {n} about TDS")).status_code == 200
            assert (await _send(client, "One too many")).status_code == 429
            assert _keys(server.url), "the limits live in Redis"
            health = (await client.get("/health")).json()
            assert (health["status"], health["redis"]) == ("ok", "ok")

            server.stop()
            caplog.set_level(logging.WARNING)

            health = await client.get("/health")
            assert health.status_code == 200
            assert (health.json()["status"], health.json()["redis"]) == ("degraded", "unavailable")
            # Down: this worker's own counters, fresh, still a limit.
            for n in range(3):
                sent = await _send(client, f"Question {n} while Redis is down")
                assert sent.status_code == 200, sent.text
            assert (await _send(client, "Still one too many")).status_code == 429
            warnings = [r for r in caplog.records if "Redis unreachable for rate limits" in r.getMessage()]
            assert len(warnings) == 1, "one warning, not one per request"

            server.start()  # an empty Redis on the same port

            health = (await client.get("/health")).json()
            assert (health["status"], health["redis"]) == ("ok", "ok")
            assert (await _send(client, "Back to shared counters")).status_code == 200
            assert _keys(server.url), "the limits are counted in Redis again"
            detail = (await client.get("/api/conversations")).json()
            assert len(detail["conversations"]) == 7
