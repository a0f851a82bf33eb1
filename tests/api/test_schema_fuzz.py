"""Property-based fuzzing of the whole OpenAPI schema with Schemathesis.

Every documented operation is called with generated input (valid and
invalid: Schemathesis' coverage phase, then 25 random examples per operation) as a signed-in user with a
Bearer token, against the app in process and the built-in offline assistant.
No answer may be a 5xx, and every answer must be one the schema documents:
its status code, content type, headers and body.

How it runs: Schemathesis' ASGI transport drives the app from its own event
loop thread (`schemathesis.python.asgi`), so this module gives the app a
database engine that is created, used and disposed entirely in that loop:
the tests are plain functions, the fuzzing user is made through the API, and
the engine is disposed through the same portal at the end.

`DELETE /api/me` is left out of the fuzzing: it would delete the fuzzing user
halfway through (test_chat_api.py and test_validation_api.py cover it).

The fuzzing user is not an admin, so every admin route answers 403 to it; the
admin routes that only read are fuzzed once more as an admin, so their answers
with data in them are checked against the schema too (the writes are covered
by test_admin_api.py: fuzzing them would deactivate the fuzzing user).

Two schema violations the fuzzing once found have tests of their own below:
a body that is not UTF-8 gets FastAPI's 400, which every route documents, and
the event stream documents the shape of each event (Schemathesis, like
OpenAPI 3.2 without `itemSchema`, validates every event against it).
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import uuid
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi as schemathesis_asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from finucity import db
from finucity.services import accounts, generation
from finucity.services.context import Actor
from tests.api.conftest import parse_sse
from tests.conftest import _empty_tables

# Hypothesis keeps caches in ./.hypothesis; keep the working tree clean.
if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
    set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "finucity-tests-hypothesis")

FUZZ_PASSWORD = "fuzzing passphrase 123"
MAX_EXAMPLES = 25
STREAM = "POST /api/send-message-stream"


def _load_schema():
    from finucity.api import create_api

    # Phases: examples (the schema has none), coverage (deterministic boundary
    # and invalid values, ~300 requests in all) and fuzzing (MAX_EXAMPLES each).
    # No example database: nothing is written into the working tree (.hypothesis/).
    config = schemathesis.Config.from_dict({"generation": {"max-examples": MAX_EXAMPLES, "database": "none"}})
    # Loaded at import: Schemathesis' lazy `schemathesis.pytest.from_fixture`
    # uses `Function._nodeid`, which pytest 9 no longer has.
    return schemathesis.openapi.from_asgi("/openapi.json", create_api(), config=config)


schema = _load_schema().exclude(method="DELETE", path="/api/me")
admin_reads = schema.include(method="GET", path_regex="^/api/admin/")


# --- checks ------------------------------------------------------------------------------------------


def _is_event_stream(response) -> bool:
    # Schemathesis' Response: lowercase header names, a list of values each.
    return any(value.startswith("text/event-stream") for value in response.headers.get("content-type", []))


def our_event_format(ctx, response, case):
    """Beyond the schema: content events, then exactly one done or error event."""
    if case.operation.label == STREAM and response.status_code == 200 and _is_event_stream(response):
        events = parse_sse(response.content.decode())
        *content, last = events
        assert all(set(e) == {"content"} and isinstance(e["content"], str) for e in content), events
        assert last.get("done") is True or isinstance(last.get("error"), str), last
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    our_event_format,
]


# --- the fuzzing user ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FuzzUser:
    token: str
    conversation_id: str  # a real conversation of this user, with a question and an answer
    message_id: str  # that answer


@pytest.fixture(scope="module")
def fuzz_app():
    return schema.app


@pytest.fixture(scope="module")
def fuzz_user(fuzz_app, sqlite_url) -> FuzzUser:
    """A fresh user with an API token and one conversation, on an emptied SQLite
    database that is only ever used from Schemathesis' loop."""
    # Private, but the only handle on the loop the ASGI transport runs the app in.
    portal = schemathesis_asgi._get_portal()
    db.configure(sqlite_url)
    try:
        portal.call(_empty_tables)
        with schemathesis_asgi.get_client(fuzz_app) as client:
            signup = client.post(
                "/api/auth/signup",
                json={
                    "email": f"fuzz-{uuid.uuid4().hex[:8]}@example.com",
                    "password": FUZZ_PASSWORD,
                    "full_name": "Fuzz Tester",
                },
            )
            assert signup.status_code == 201, signup.text
            created = client.post(
                "/api/tokens", json={"name": "schemathesis"}, headers={"X-CSRF-Token": signup.json()["csrf_token"]}
            )
            assert created.status_code == 201, created.text
            secret = created.json()["secret"]
            sent = client.post(
                "/api/send-message",
                json={"message": "How much can I invest in PPF each year?"},
                headers={"Authorization": f"Bearer {secret}"},
            )
            assert sent.status_code == 200, sent.text
        yield FuzzUser(
            token=secret, conversation_id=sent.json()["conversation_id"], message_id=sent.json()["message_id"]
        )
    finally:
        portal.call(generation.shutdown)
        portal.call(db.dispose)
        db.configure(None)


@dataclasses.dataclass(frozen=True)
class FuzzAdmin:
    token: str
    user_id: str


@pytest.fixture(scope="module")
def fuzz_admin(fuzz_app, fuzz_user) -> FuzzAdmin:
    """An admin (made the only way there is outside the admin area) with an API token."""
    email = f"fuzz-admin-{uuid.uuid4().hex[:8]}@example.com"

    async def create():
        await accounts.create_user(
            Actor(channel="cli"), email=email, password=FUZZ_PASSWORD, full_name="Fuzz Admin", admin=True
        )

    schemathesis_asgi._get_portal().call(create)
    with schemathesis_asgi.get_client(fuzz_app) as client:
        login = client.post("/api/auth/login", json={"email": email, "password": FUZZ_PASSWORD})
        assert login.status_code == 200, login.text
        created = client.post(
            "/api/tokens", json={"name": "schemathesis"}, headers={"X-CSRF-Token": login.json()["csrf_token"]}
        )
        assert created.status_code == 201, created.text
    return FuzzAdmin(token=created.json()["secret"], user_id=login.json()["user"]["id"])


# --- the fuzzing -----------------------------------------------------------------------------------------


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
def test_no_server_errors_and_every_response_matches_the_schema(case, fuzz_user):
    headers = {"Authorization": f"Bearer {fuzz_user.token}"}
    case.call_and_validate(headers=headers, checks=CHECKS)
    # Random ids are never found; read and rename the real conversation too, so
    # the answers with data in them are checked against the schema as well.
    if "conversation_id" in (case.path_parameters or {}) and case.method.upper() != "DELETE":
        case.path_parameters["conversation_id"] = fuzz_user.conversation_id
        case.call_and_validate(headers=headers, checks=CHECKS)
    if "message_id" in (case.path_parameters or {}):
        case.path_parameters["message_id"] = fuzz_user.message_id
        case.call_and_validate(headers=headers, checks=CHECKS)


@admin_reads.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
def test_the_admin_reads_match_the_schema_for_an_admin(case, fuzz_user, fuzz_admin):
    headers = {"Authorization": f"Bearer {fuzz_admin.token}"}
    case.call_and_validate(headers=headers, checks=CHECKS)
    real = {"conversation_id": fuzz_user.conversation_id, "user_id": fuzz_admin.user_id}
    if set(case.path_parameters or {}) & set(real):
        case.path_parameters.update({k: v for k, v in real.items() if k in case.path_parameters})
        case.call_and_validate(headers=headers, checks=CHECKS)


def test_the_schema_documents_every_public_route(fuzz_app):
    """The fuzzing only reaches what the schema lists: make sure it lists the whole API."""
    paths = fuzz_app.openapi()["paths"]
    expected = {
        ("post", "/api/auth/signup"),
        ("post", "/api/auth/login"),
        ("post", "/api/auth/logout"),
        ("get", "/api/auth/me"),
        ("post", "/api/tokens"),
        ("get", "/api/tokens"),
        ("delete", "/api/tokens/{token_id}"),
        ("post", "/api/send-message"),
        ("post", "/api/send-message-stream"),
        ("get", "/api/conversations"),
        ("get", "/api/conversation/{conversation_id}"),
        ("patch", "/api/conversation/{conversation_id}"),
        ("delete", "/api/conversation/{conversation_id}"),
        ("get", "/api/conversation/{conversation_id}/export"),
        ("post", "/api/message/{message_id}/feedback"),
        ("get", "/api/me/export"),
        ("delete", "/api/me"),
        ("get", "/health"),
        ("get", "/api/admin/conversations"),
        ("get", "/api/admin/conversations/export"),
        ("get", "/api/admin/conversations/{conversation_id}"),
        ("delete", "/api/admin/conversations/{conversation_id}"),
        ("post", "/api/admin/conversations/delete"),
        ("get", "/api/admin/users"),
        ("get", "/api/admin/users/{user_id}"),
        ("patch", "/api/admin/users/{user_id}"),
        ("get", "/api/admin/stats"),
        ("get", "/api/admin/audit"),
    }
    documented = {(method, path) for path, item in paths.items() for method in item}
    assert expected <= documented, expected - documented
    assert not any(path.startswith("/chat/api/") for path in paths)  # the legacy aliases stay out of the docs


# --- what the fuzzing found ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/auth/signup"),
        ("POST", "/api/auth/login"),
        ("POST", "/api/send-message"),
        ("POST", "/api/send-message-stream"),
        ("PATCH", "/api/conversation/{conversation_id}"),
        ("POST", "/api/tokens"),
        ("POST", "/api/message/{message_id}/feedback"),
        ("DELETE", "/api/me"),
    ],
)
def test_an_undecodable_body_gets_a_documented_status(fuzz_app, fuzz_user, method, path):
    """A JSON body that is not UTF-8 gets FastAPI's 400; most routes do not document a 400."""
    documented = {int(code) for code in fuzz_app.openapi()["paths"][path][method.lower()]["responses"]}
    url = path.replace("{conversation_id}", fuzz_user.conversation_id).replace("{message_id}", fuzz_user.message_id)
    with schemathesis_asgi.get_client(fuzz_app) as client:
        response = client.request(
            method,
            url,
            data=b'{"message": "\xff\xfe"}',
            headers={"Authorization": f"Bearer {fuzz_user.token}", "Content-Type": "application/json"},
        )

    assert 400 <= response.status_code < 500, response.text
    assert response.json()["success"] is False
    assert response.status_code in documented, f"{response.status_code} is not documented ({sorted(documented)})"


def test_the_event_stream_matches_its_documented_schema(fuzz_user):
    case = schema["/api/send-message-stream"]["POST"].Case(
        body={"message": "What is the PPF lock-in period?", "conversation_id": None, "category": None},
        media_type="application/json",
    )

    response = case.call(headers={"Authorization": f"Bearer {fuzz_user.token}"})

    assert response.status_code == 200
    assert json.loads(response.text.splitlines()[-2][len("data: ") :])["done"] is True  # a complete stream
    case.validate_response(response, checks=[response_schema_conformance])
