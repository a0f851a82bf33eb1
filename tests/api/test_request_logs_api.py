"""The log of a whole session as an operator's pipeline reads it: one JSON event
per line, each naming its request and user, and no secret or message text in any.
"""

from __future__ import annotations

import io
import json
import logging

import pytest

from finucity.telemetry.logs import JsonFormatter, configure_logging
from tests.api.conftest import send, sign_in_admin
from tests.fakes.fake_openai import Script

QUESTION = "My salary is 23 lakh and my PAN is ABCPE1234F, which regime suits me?"
ANSWER = ["With deductions under ", "2.5 lakh, the new regime ", "costs you less."]


@pytest.fixture
def json_log():
    """Every record of the process, at DEBUG, as the production format writes it."""
    configure_logging()  # the redacting record factory
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


async def test_a_whole_session_logs_structured_lines_without_secrets(database, api, ai_fake, json_log):
    ai_fake.enqueue(Script(chunks=ANSWER))
    user = await api.signup(full_name="Ravi Secretname")
    wrong = await api.client().post("/api/auth/login", json={"email": user.email, "password": "wrong horse battery"})
    assert wrong.status_code == 401
    answered = await send(user.client, QUESTION, headers=user.csrf_headers)
    assert answered.status_code == 200, answered.text
    conversation_id = answered.json()["conversation_id"]
    token = await api.create_token(user)
    bearer = api.client(headers={"Authorization": f"Bearer {token['secret']}"})
    assert (await bearer.get("/api/conversations")).status_code == 200
    admin = await sign_in_admin(api)
    deleted = await admin.client.delete(f"/api/admin/conversations/{conversation_id}", headers=admin.csrf_headers)
    assert deleted.status_code == 200, deleted.text

    text = json_log.getvalue()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    access = [line for line in lines if line["logger"] == "finucity.access"]
    assert len(access) >= 6, text
    for line in lines:
        assert {"time", "level", "logger", "message"} <= line.keys()
    for line in access:
        assert {"request_id", "route", "method", "status", "duration_ms", "outcome"} <= line.keys(), line
    by_route = {(line["method"], line["route"], line["status"]): line for line in access}
    assert by_route[("POST", "/api/auth/login", 401)]["outcome"] == "client error"
    assert by_route[("POST", "/api/send-message", 200)]["user_id"] == user.id
    assert by_route[("GET", "/api/conversations", 200)]["user_id"] == user.id  # by token
    assert by_route[("DELETE", "/api/admin/conversations/{conversation_id}", 200)]["user_id"] == admin.id
    assert len({line["request_id"] for line in access}) == len(access)

    secrets = {
        "password": user.password,
        "wrong password": "wrong horse battery",
        "session cookie": user.session_cookie,
        "admin session cookie": admin.session_cookie,
        "csrf token": user.csrf,
        "api token": token["secret"],
        "question": "ABCPE1234F",
        "answer": "costs you less",
        "the AI key": "sk-test-not-a-real-key",
    }
    for what, secret in secrets.items():
        assert secret not in text, f"the {what} is in the log"
