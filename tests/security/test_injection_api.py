"""Injection strings in every text field and id of the API: found from the OpenAPI
schema, so a new route or field is covered without editing this file.

Each string goes into one field at a time (path id, query parameter or JSON body
property; the other fields keep sensible values), sent by an admin so that every
route is reached. Every answer must be a clear 4xx (or a success that stored the
text exactly as sent), never a 500; another user's data is untouched, no NUL or
lone surrogate is stored anywhere, and the server still answers afterwards.
The 1 MB body on every route is tests/api/test_validation_api.py's
`test_the_64_kb_limit_applies_to_every_route_that_takes_a_body`.
"""

from __future__ import annotations

import json
import time
import uuid
from urllib.parse import quote

import pytest
from sqlalchemy import select

from finucity.models import ApiToken, Conversation, Message, User
from finucity.services.context import read_only
from tests.api.conftest import PASSWORD, send, sign_in_admin, snapshot

PAYLOADS = [
    "' OR '1'='1' --",
    "'; DROP TABLE users; --",
    '" OR ""="',
    "%' OR 1=1 --",
    "../../../../etc/passwd",
    "..\\..\\..\\windows\\win.ini",
    "/etc/passwd\x00.png",
    "nul\x00byte",
    "lone \ud800 surrogate",
    "\udfff",
    "%00%2e%2e%2f",
    "{{7*7}}${7*7}",
    "<script>alert(1)</script>",
    "\u202egnp.exe",
    "x" * 10_001,
]
# Bytes that are not UTF-8 at all: "/" written in two bytes, and a lone continuation byte.
OVERLONG = b"\xc0\xaf\xc0\xae\x80"
SKIPPED = {("post", "/api/auth/logout")}
GOOD = {
    "message": "What is section 80C?",
    "title": "A fine title",
    "name": "laptop script",
    "email": None,  # a fresh address each time
    "password": PASSWORD,
    "full_name": "Kiran Rao",
    "rating": "down",
    "comment": "Not quite right",
    "category": "general",
    "format": "json",
}


def _operations(app) -> list[tuple[str, str, dict]]:
    spec = app.openapi()
    return [
        (method, path, op)
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if (method, path) not in SKIPPED
    ]


def _body_schema(app, op) -> dict | None:
    schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if not schema:
        return None
    return app.openapi()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]


def _is_text(schema: dict) -> bool:
    options = schema.get("anyOf", [schema])
    return any(o.get("type") == "string" and "enum" not in o and "format" not in o for o in options)


def _good_body(schema: dict) -> dict:
    body = {}
    for name in schema.get("required", []):
        value = GOOD.get(name, "x")
        body[name] = value if value is not None else f"new-{uuid.uuid4().hex[:10]}@example.com"
    return body


async def _stored_text_is_clean() -> list[str]:
    async with read_only() as session:
        texts = [
            *(await session.scalars(select(Conversation.title))),
            *(await session.scalars(select(Message.content))),
            *(await session.scalars(select(User.full_name))),
            *(await session.scalars(select(ApiToken.name))),
        ]
    return [t[:40] for t in texts if "\x00" in t or any(0xD800 <= ord(c) <= 0xDFFF for c in t)]


@pytest.fixture
async def scene(sqlite_database, api):
    victim = await api.signup(full_name="Victim Person")
    assert (await send(victim.client, "my private loan question", headers=victim.csrf_headers)).status_code == 200
    admin = await sign_in_admin(api)
    client = await api.bearer(admin, "injection probe")
    sent = await send(client, "My own question")
    conversation = sent.json()["conversation_id"]
    detail = (await client.get(f"/api/conversation/{conversation}")).json()
    ids = {
        "conversation_id": conversation,
        "message_id": next(m["id"] for m in detail["messages"] if m["role"] == "assistant"),
        "user_id": victim.id,
        "token_id": str(uuid.uuid4()),
    }
    return client, ids


def _requests(app, ids):
    """(what, method, url, body bytes or None) for each payload in each text field."""
    for method, path, op in _operations(app):
        url_of = {p["name"]: ids.get(p["name"], "x") for p in op.get("parameters", []) if p["in"] == "path"}
        base = path.format(**url_of)
        body_schema = _body_schema(app, op)
        good = _good_body(body_schema) if body_schema else None
        encode = (lambda b: json.dumps(b).encode()) if body_schema else (lambda b: None)
        for param in op.get("parameters", []):
            if param["in"] not in ("path", "query") or not _is_text(param.get("schema", {})):
                continue
            for payload in [*PAYLOADS, OVERLONG]:
                raw = payload if isinstance(payload, bytes) else payload.encode("utf-8", "surrogatepass")
                value = quote(raw, safe="")
                if param["in"] == "path":
                    url = path.format(**{**url_of, param["name"]: value})
                else:
                    url = f"{base}?{param['name']}={value}"
                yield f"{method} {path} {param['name']}", method, url, encode(good)
        for name, prop in (body_schema or {}).get("properties", {}).items():
            if not _is_text(prop) and not (prop.get("type") == "array" and _is_text(prop.get("items", {}))):
                continue
            for payload in PAYLOADS:
                value = [payload] if prop.get("type") == "array" else payload
                yield f"{method} {path} .{name}", method, base, encode({**good, name: value})
            overlong = json.dumps({**good, name: "@@"}).encode().replace(b"@@", OVERLONG)
            yield f"{method} {path} .{name} (not UTF-8)", method, base, overlong


async def test_injection_strings_in_every_field_get_clear_answers_and_change_nothing(app, scene):
    client, ids = scene
    before = await snapshot()
    victims = [row for row in before["conversations"] if str(row[1]) == ids["user_id"]]
    answers = []
    started = time.perf_counter()
    for what, method, url, body in _requests(app, ids):
        headers = {"Content-Type": "application/json"} if body is not None else {}
        response = await client.request(method.upper(), url, content=body, headers=headers)
        answers.append(response.status_code)
        assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:200]}"
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith("application/json"), what
            assert response.json()["error"], what
        if response.status_code < 300 and method == "patch" and url.startswith("/api/conversation/"):
            sent = json.loads(body)["title"]
            assert response.json()["conversation"]["title"] == sent.strip(), what

    print(f"{len(answers)} requests in {time.perf_counter() - started:.1f}s")
    assert len(answers) > 500 and sum(400 <= s < 500 for s in answers) > 300
    after = await snapshot()
    assert [row for row in after["conversations"] if str(row[1]) == ids["user_id"]] == victims
    assert set(before["users"]) <= set(after["users"])  # (sign-ups with odd names may add some)
    assert not await _stored_text_is_clean()
    assert (await client.get("/health")).status_code == 200
