"""Stored and reflected XSS where the API shows user or model text: exports, error
messages that echo input, and the `next` parameter sent back to the sign-in form.

A browser runs script only from a response it renders as HTML: every one of these
must be a download or JSON, marked `nosniff`, with the text intact (escaping is the
page's job; the pages never render text as HTML: tests/security/test_xss_pages.py).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.api.conftest import PASSWORD, send
from tests.fakes.fake_openai import Script

XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
XSS_TITLE = 'Tax "plan"; filename=evil.html <svg onload=alert(3)>'


@pytest.fixture
async def scene(sqlite_database, api, ai_fake):
    ai_fake.set_default(Script(chunks=["Model says ", XSS, " [x](javascript:alert(4))"]))
    user = await api.signup(full_name='<b onmouseover="alert(5)">Bold</b>')
    sent = await send(user.client, f"Question {XSS}", headers=user.csrf_headers)
    conversation = sent.json()["conversation_id"]
    renamed = await user.client.patch(
        f"/api/conversation/{conversation}", json={"title": XSS_TITLE}, headers=user.csrf_headers
    )
    assert renamed.status_code == 200, renamed.text
    return user, conversation


@pytest.mark.parametrize(
    "path, kind",
    [
        ("/api/conversation/{id}/export?format=md", "text/markdown"),
        ("/api/conversation/{id}/export?format=json", "application/json"),
        ("/api/me/export", "application/json"),
    ],
)
async def test_exports_are_downloads_never_pages(scene, path, kind):
    user, conversation = scene
    response = await user.client.get(path.format(id=conversation))
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == kind
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    # The title does not break out of the file name.
    filename = disposition.split("filename=", 1)[1]
    assert filename.startswith('"') and filename.endswith('"') and '"' not in filename[1:-1], disposition
    assert not filename.strip('"').lower().endswith((".html", ".htm", ".svg", ".xml"))
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<script>alert(2)</script>" in response.text  # kept as written: the file is the user's own data


async def test_errors_that_echo_input_are_json(sqlite_database, api):
    user = await api.signup()
    probes = [
        user.client.get(f"/api/conversation/{XSS}"),
        user.client.get("/api/conversations", params={"category": XSS}),
        user.client.get("/api/conversations", params={"cursor": XSS}),
        user.client.post("/api/tokens", json={"name": XSS * 20}, headers=user.csrf_headers),
        api.client().post("/api/auth/login", json={"email": XSS, "password": PASSWORD}),
        api.client().get(f"/api/no-such-route/{XSS}"),
    ]
    for probe in probes:
        response = await probe
        assert 400 <= response.status_code < 500, response.text
        assert response.headers["content-type"].startswith("application/json"), response.headers["content-type"]
        assert response.headers["x-content-type-options"] == "nosniff"


async def test_next_goes_back_to_the_form_only_as_a_safe_path(sqlite_database, api):
    """A failed sign-in sends `next` back to /login; a script URL never survives the trip."""
    response = await api.client().post(
        "/auth/login",
        data={"email": "a@example.com", "password": "wrong password", "next": "javascript:alert(document.cookie)"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == ["/chat"]
