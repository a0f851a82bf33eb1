"""Bad input is refused with a 4xx JSON error naming the field, and nothing is stored.

Covers every rule of the spec for questions (empty, whitespace, too long, wrong
JSON types, unknown category, NUL bytes, bodies over 64 KB) on both the whole
and the streaming endpoint, and the same kind of input on the other routes.
"""

from __future__ import annotations

import base64
import uuid

import pytest

from finucity.models import ApiToken, Conversation, Message, User
from tests.api.conftest import PASSWORD, assert_error, count_rows, send, snapshot
from tests.fakes.fake_openai import Script

SEND_ROUTES = ["/api/send-message", "/api/send-message-stream"]

BAD_MESSAGES = [
    pytest.param({}, "message", id="missing"),
    pytest.param({"message": ""}, "message", id="empty"),
    pytest.param({"message": "   \n\t  "}, "message", id="whitespace"),
    pytest.param({"message": "a" * 10_001}, "message", id="10001-chars"),
    pytest.param({"message": "₹" * 10_001}, "message", id="10001-non-ascii-chars"),
    pytest.param({"message": 123}, "message", id="number"),
    pytest.param({"message": None}, "message", id="null"),
    pytest.param({"message": True}, "message", id="boolean"),
    pytest.param({"message": ["What is GST?"]}, "message", id="list"),
    pytest.param({"message": {"text": "What is GST?"}}, "message", id="object"),
    pytest.param({"message": "What is\x00 GST?"}, "message", id="nul-byte"),
    pytest.param({"message": "\x00"}, "message", id="only-nul"),
    pytest.param({"message": "What is GST?", "conversation_id": 5}, "conversation_id", id="conversation-id-number"),
    pytest.param({"message": "What is GST?", "conversation_id": ["x"]}, "conversation_id", id="conversation-id-list"),
    pytest.param({"message": "What is GST?", "category": 7}, "category", id="category-number"),
    pytest.param({"message": "What is GST?", "category": "crypto"}, "category", id="category-unknown"),
    pytest.param({"message": "What is GST?", "category": "gst\x00"}, "category", id="category-nul"),
]


@pytest.fixture
async def user(database, api):
    return await api.signup()


@pytest.mark.parametrize("route", SEND_ROUTES)
@pytest.mark.parametrize(("payload", "field"), BAD_MESSAGES)
async def test_bad_questions_are_refused_with_the_field_and_nothing_is_stored(user, route, payload, field):
    response = await user.client.post(route, json=payload, headers=user.csrf_headers)

    assert 400 <= response.status_code < 500
    assert_error(response, 422, field=field)
    assert await count_rows(Conversation) == 0
    assert await count_rows(Message) == 0


@pytest.mark.parametrize("route", SEND_ROUTES)
async def test_a_question_of_exactly_10000_characters_is_accepted(user, route, ai_fake):
    ai_fake.set_default(Script(chunks=["Long question, short answer."]))

    response = await user.client.post(route, json={"message": "a" * 10_000}, headers=user.csrf_headers)

    assert response.status_code == 200, response.text[:300]
    [question, answer] = await _all_messages()
    assert question.content == "a" * 10_000
    assert answer.status == "complete"


@pytest.mark.parametrize("route", SEND_ROUTES)
@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param(b'{"message": "What is GST?"', 422, id="truncated-json"),
        pytest.param(b"message=What+is+GST", 422, id="not-json"),
        pytest.param(b'["What is GST?"]', 422, id="json-array"),
        pytest.param(b'"What is GST?"', 422, id="json-string"),
        pytest.param(b"", 422, id="empty-body"),
        # FastAPI's own "There was an error parsing the body": a 400, still our JSON shape.
        pytest.param(b'{"message": "\xff\xfe"}', 400, id="invalid-utf8"),
    ],
)
async def test_bodies_that_are_not_a_json_object_are_refused(user, route, body, status):
    headers = {**user.csrf_headers, "Content-Type": "application/json"}

    response = await user.client.post(route, content=body, headers=headers)

    assert_error(response, status)
    assert await count_rows(Message) == 0


@pytest.mark.parametrize("route", SEND_ROUTES)
async def test_a_body_over_64_kb_is_refused_before_it_is_read(user, route):
    payload = '{"message": "' + "a" * (65 * 1024) + '"}'

    response = await user.client.post(
        route, content=payload, headers={**user.csrf_headers, "Content-Type": "application/json"}
    )

    body = assert_error(response, 413)
    assert "64 KB" in body["error"]
    assert await count_rows(Message) == 0


@pytest.mark.parametrize("route", SEND_ROUTES)
async def test_a_chunked_body_over_64_kb_without_content_length_is_refused(user, route):
    async def chunks():
        yield b'{"message": "'
        for _ in range(20):
            yield b"a" * 4096
        yield b'"}'

    response = await user.client.post(
        route, content=chunks(), headers={**user.csrf_headers, "Content-Type": "application/json"}
    )

    assert "content-length" not in response.request.headers
    assert_error(response, 413)
    assert await count_rows(Message) == 0


async def test_the_64_kb_limit_applies_to_every_route_that_takes_a_body(database, api):
    client = api.client()
    response = await client.post(
        "/api/auth/signup", json={"email": "big@example.com", "password": PASSWORD, "full_name": "x" * (70 * 1024)}
    )
    assert_error(response, 413)
    assert await count_rows(User) == 0


# --- renaming -----------------------------------------------------------------------------------


@pytest.fixture
async def conversation_id(user, ai_fake) -> str:
    ai_fake.set_default(Script(chunks=["An answer."]))
    response = await send(user.client, "What is a PAN card?", headers=user.csrf_headers)
    assert response.status_code == 200, response.text
    return response.json()["conversation_id"]


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({}, id="missing"),
        pytest.param({"title": ""}, id="empty"),
        pytest.param({"title": " \t\n "}, id="whitespace"),
        pytest.param({"title": 42}, id="number"),
        pytest.param({"title": None}, id="null"),
        pytest.param({"title": ["A"]}, id="list"),
        pytest.param({"title": "x" * 121}, id="too-long"),
        pytest.param({"title": "x" * 501}, id="over-schema-limit"),
        pytest.param({"title": "My\x00 title"}, id="nul-byte"),
    ],
)
async def test_bad_titles_are_refused_and_the_title_is_unchanged(user, conversation_id, payload):
    before = await snapshot()

    response = await user.client.patch(f"/api/conversation/{conversation_id}", json=payload, headers=user.csrf_headers)

    assert_error(response, 422, field="title")
    assert await snapshot() == before
    detail = await user.client.get(f"/api/conversation/{conversation_id}")
    assert detail.json()["conversation"]["title"] == "What is a PAN card?"


async def test_an_unknown_export_format_is_refused(user, conversation_id):
    response = await user.client.get(f"/api/conversation/{conversation_id}/export", params={"format": "pdf"})
    assert_error(response, 422, field="format")


# --- listing --------------------------------------------------------------------------------------


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        pytest.param({"limit": "0"}, "limit", id="limit-zero"),
        pytest.param({"limit": "101"}, "limit", id="limit-too-big"),
        pytest.param({"limit": "-5"}, "limit", id="limit-negative"),
        pytest.param({"limit": "ten"}, "limit", id="limit-not-a-number"),
        pytest.param({"limit": "1.5"}, "limit", id="limit-fraction"),
        pytest.param({"cursor": "not a cursor"}, "cursor", id="cursor-garbage"),
        pytest.param({"cursor": _cursor("yesterday|nothing")}, "cursor", id="cursor-bad-content"),
        pytest.param({"cursor": _cursor(f"2025-01-01T00:00:00|{uuid.uuid4()}")}, "cursor", id="cursor-naive-time"),
        pytest.param({"cursor": _cursor(f"0001-01-01T00:00:00+05:30|{uuid.uuid4()}")}, "cursor", id="cursor-year-1"),
        pytest.param(
            {"cursor": _cursor(f"9999-12-31T23:59:59-05:00|{uuid.uuid4()}")}, "cursor", id="cursor-year-10000"
        ),
        pytest.param({"cursor": "x" * 201}, "cursor", id="cursor-too-long"),
        pytest.param({"q": "x" * 201}, "q", id="search-too-long"),
        pytest.param({"category": "crypto"}, "category", id="category-unknown"),
    ],
)
async def test_bad_listing_parameters_are_refused_with_the_field(user, params, field, request):
    response = await user.client.get("/api/conversations", params=params)
    assert_error(response, 422, field=field)


async def test_a_search_containing_a_nul_byte_is_not_a_server_error(user, conversation_id, request):
    response = await user.client.get("/api/conversations", params={"q": "PAN\x00card"})

    if response.status_code == 200:
        assert response.json()["conversations"] == []
    else:
        assert_error(response, 422, field="q")


# --- tokens, login, account -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({}, id="missing"),
        pytest.param({"name": ""}, id="empty"),
        pytest.param({"name": "   "}, id="whitespace"),
        pytest.param({"name": 7}, id="number"),
        pytest.param({"name": "x" * 101}, id="too-long"),
        pytest.param({"name": "my\x00script"}, id="nul-byte"),
    ],
)
async def test_bad_token_names_are_refused_and_no_token_is_made(user, payload, request):
    response = await user.client.post("/api/tokens", json=payload, headers=user.csrf_headers)

    assert_error(response, 422, field="name")
    assert await count_rows(ApiToken) == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        pytest.param({"email": "nul@example.com", "password": "pass\x00word-long"}, "password", id="password-nul"),
        pytest.param({"email": "nul@exam\x00ple.com", "password": PASSWORD}, "email", id="email-nul"),
    ],
)
async def test_signup_with_nul_bytes_is_refused(database, api, payload, field):
    response = await api.client().post("/api/auth/signup", json={**payload, "full_name": "Nul Byte"})
    assert_error(response, 422, field=field)
    assert await count_rows(User) == 0


async def test_signup_name_with_a_nul_byte_is_refused(database, api):
    response = await api.client().post(
        "/api/auth/signup", json={"email": "nul@example.com", "password": PASSWORD, "full_name": "Nul\x00 Byte"}
    )
    assert_error(response, 422, field="full_name")
    assert await count_rows(User) == 0


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({"email": "someone\x00@example.com", "password": PASSWORD}, id="email-nul"),
        pytest.param({"email": "someone@example.com", "password": "pass\x00word"}, id="password-nul"),
    ],
)
async def test_login_with_nul_bytes_is_an_ordinary_failed_login(user, api, payload, request):
    response = await api.client().post("/api/auth/login", json=payload)
    assert_error(response, 401, error="Incorrect email or password.")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        pytest.param({"email": 1, "password": PASSWORD}, "email", id="email-number"),
        pytest.param({"password": PASSWORD}, "email", id="email-missing"),
        pytest.param({"email": "a@example.com", "password": None}, "password", id="password-null"),
        pytest.param({"email": "", "password": PASSWORD}, "email", id="email-empty"),
        pytest.param({"email": "a@example.com", "password": ""}, "password", id="password-empty"),
    ],
)
async def test_login_with_malformed_input_names_the_field(database, api, payload, field):
    response = await api.client().post("/api/auth/login", json=payload)
    assert_error(response, 422, field=field)


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({}, id="missing"),
        pytest.param({"password": 12345678901}, id="number"),
        pytest.param({"password": "not my password"}, id="wrong"),
        pytest.param({"password": ""}, id="empty"),
    ],
)
async def test_deleting_the_account_needs_the_right_password(user, payload):
    before = await snapshot()

    response = await user.client.request("DELETE", "/api/me", json=payload, headers=user.csrf_headers)

    assert_error(response, 422, field="password")
    assert await snapshot() == before
    assert (await user.client.get("/api/auth/me")).status_code == 200


async def _all_messages() -> list[Message]:
    from sqlalchemy import select

    from finucity.services.context import read_only

    async with read_only() as session:
        return list(await session.scalars(select(Message).order_by(Message.created_at, Message.id)))
