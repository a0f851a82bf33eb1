"""CSRF protection of cookie sessions, and personal API tokens (Bearer).

A request signed in by cookie that changes anything must carry the session's
`X-CSRF-Token`; without it, or with a wrong one, it is refused with 403 and
nothing changes. Bearer requests carry their credential explicitly and need
no CSRF token. Tokens are shown once, stored hashed, and stop working when
revoked.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid

import pytest
from sqlalchemy import select

from finucity.models import ApiToken, Conversation, Message
from finucity.services.context import read_only
from tests.api.conftest import ApiUser, assert_error, count_rows, send, snapshot
from tests.fakes.fake_openai import Script


@dataclasses.dataclass
class Setup:
    user: ApiUser
    conversation_id: str
    token_id: str
    token_secret: str


@pytest.fixture
async def setup(database, api, ai_fake) -> Setup:
    ai_fake.set_default(Script(chunks=["A saved answer."]))
    user = await api.signup("csrf@example.com")
    response = await send(user.client, "Is ELSS worth it?", headers=user.csrf_headers)
    assert response.status_code == 200, response.text
    created = await api.create_token(user, "cron job")
    return Setup(user, response.json()["conversation_id"], created["token"]["id"], created["secret"])


def _state_changing_requests(s: Setup) -> dict[str, dict]:
    return {
        "send": {"method": "POST", "url": "/api/send-message", "json": {"message": "Sneaky question"}},
        "send to conversation": {
            "method": "POST",
            "url": "/api/send-message",
            "json": {"message": "Sneaky", "conversation_id": s.conversation_id},
        },
        "stream": {"method": "POST", "url": "/api/send-message-stream", "json": {"message": "Sneaky question"}},
        "rename": {"method": "PATCH", "url": f"/api/conversation/{s.conversation_id}", "json": {"title": "Hijacked"}},
        "delete": {"method": "DELETE", "url": f"/api/conversation/{s.conversation_id}"},
        "create token": {"method": "POST", "url": "/api/tokens", "json": {"name": "attacker"}},
        "revoke token": {"method": "DELETE", "url": f"/api/tokens/{s.token_id}"},
        "delete account": {"method": "DELETE", "url": "/api/me", "json": {"password": s.user.password}},
        "logout": {"method": "POST", "url": "/api/auth/logout"},
        "legacy send": {"method": "POST", "url": "/chat/api/send-message", "json": {"message": "Sneaky question"}},
    }


@pytest.mark.parametrize("csrf", ["missing", "empty", "wrong", "another-sessions"])
async def test_cookie_requests_that_change_state_need_the_csrf_token(setup, api, csrf):
    other = await api.signup("other@example.com")
    headers = {
        "missing": {},
        "empty": {"X-CSRF-Token": ""},
        "wrong": {"X-CSRF-Token": "0" * 64},
        "another-sessions": other.csrf_headers,  # valid, but for Bob's session
    }[csrf]
    before = await snapshot()

    for name, request in _state_changing_requests(setup).items():
        response = await setup.user.client.request(**request, headers=headers)
        body = assert_error(response, 403)
        assert "CSRF" in body["error"], name

    assert await snapshot() == before
    # Still signed in: the refused logout did nothing.
    assert (await setup.user.client.get("/api/auth/me")).status_code == 200


async def test_the_same_requests_with_the_csrf_token_work(setup):
    """The positive control of the test above: the token from /api/auth/me is the right one."""
    client = setup.user.client
    csrf = (await client.get("/api/auth/me")).json()["csrf_token"]
    assert csrf == setup.user.csrf
    headers = {"X-CSRF-Token": csrf}

    assert (await client.post("/api/send-message", json={"message": "Fine"}, headers=headers)).status_code == 200
    assert (
        await client.patch(f"/api/conversation/{setup.conversation_id}", json={"title": "Mine"}, headers=headers)
    ).status_code == 200
    assert (await client.post("/api/tokens", json={"name": "laptop"}, headers=headers)).status_code == 201
    assert (await client.delete(f"/api/tokens/{setup.token_id}", headers=headers)).status_code == 200
    assert (await client.delete(f"/api/conversation/{setup.conversation_id}", headers=headers)).status_code == 200
    assert (await client.post("/api/auth/logout", headers=headers)).status_code == 200


async def test_reading_with_the_cookie_needs_no_csrf_token(setup):
    client = setup.user.client
    for url in (
        "/api/auth/me",
        "/api/conversations",
        f"/api/conversation/{setup.conversation_id}",
        f"/api/conversation/{setup.conversation_id}/export",
        "/api/me/export",
        "/api/tokens",
    ):
        response = await client.get(url)
        assert response.status_code == 200, (url, response.text)


async def test_each_session_has_its_own_csrf_token(setup, api):
    second = await api.login(setup.user)
    assert second.csrf != setup.user.csrf

    # The first session's token does not work with the second session's cookie.
    refused = await send(second.client, "Cross", headers=setup.user.csrf_headers)
    assert_error(refused, 403)
    accepted = await send(second.client, "Own", headers=second.csrf_headers)
    assert accepted.status_code == 200


async def test_bearer_requests_need_no_csrf_token(setup, api):
    client = api.client(headers={"Authorization": f"Bearer {setup.token_secret}"})

    me = await client.get("/api/auth/me")
    assert me.status_code == 200
    assert me.json()["user"]["email"] == "csrf@example.com"
    assert me.json()["csrf_token"] is None  # nothing to protect: no cookie involved

    sent = await send(client, "From a script")
    assert sent.status_code == 200, sent.text
    renamed = await client.patch(f"/api/conversation/{setup.conversation_id}", json={"title": "Scripted"})
    assert renamed.status_code == 200 and renamed.json()["conversation"]["title"] == "Scripted"
    stream = await client.post("/api/send-message-stream", json={"message": "Stream it"})
    assert stream.status_code == 200 and '"done": true' in stream.text
    deleted = await client.delete(f"/api/conversation/{setup.conversation_id}")
    assert deleted.status_code == 200
    assert await count_rows(Conversation, Conversation.id == uuid.UUID(setup.conversation_id)) == 0


async def test_a_token_is_shown_once_and_stored_only_as_a_hash(setup, api):
    client = setup.user.client
    created = await client.post("/api/tokens", json={"name": "  home   server "}, headers=setup.user.csrf_headers)

    assert created.status_code == 201, created.text
    body = created.json()
    secret = body["secret"]
    assert secret.startswith("fc_") and len(secret) > 30
    assert body["token"]["name"] == "home server"
    assert body["token"]["prefix"] == secret[:10]
    assert body["token"]["last_used_at"] is None

    listed = await client.get("/api/tokens")
    assert listed.status_code == 200
    assert secret not in listed.text
    tokens = {t["id"]: t for t in listed.json()["tokens"]}
    assert set(tokens) == {setup.token_id, body["token"]["id"]}
    assert tokens[body["token"]["id"]]["prefix"] == secret[:10]
    assert setup.token_secret not in listed.text
    assert secret not in (await client.get("/api/me/export")).text

    async with read_only() as session:
        row = await session.scalar(select(ApiToken).where(ApiToken.name == "home server"))
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (row.token_hash, row.prefix, row.name)

    # Using it is recorded, for the user to see which tokens are alive.
    await api.client(headers={"Authorization": f"Bearer {secret}"}).get("/api/auth/me")
    listed = (await client.get("/api/tokens")).json()["tokens"]
    assert next(t for t in listed if t["id"] == body["token"]["id"])["last_used_at"] is not None


async def test_a_revoked_token_is_refused_and_other_tokens_keep_working(setup, api):
    revoked_client = api.client(headers={"Authorization": f"Bearer {setup.token_secret}"})
    other = await api.create_token(setup.user, "second")
    other_client = api.client(headers={"Authorization": f"Bearer {other['secret']}"})
    assert (await revoked_client.get("/api/auth/me")).status_code == 200

    response = await setup.user.client.delete(f"/api/tokens/{setup.token_id}", headers=setup.user.csrf_headers)
    assert response.status_code == 200 and response.json() == {"success": True}

    before = await count_rows(Message)
    for request in (
        revoked_client.get("/api/auth/me"),
        revoked_client.get("/api/conversations"),
        revoked_client.post("/api/send-message", json={"message": "Still here?"}),
        revoked_client.post("/api/send-message-stream", json={"message": "Still here?"}),
    ):
        assert_error(await request, 401)
    assert await count_rows(Message) == before
    assert setup.token_id not in [t["id"] for t in (await setup.user.client.get("/api/tokens")).json()["tokens"]]
    assert (await other_client.get("/api/auth/me")).status_code == 200
    # Revoking it again: it is gone.
    again = await setup.user.client.delete(f"/api/tokens/{setup.token_id}", headers=setup.user.csrf_headers)
    assert_error(again, 404)


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer fc_not-a-real-token",
        "Bearer something-else",
        "Bearer " + "x" * 500,
        "bearer fc_lowercase-scheme-still-checked",
    ],
)
async def test_an_invalid_bearer_token_is_401_even_with_a_valid_cookie(setup, authorization):
    """An explicit credential that is wrong is an error, not a silent fall back to the cookie."""
    before = await snapshot()
    client = setup.user.client
    headers = {"Authorization": authorization, **setup.user.csrf_headers}

    assert_error(await client.get("/api/auth/me", headers=headers), 401)
    assert_error(await client.post("/api/send-message", json={"message": "Hi"}, headers=headers), 401)
    assert await snapshot() == before


async def test_tokens_die_with_the_account(setup, api):
    client = api.client(headers={"Authorization": f"Bearer {setup.token_secret}"})

    deleted = await client.request("DELETE", "/api/me", json={"password": setup.user.password})

    assert deleted.status_code == 200, deleted.text
    assert_error(await client.get("/api/auth/me"), 401)
    assert_error(await setup.user.client.get("/api/auth/me"), 401)  # and the cookie session
