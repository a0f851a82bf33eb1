"""Signing up, in and out through the JSON API, and who `/api/auth/me` says you are."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from finucity.models import User, UserSession
from finucity.services.context import read_only
from tests.api.conftest import PASSWORD, SESSION_COOKIE, assert_error, count_rows


def _set_cookie_header(response, name: str) -> str:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            return header
    raise AssertionError(f"no Set-Cookie for {name}: {response.headers.get_list('set-cookie')}")


async def test_signup_creates_the_account_signs_in_and_returns_a_csrf_token(database, api):
    client = api.client()
    response = await client.post(
        "/api/auth/signup",
        json={"email": "  Neha.Kapoor@Example.COM ", "password": PASSWORD, "full_name": "  Neha   Kapoor "},
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["success"] is True
    user = body["user"]
    assert user["email"] == "neha.kapoor@example.com"
    assert user["full_name"] == "Neha Kapoor"
    assert user["first_name"] == "Neha"
    assert user["role"] == "user"
    uuid.UUID(user["id"])
    assert body["csrf_token"]
    assert PASSWORD not in response.text and "argon2" not in response.text

    cookie = _set_cookie_header(response, SESSION_COOKIE).lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/" in cookie

    me = await client.get("/api/auth/me")
    assert me.status_code == 200, me.text
    assert me.json()["user"] == user
    assert me.json()["csrf_token"] == body["csrf_token"]

    async with read_only() as session:
        stored = await session.scalar(select(User).where(User.email == "neha.kapoor@example.com"))
        sessions = list(await session.scalars(select(UserSession).where(UserSession.user_id == stored.id)))
    assert stored.password_hash.startswith("$argon2") and PASSWORD not in stored.password_hash
    # Only the hash of the cookie's token is kept on the server.
    assert len(sessions) == 1
    assert sessions[0].token_hash != client.cookies.get(SESSION_COOKIE)


async def test_signup_with_an_email_that_exists_is_a_conflict_on_the_email(database, api):
    await api.signup("taken@example.com")

    response = await api.client().post(
        "/api/auth/signup", json={"email": "TAKEN@example.com", "password": PASSWORD, "full_name": "Someone Else"}
    )

    assert_error(response, 409, field="email")
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    assert await count_rows(User) == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD, "full_name": "Neha Kapoor"}, "email"),
        ({"email": "", "password": PASSWORD, "full_name": "Neha Kapoor"}, "email"),
        ({"email": "neha@example.com", "password": "short", "full_name": "Neha Kapoor"}, "password"),
        ({"email": "neha@example.com", "password": PASSWORD, "full_name": "   "}, "full_name"),
        ({"email": "neha@example.com", "password": PASSWORD}, "full_name"),
        ({"email": 42, "password": PASSWORD, "full_name": "Neha Kapoor"}, "email"),
    ],
)
async def test_signup_rejects_bad_input_naming_the_field_and_creates_nothing(database, api, payload, field):
    response = await api.client().post("/api/auth/signup", json=payload)

    assert_error(response, 422, field=field)
    assert "set-cookie" not in response.headers
    assert await count_rows(User) == 0


async def test_login_sets_a_new_session_cookie_and_returns_its_csrf_token(database, api):
    user = await api.signup("login@example.com")
    client = api.client()

    response = await client.post("/api/auth/login", json={"email": "Login@Example.com", "password": PASSWORD})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    assert body["user"]["id"] == user.id
    assert body["csrf_token"] and body["csrf_token"] != user.csrf  # a session of its own
    assert "httponly" in _set_cookie_header(response, SESSION_COOKIE).lower()
    me = await client.get("/api/auth/me")
    assert me.status_code == 200
    assert me.json()["user"]["email"] == "login@example.com"
    assert me.json()["csrf_token"] == body["csrf_token"]


async def test_wrong_password_and_unknown_email_get_the_same_answer(database, api):
    await api.signup("known@example.com")
    client = api.client()

    wrong = await client.post("/api/auth/login", json={"email": "known@example.com", "password": "not the password"})
    unknown = await client.post("/api/auth/login", json={"email": "nobody@example.com", "password": PASSWORD})

    first = assert_error(wrong, 401)
    second = assert_error(unknown, 401)
    assert first["error"] == second["error"] == "Incorrect email or password."
    assert "set-cookie" not in wrong.headers and "set-cookie" not in unknown.headers
    assert (await client.get("/api/auth/me")).status_code == 401


async def test_repeated_failed_logins_lock_the_account_for_a_while(database, api):
    """LOGIN_LIMIT_ACCOUNT is 5 per 15 minutes in tests: the 6th try is refused, even with the right password."""
    await api.signup("target@example.com")
    client = api.client()
    for _ in range(5):
        response = await client.post(
            "/api/auth/login", json={"email": "target@example.com", "password": "guess guess guess"}
        )
        assert_error(response, 401)

    locked = await client.post("/api/auth/login", json={"email": "target@example.com", "password": PASSWORD})

    assert_error(locked, 429)
    assert int(locked.headers["retry-after"]) >= 1
    assert "set-cookie" not in locked.headers


async def test_logout_ends_the_session_on_the_server(database, api):
    user = await api.signup()
    old_cookie = user.session_cookie

    response = await user.client.post("/api/auth/logout", headers=user.csrf_headers)

    assert response.status_code == 200, response.text
    assert response.json() == {"success": True}
    assert _set_cookie_header(response, SESSION_COOKIE)  # the browser is told to drop it
    # Even a client that kept the old cookie is signed out now.
    replay = api.client()
    replay.cookies.set(SESSION_COOKIE, old_cookie)
    assert_error(await replay.get("/api/auth/me"), 401)
    assert_error(await replay.post("/api/send-message", json={"message": "hi"}, headers=user.csrf_headers), 401)


async def test_logout_with_a_cookie_but_without_the_csrf_token_is_refused(database, api):
    user = await api.signup()

    response = await user.client.post("/api/auth/logout")

    assert_error(response, 403)
    assert (await user.client.get("/api/auth/me")).status_code == 200  # still signed in


async def test_logout_without_a_session_is_harmless(database, api):
    response = await api.client().post("/api/auth/logout")
    assert response.status_code == 200
    assert response.json() == {"success": True}


async def test_me_without_credentials_is_401_json(database, api):
    response = await api.client().get("/api/auth/me")
    assert_error(response, 401)


async def test_a_forged_or_expired_cookie_is_just_signed_out(database, api):
    client = api.client()
    client.cookies.set(SESSION_COOKIE, "forged-" + uuid.uuid4().hex)
    assert_error(await client.get("/api/auth/me"), 401)
    assert_error(await client.get("/api/conversations"), 401)


async def test_signup_posted_from_another_site_is_refused(database, api):
    """Login CSRF: a page elsewhere must not sign the browser into an account."""
    response = await api.client().post(
        "/api/auth/signup",
        json={"email": "victim@example.com", "password": PASSWORD, "full_name": "Victim"},
        headers={"Origin": "https://evil.example"},
    )
    assert_error(response, 403)
    assert await count_rows(User) == 0

    user = await api.signup("real@example.com")
    login = await api.client().post(
        "/api/auth/login", json={"email": user.email, "password": PASSWORD}, headers={"Origin": "https://evil.example"}
    )
    assert_error(login, 403)
    assert "set-cookie" not in login.headers

    allowed = await api.client().post(
        "/api/auth/login", json={"email": user.email, "password": PASSWORD}, headers={"Origin": "http://localhost:3000"}
    )
    assert allowed.status_code == 200, allowed.text


async def test_the_legacy_chat_api_prefix_answers_the_same_routes(database, api):
    client = api.client()
    response = await client.post(
        "/chat/api/auth/signup", json={"email": "legacy@example.com", "password": PASSWORD, "full_name": "Old Client"}
    )
    assert response.status_code == 201, response.text
    me = await client.get("/chat/api/auth/me")
    assert me.status_code == 200
    assert me.json()["user"]["email"] == "legacy@example.com"
