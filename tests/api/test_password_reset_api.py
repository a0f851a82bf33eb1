"""Setting a password with a one-time link: the JSON route and the browser form."""

from __future__ import annotations

from finucity.services import password_resets
from finucity.services.context import Actor
from tests.api.conftest import assert_error

NEW_PASSWORD = "monsoon arrives in june"


async def _link_for(user) -> str:
    link = await password_resets.issue_reset_link(Actor(channel="cli"), user.uuid, base_url="http://testserver")
    return link.split("token=", 1)[1]


async def test_a_link_sets_the_password_once_and_ends_every_session(database, api):
    user = await api.signup()
    token = await _link_for(user)
    client = api.client()

    response = await client.post("/api/auth/reset-password", json={"token": token, "password": NEW_PASSWORD})
    assert response.status_code == 200, response.text

    # The session that existed before the reset is over; the new password signs in.
    assert (await user.client.get("/api/auth/me")).status_code == 401
    login = await client.post("/api/auth/login", json={"email": user.email, "password": NEW_PASSWORD})
    assert login.status_code == 200
    old = await client.post("/api/auth/login", json={"email": user.email, "password": user.password})
    assert old.status_code == 401

    again = await client.post("/api/auth/reset-password", json={"token": token, "password": "another long passphrase"})
    assert_error(again, 422, error=password_resets.INVALID_LINK, field="token")


async def test_a_made_up_token_and_a_short_password_are_clear_errors(database, api):
    user = await api.signup()
    client = api.client()
    made_up = await client.post("/api/auth/reset-password", json={"token": "x" * 43, "password": NEW_PASSWORD})
    assert_error(made_up, 422, error=password_resets.INVALID_LINK, field="token")
    short = await client.post("/api/auth/reset-password", json={"token": await _link_for(user), "password": "short"})
    assert short.status_code == 422
    assert short.json()["field"] == "password"


async def test_the_browser_form_goes_on_to_sign_in_or_back_with_the_message(database, api):
    user = await api.signup()
    token = await _link_for(user)
    client = api.client()

    failed = await client.post("/auth/reset-password", data={"token": token, "password": "short"})
    assert failed.status_code == 303
    assert failed.headers["location"].startswith("/reset-password?token=")
    assert "finucity_flash" in failed.headers.get("set-cookie", "")

    done = await client.post("/auth/reset-password", data={"token": token, "password": NEW_PASSWORD})
    assert done.status_code == 303
    assert done.headers["location"].startswith("/login?password_set=1")
    login = await client.post("/api/auth/login", json={"email": user.email, "password": NEW_PASSWORD})
    assert login.status_code == 200
