"""Sessions under attack: fixation, theft (cookie flags), revocation on the server,
and the idle and absolute expiry of a session.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update

from finucity import db
from finucity.models import UserSession, utcnow
from finucity.services import accounts, security
from tests.api.conftest import PASSWORD, SESSION_COOKIE, assert_error, sign_in_admin


def _set_cookie(response, name: str) -> str:
    headers = [v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith(f"{name}=")]
    assert len(headers) == 1, headers
    return headers[0]


async def test_signing_in_issues_a_new_token_and_ends_the_one_the_browser_held(sqlite_database, api):
    """Fixation: a cookie planted in the victim's browser (the attacker's own session, or any
    value) is never adopted; signing in gives a fresh token and the old one stops working."""
    attacker = await api.signup(full_name="Attacker")
    victim = await api.signup(full_name="Victim")
    planted = attacker.session_cookie
    browser = api.client()

    response = await browser.post(
        "/api/auth/login",
        json={"email": victim.email, "password": PASSWORD},
        headers={"Cookie": f"{SESSION_COOKIE}={planted}"},
    )

    assert response.status_code == 200, response.text
    issued = response.cookies.get(SESSION_COOKIE)
    assert issued and issued != planted
    signed_in = api.client()
    signed_in.cookies.set(SESSION_COOKIE, issued)
    assert (await signed_in.get("/api/auth/me")).json()["user"]["email"] == victim.email
    replay = api.client()
    replay.cookies.set(SESSION_COOKIE, planted)
    assert_error(await replay.get("/api/auth/me"), 401)


async def test_the_sign_in_form_also_ends_the_session_the_browser_held(sqlite_database, api):
    user = await api.signup()
    old = user.session_cookie
    response = await user.client.post(
        "/auth/login", data={"email": user.email, "password": PASSWORD, "next": "/chat"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert user.client.cookies.get(SESSION_COOKIE) != old
    replay = api.client()
    replay.cookies.set(SESSION_COOKIE, old)
    assert_error(await replay.get("/api/auth/me"), 401)


@pytest.mark.parametrize("env", ["development", "production"])
async def test_the_session_cookie_is_http_only_same_site_and_secure_in_production(
    sqlite_database, api, settings_env, env
):
    if env == "production":
        settings_env(ENV="production", SECRET_KEY="production-test-secret-" + uuid.uuid4().hex)
    user = await api.signup()
    response = await user.client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    flags = [part.strip().lower() for part in _set_cookie(response, SESSION_COOKIE).split(";")]
    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert "path=/" in flags
    assert ("secure" in flags) == (env == "production")
    # The cookie holds a random token; the database only its hash.
    assert len(user.client.cookies.get(SESSION_COOKIE)) >= 40


async def test_deactivation_ends_sessions_and_tokens_and_reactivation_does_not_revive_them(sqlite_database, api):
    admin = await sign_in_admin(api)
    victim = await api.signup()
    bearer = await api.bearer(victim)
    old_cookie = victim.session_cookie

    for active in (False, True):
        changed = await admin.client.patch(
            f"/api/admin/users/{victim.id}", json={"is_active": active}, headers=admin.csrf_headers
        )
        assert changed.status_code == 200, changed.text

    replay = api.client()
    replay.cookies.set(SESSION_COOKIE, old_cookie)
    assert_error(await replay.get("/api/auth/me"), 401)
    assert_error(await bearer.get("/api/conversations"), 401)
    # The person can sign in again, with a new session.
    assert (await api.login(victim)).client.cookies.get(SESSION_COOKIE) != old_cookie


async def _age_session(token: str, *, idle: timedelta = timedelta(0), age: timedelta = timedelta(0)) -> None:
    now = utcnow()
    async with db.session_scope() as session:
        await session.execute(
            update(UserSession)
            .where(UserSession.token_hash == security.hash_token(token))
            .values(
                created_at=now - age,
                last_seen_at=now - idle,
                expires_at=now - age + timedelta(days=14),
            )
        )
        await session.commit()


@pytest.mark.parametrize(
    "idle, age, alive",
    [
        pytest.param(timedelta(hours=1), timedelta(days=13), True, id="in use, 13 days old"),
        pytest.param(accounts.SESSION_IDLE_TIMEOUT + timedelta(minutes=1), timedelta(days=8), False, id="idle"),
        pytest.param(timedelta(minutes=1), timedelta(days=14, minutes=1), False, id="past the absolute limit"),
    ],
)
async def test_a_session_ends_when_idle_too_long_or_too_old(sqlite_database, api, idle, age, alive):
    user = await api.signup()
    await _age_session(user.session_cookie, idle=idle, age=age)
    me = await user.client.get("/api/auth/me")
    assert (me.status_code == 200) == alive, me.text
    if not alive:
        # And it does not come back by being used.
        assert (await user.client.get("/api/auth/me")).status_code == 401
