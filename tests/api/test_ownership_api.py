"""Nobody reaches another user's data: every route answers the same 404 and changes nothing.

A conversation that does not exist and one that belongs to somebody else must
be indistinguishable (same status, same body), so ids reveal nothing; ids that
are not UUIDs are simply not found, never a 500.
"""

from __future__ import annotations

import dataclasses
import uuid

import httpx
import pytest

from tests.api.conftest import (
    NOT_FOUND,
    ApiUser,
    assert_error,
    audit_actions,
    send,
    snapshot,
    without_request_id,
)
from tests.fakes.fake_openai import Script


@dataclasses.dataclass
class Scene:
    alice: ApiUser
    alice_bearer: httpx.AsyncClient
    alice_token_id: str
    conversation_id: str
    bob: ApiUser
    bob_bearer: httpx.AsyncClient


@pytest.fixture
async def scene(database, api, ai_fake) -> Scene:
    ai_fake.set_default(Script(chunks=["Alice's private ", "answer about her loan."]))
    alice = await api.signup("alice@example.com", full_name="Alice Iyer")
    created = await api.create_token(alice, "alice laptop")
    alice_bearer = api.client(headers={"Authorization": f"Bearer {created['secret']}"})
    response = await send(alice_bearer, "My home loan of 40 lakh: prepay or invest?")
    assert response.status_code == 200, response.text
    bob = await api.signup("bob@example.com", full_name="Bob Menon")
    bob_bearer = await api.bearer(bob)
    return Scene(
        alice=alice,
        alice_bearer=alice_bearer,
        alice_token_id=created["token"]["id"],
        conversation_id=response.json()["conversation_id"],
        bob=bob,
        bob_bearer=bob_bearer,
    )


async def _conversation_routes(
    client: httpx.AsyncClient, conversation_id: str, headers: dict[str, str]
) -> dict[str, httpx.Response]:
    """Every route that takes a conversation id, called with `conversation_id`."""
    return {
        "get": await client.get(f"/api/conversation/{conversation_id}"),
        "rename": await client.patch(
            f"/api/conversation/{conversation_id}", json={"title": "Owned by Bob"}, headers=headers
        ),
        "delete": await client.delete(f"/api/conversation/{conversation_id}", headers=headers),
        "export md": await client.get(f"/api/conversation/{conversation_id}/export", params={"format": "md"}),
        "export json": await client.get(f"/api/conversation/{conversation_id}/export", params={"format": "json"}),
        "send": await client.post(
            "/api/send-message", json={"message": "Show me", "conversation_id": conversation_id}, headers=headers
        ),
        "stream": await client.post(
            "/api/send-message-stream", json={"message": "Show me", "conversation_id": conversation_id}, headers=headers
        ),
        "legacy get": await client.get(f"/chat/api/conversation/{conversation_id}"),
    }


@pytest.mark.parametrize("auth", ["cookie", "bearer"])
async def test_another_users_conversation_is_not_found_on_every_route_and_stays_unchanged(scene, auth):
    client = scene.bob.client if auth == "cookie" else scene.bob_bearer
    headers = scene.bob.csrf_headers if auth == "cookie" else {}
    before = await snapshot()
    deletes_before = len(await audit_actions("conversation.delete"))

    foreign = await _conversation_routes(client, scene.conversation_id, headers)
    missing = await _conversation_routes(client, str(uuid.uuid4()), headers)

    for route, response in foreign.items():
        body = assert_error(response, 404)
        assert without_request_id(body) == NOT_FOUND, route
        # Indistinguishable from an id that does not exist at all.
        assert response.status_code == missing[route].status_code, route
        assert without_request_id(body) == without_request_id(missing[route].json()), route
        assert "alice" not in response.text.lower() and "loan" not in response.text.lower(), route
    assert await snapshot() == before
    assert len(await audit_actions("conversation.delete")) == deletes_before

    # Alice still has all of it.
    detail = await scene.alice_bearer.get(f"/api/conversation/{scene.conversation_id}")
    assert detail.status_code == 200
    assert detail.json()["conversation"]["title"] != "Owned by Bob"
    assert len(detail.json()["messages"]) == 2


async def test_listing_search_and_export_show_only_your_own_conversations(scene):
    for params in ({}, {"q": "loan"}, {"q": "Alice"}, {"category": "general"}):
        response = await scene.bob_bearer.get("/api/conversations", params=params)
        assert response.status_code == 200, response.text
        assert response.json()["conversations"] == [], params

    export = await scene.bob_bearer.get("/api/me/export")
    assert export.status_code == 200
    assert scene.conversation_id not in export.text
    assert "alice" not in export.text.lower()

    mine = await scene.alice_bearer.get("/api/conversations", params={"q": "loan"})
    assert [c["id"] for c in mine.json()["conversations"]] == [scene.conversation_id]


async def test_another_users_api_token_cannot_be_revoked_or_seen(scene):
    before = await snapshot()

    response = await scene.bob_bearer.delete(f"/api/tokens/{scene.alice_token_id}")

    body = assert_error(response, 404)
    missing = await scene.bob_bearer.delete(f"/api/tokens/{uuid.uuid4()}")
    assert without_request_id(body) == without_request_id(assert_error(missing, 404))
    assert await snapshot() == before
    assert (await scene.alice_bearer.get("/api/auth/me")).status_code == 200  # still valid
    listed = (await scene.bob_bearer.get("/api/tokens")).json()["tokens"]
    assert scene.alice_token_id not in [t["id"] for t in listed]


NOT_UUIDS = [
    "not-a-uuid",
    "1",
    "00000000-0000-0000-0000-00000000000g",
    "' OR '1'='1",
    "%00",
    "null",
    "-1",
    "é" * 3,
    "x" * 600,
    "{conversation_id}",
]


@pytest.mark.parametrize("bad_id", NOT_UUIDS)
async def test_ids_that_are_not_uuids_are_not_found_never_a_server_error(scene, bad_id):
    before = await snapshot()

    responses = await _conversation_routes(scene.alice_bearer, bad_id, {})

    for route, response in responses.items():
        body = assert_error(response, 404)
        assert without_request_id(body) == NOT_FOUND, (route, body)
    token = await scene.alice_bearer.delete(f"/api/tokens/{bad_id}")
    assert_error(token, 404)
    assert await snapshot() == before
