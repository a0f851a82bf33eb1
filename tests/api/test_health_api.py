"""`/health`, and what every response carries: request ids, timing, JSON errors."""

from __future__ import annotations

import re

import pytest

from finucity import db
from finucity.config import VERSION, get_settings
from finucity.services import health
from tests.api.conftest import assert_error

UNREACHABLE_DATABASE = "postgresql://postgres@127.0.0.1:1/nope"
RESPONSE_TIME = re.compile(r"^\d+(\.\d+)?ms$")


def _assert_tracing_headers(response, request_id: str | None = None) -> None:
    assert RESPONSE_TIME.match(response.headers.get("x-response-time", "")), dict(response.headers)
    got = response.headers.get("x-request-id")
    assert got, dict(response.headers)
    if request_id is not None:
        assert got == request_id


async def test_health_is_200_while_the_database_answers(database, api):
    response = await api.client().get("/health")

    assert response.status_code == 200, response.text
    assert response.json() == {
        "status": "ok",
        "ready": True,
        "database": "ok",
        "ai_service": "offline assistant",
        "redis": "not configured",
        "version": VERSION,
    }
    _assert_tracing_headers(response)


async def test_health_checks_the_provider_without_a_paid_call(database, api, ai_fake):
    response = await api.client().get("/health")

    assert response.status_code == 200
    assert response.json()["ai_service"] == f"ok ({get_settings().ai_model})"
    assert ai_fake.requests == []  # the model list, never a completion: a probe costs nothing


async def test_an_unreachable_provider_is_degraded_not_down(database, api, settings_env):
    settings_env(AI_BASE_URL=f"http://127.0.0.1:{_closed_port()}/v1", AI_API_KEY="sk-test-not-a-real-key")
    client = api.client()
    response = await client.get("/health")

    assert response.status_code == 200, response.text  # questions are still saved and marked
    body = response.json()
    assert body["status"] == "degraded" and body["ready"] is True
    assert body["ai_service"].startswith("unavailable")
    assert (await client.get("/health/ready")).status_code == 200
    assert (await client.get("/health/live")).json() == {"success": True}


async def test_ready_and_live_tell_a_balancer_from_a_restart_policy(database, api):
    previous = db._url_override
    await db.dispose()
    db.configure(UNREACHABLE_DATABASE)
    try:
        ready = await api.client().get("/health/ready")
        live = await api.client().get("/health/live")
    finally:
        await db.dispose()
        db.configure(previous)

    assert ready.status_code == 503 and ready.json()["ready"] is False
    assert live.status_code == 200  # the process is up: do not restart it, just send no traffic


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_health_is_503_when_the_database_is_unreachable(database, api):
    previous = db._url_override
    await db.dispose()
    db.configure(UNREACHABLE_DATABASE)
    try:
        response = await api.client().get("/health")
    finally:
        await db.dispose()
        db.configure(previous)

    assert response.status_code == 503, response.text
    body = response.json()
    assert body["status"] == "down"
    assert body["database"] == "unavailable"
    assert body["version"] == VERSION
    assert "127.0.0.1:1" not in response.text and "nope" not in response.text
    _assert_tracing_headers(response)
    # And back to normal once the database is.
    assert (await api.client().get("/health")).status_code == 200


async def test_health_is_still_200_but_degraded_when_redis_is_down(database, api, settings_env):
    settings_env(REDIS_URL="redis://127.0.0.1:1/0")

    response = await api.client().get("/health")

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "degraded"
    assert response.json()["redis"] == "unavailable"
    assert response.json()["database"] == "ok"


# --- on every response -----------------------------------------------------------------------


async def test_the_clients_request_id_is_echoed_and_a_new_one_made_otherwise(database, api):
    client = api.client()

    echoed = await client.get("/health", headers={"X-Request-ID": "trace-42.abc:def"})
    generated = await client.get("/health")
    other = await client.get("/health")
    unsafe = await client.get("/health", headers={"X-Request-ID": "bad id\twith spaces"})
    too_long = await client.get("/health", headers={"X-Request-ID": "a" * 101})

    _assert_tracing_headers(echoed, "trace-42.abc:def")
    _assert_tracing_headers(generated)
    assert generated.headers["x-request-id"] != other.headers["x-request-id"]
    for response in (unsafe, too_long):
        _assert_tracing_headers(response)
        assert response.headers["x-request-id"] not in ("bad id\twith spaces", "a" * 101)


async def test_errors_carry_the_headers_and_the_request_id_too(database, api):
    user = await api.signup()
    client = user.client
    responses = {
        "unknown route": await client.get("/api/nothing-here", headers={"X-Request-ID": "r-404"}),
        "wrong method": await client.put("/api/conversations", headers={"X-Request-ID": "r-405"}),
        "signed out": await api.client().get("/api/conversations", headers={"X-Request-ID": "r-401"}),
        "no csrf": await client.post("/api/send-message", json={"message": "hi"}, headers={"X-Request-ID": "r-403"}),
        "invalid": await client.post(
            "/api/send-message", json={"message": ""}, headers={**user.csrf_headers, "X-Request-ID": "r-422"}
        ),
        "too large": await client.post(
            "/api/send-message",
            content=b'{"message": "' + b"a" * 70_000 + b'"}',
            headers={**user.csrf_headers, "X-Request-ID": "r-413", "Content-Type": "application/json"},
        ),
    }
    expected = {
        "unknown route": 404,
        "wrong method": 405,
        "signed out": 401,
        "no csrf": 403,
        "invalid": 422,
        "too large": 413,
    }

    for name, response in responses.items():
        body = assert_error(response, expected[name])
        request_id = response.request.headers["x-request-id"]
        _assert_tracing_headers(response, request_id)
        if "request_id" in body:
            assert body["request_id"] == request_id, name
    assert responses["unknown route"].json()["error"] == "Not found"


async def test_the_event_stream_carries_the_headers(database, api, ai_fake):
    user = await api.signup()

    response = await user.client.post(
        "/api/send-message-stream", json={"message": "Hi"}, headers={**user.csrf_headers, "X-Request-ID": "stream-1"}
    )

    assert response.status_code == 200
    _assert_tracing_headers(response, "stream-1")


async def test_an_unexpected_error_is_a_bare_json_500_with_the_request_id(database, api, monkeypatch, request):
    async def broken():
        raise RuntimeError("secret internals at /srv/finucity/services/health.py line 42")

    monkeypatch.setattr(health, "check", broken)

    response = await api.client().get("/health", headers={"X-Request-ID": "boom-1"})

    body = assert_error(response, 500, error="Internal server error")
    assert "secret internals" not in response.text and "/srv/" not in response.text
    assert body.get("request_id") == "boom-1"  # the client can quote it to support
    _assert_tracing_headers(response, "boom-1")


@pytest.mark.parametrize("origin", ["https://evil.example", "null"])
async def test_create_api_itself_adds_no_cors_headers(database, api, origin):
    """CORS is Reflex's job (rxconfig.py cors_allowed_origins wraps this app); the
    bare FastAPI app must at least never answer a foreign origin with a wildcard."""
    response = await api.client().get("/health", headers={"Origin": origin})

    assert response.headers.get("access-control-allow-origin") in (None, origin)
    assert response.headers.get("access-control-allow-origin") != "*"
