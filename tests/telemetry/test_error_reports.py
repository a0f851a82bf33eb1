"""Error reports reach Sentry with what finds the failure and nothing a user typed.

A local stand-in plays Sentry: it accepts the envelopes the real SDK posts to
`/api/<project>/envelope/`, so the test sees exactly what would leave the machine.
"""

from __future__ import annotations

import gzip
import http.server
import json
import threading
from collections.abc import Iterator
from typing import ClassVar

import httpx
import pytest
import sentry_sdk

from finucity.services import accounts, chat
from finucity.telemetry.errors import init_error_reports

QUESTION = "My PAN is ABCPE1234F and I earn 31 lakh; how do I save tax?"


class _SentryStandIn(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[bytes]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        if self.headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        type(self).received.append(body)
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry(settings_env) -> Iterator[list[bytes]]:
    _SentryStandIn.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SentryStandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings_env(SENTRY_DSN=f"http://publickey@127.0.0.1:{server.server_port}/42")
    assert init_error_reports()
    try:
        yield _SentryStandIn.received
    finally:
        sentry_sdk.get_client().close(timeout=2)
        sentry_sdk.init()  # no DSN: reports off for the tests that follow
        server.shutdown()


def _events(envelopes: list[bytes]) -> list[dict]:
    events = []
    for envelope in envelopes:
        lines = envelope.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                events.append(json.loads(payload))
    return events


async def test_an_unexpected_error_is_reported_with_its_request_id_and_without_secrets(
    database, sentry, monkeypatch, people
):
    from finucity.api import create_api

    async def broken_send(*args, **kwargs):
        raise RuntimeError("the answer store failed (finucity_session=s3cr3t-cookie-value)")

    monkeypatch.setattr(chat, "send_message", broken_send)
    user, actor = await people.user()
    token = (await accounts.create_api_token(actor, "script")).secret
    transport = httpx.ASGITransport(app=create_api(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.post(
            "/api/send-message?utm=campaign-secret",
            json={"message": QUESTION},
            headers={"Authorization": f"Bearer {token}", "Cookie": "finucity_session=another-cookie-value"},
        )
    assert response.status_code == 500
    request_id = response.json()["request_id"]
    sentry_sdk.flush(timeout=5)

    events = _events(sentry)
    assert events, "no report reached the stand-in"
    report = json.dumps(events)
    assert any(event.get("tags", {}).get("request_id") == request_id for event in events)
    assert any(event.get("user", {}).get("id") == str(user.id) for event in events)
    assert "RuntimeError" in report
    for secret in ("ABCPE1234F", "31 lakh", "s3cr3t-cookie-value", "another-cookie-value", token, "campaign-secret"):
        assert secret not in report, f"{secret!r} left the machine"


def test_without_a_dsn_nothing_is_started(settings_env):
    settings_env(SENTRY_DSN="")
    assert init_error_reports() is False
