"""The database goes down and comes back while the app keeps running.

A PostgreSQL cluster of the test's own (tests/faults/own_services.py) is
stopped at once (`pg_ctl stop -m immediate`, as a crash looks) and started
again. Meanwhile /health says 503, the chat says the service is unavailable
(503, the question not half-stored), and afterwards everything works again
on the same engine, without restarting the app.
"""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from finucity import db
from finucity.services import generation
from tests.faults.own_services import own_postgres, postgres_unavailable_reason
from tests.support.waiting import wait_until

UNAVAILABLE = "The service is unavailable right now. Nothing was lost: please try again in a moment."


@pytest.fixture
async def outage_db():
    reason = postgres_unavailable_reason()
    if reason:
        pytest.skip(f"cannot run a PostgreSQL of our own: {reason}")
    with own_postgres() as server:
        await asyncio.to_thread(db.upgrade, server.url)
        db.configure(server.url)
        try:
            yield server
        finally:
            await generation.shutdown()
            await db.dispose()
            db.configure(None)


async def test_database_down_and_back_without_a_restart(outage_db):
    from finucity.api import create_api

    transport = httpx.ASGITransport(app=create_api())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=30) as client:
        signup = await client.post(
            "/api/auth/signup",
            json={"email": f"db-{uuid.uuid4().hex[:8]}@example.com", "password": "outage passphrase", "full_name": "D"},
        )
        assert signup.status_code == 201, signup.text
        client.headers["X-CSRF-Token"] = signup.json()["csrf_token"]
        before = await client.post("/api/send-message", json={"message": "What is Section 80C?"})
        assert before.status_code == 200, before.text
        conversation_id = before.json()["conversation_id"]
        engine = db.get_engine()
        assert (await client.get("/health")).status_code == 200

        await asyncio.to_thread(outage_db.stop)

        health = await client.get("/health")
        assert health.status_code == 503
        assert health.json()["database"] == "unavailable" and health.json()["status"] == "down"
        for _attempt in range(2):  # a pool full of dead connections, then none at all
            sent = await client.post(
                "/api/send-message",
                json={"message": "Typed while the database is down", "conversation_id": conversation_id},
            )
            assert sent.status_code == 503, sent.text
            assert sent.json()["error"] == UNAVAILABLE
            for leak in ("psycopg", "sqlalchemy", "Traceback", "5432", str(outage_db.port)):
                assert leak not in sent.text
        listed = await client.get("/api/conversations")
        assert listed.status_code == 503 and listed.json()["error"] == UNAVAILABLE

        await asyncio.to_thread(outage_db.start)

        async def healthy() -> bool:
            return (await client.get("/health")).status_code == 200

        await wait_until(healthy, timeout=20, what="/health to recover")
        again = await client.post(
            "/api/send-message", json={"message": "Typed after it came back", "conversation_id": conversation_id}
        )
        assert again.status_code == 200, again.text
        detail = (await client.get(f"/api/conversation/{conversation_id}")).json()
        questions = [m["content"] for m in detail["messages"] if m["role"] == "user"]
        # The question sent during the outage was refused whole, not half-stored.
        assert questions == ["What is Section 80C?", "Typed after it came back"]
        assert all(m["status"] == "complete" for m in detail["messages"])
        assert db.get_engine() is engine, "the same engine and pool recovered: no restart"
