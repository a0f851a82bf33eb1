"""Sign-in with Supabase Auth credentials, against a stand-in that speaks GoTrue's HTTP API.

The app keeps its own HttpOnly session afterwards, maps the Supabase user by its id,
and takes nothing from Supabase that a user could have edited (the role above all).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from finucity.models import User
from finucity.services.context import read_only
from tests.api.conftest import PASSWORD, assert_error
from tests.fakes.fake_gotrue import ANON_KEY, JWT_SECRET, FakeGoTrue

SUPA_PASSWORD = "supabase side passphrase"


@pytest.fixture
def gotrue(settings_env) -> Iterator[FakeGoTrue]:
    fake = FakeGoTrue().start()
    settings_env(SUPABASE_URL=fake.url, SUPABASE_ANON_KEY=ANON_KEY, SUPABASE_JWT_SECRET=JWT_SECRET)
    yield fake
    fake.stop()


async def _local(email: str) -> User | None:
    async with read_only() as session:
        return await session.scalar(select(User).where(User.email == email))


async def _login(api, email: str, password: str = SUPA_PASSWORD):
    client = api.client()
    return client, await client.post("/api/auth/login", json={"email": email, "password": password})


async def test_a_supabase_user_signs_in_and_gets_our_own_session_and_no_role_from_metadata(database, api, gotrue):
    remote = gotrue.add(
        "nisha@example.com",
        SUPA_PASSWORD,
        user_metadata={"full_name": "Nisha Rao", "role": "admin"},
        app_metadata={"provider": "email", "role": "admin"},
    )
    client, response = await _login(api, "nisha@example.com")
    assert response.status_code == 200, response.text
    assert response.json()["user"]["role"] == "user"
    assert "finucity_session" in response.headers["set-cookie"]
    assert "httponly" in response.headers["set-cookie"].lower()
    me = await client.get("/api/auth/me")
    assert me.json()["user"]["full_name"] == "Nisha Rao"

    local = await _local("nisha@example.com")
    assert local.supabase_id == uuid.UUID(remote.id) and local.role == "user"
    assert "GET /auth/v1/user" in gotrue.requests  # Supabase itself confirmed whose token it was

    # Signing in again is the same local user, not a second one.
    _, again = await _login(api, "nisha@example.com")
    assert again.json()["user"]["id"] == str(local.id)


async def test_a_wrong_password_is_the_usual_refusal(database, api, gotrue):
    gotrue.add("nisha@example.com", SUPA_PASSWORD)
    _, response = await _login(api, "nisha@example.com", "not the right one at all")
    assert_error(response, 401)
    assert await _local("nisha@example.com") is None


@pytest.mark.parametrize("mode", ["expired", "wrong-key"])
async def test_a_token_that_does_not_verify_signs_nobody_in(database, api, gotrue, mode):
    gotrue.add("nisha@example.com", SUPA_PASSWORD)
    gotrue.token_mode = mode
    _, response = await _login(api, "nisha@example.com")
    assert_error(response, 401)
    assert await _local("nisha@example.com") is None


async def test_without_the_jwt_secret_the_user_endpoint_still_refuses_an_expired_token(
    database, api, gotrue, settings_env
):
    settings_env(SUPABASE_JWT_SECRET="")
    gotrue.add("nisha@example.com", SUPA_PASSWORD)
    gotrue.token_mode = "expired"
    _, response = await _login(api, "nisha@example.com")
    assert_error(response, 401)
    gotrue.token_mode = "valid"
    _, response = await _login(api, "nisha@example.com")
    assert response.status_code == 200


async def test_an_existing_account_is_linked_only_when_supabase_confirmed_the_email(database, api, gotrue):
    mine = await api.signup("arjun@example.com", full_name="Arjun Das")
    gotrue.add("arjun@example.com", SUPA_PASSWORD, confirmed=False)
    _, unconfirmed = await _login(api, "arjun@example.com")
    assert_error(unconfirmed, 401)
    assert (await _local("arjun@example.com")).supabase_id is None

    gotrue.users["arjun@example.com"].confirmed = True
    _, confirmed = await _login(api, "arjun@example.com")
    assert confirmed.status_code == 200
    assert confirmed.json()["user"]["id"] == mine.id
    # The local password still works too.
    _, local = await _login(api, "arjun@example.com", PASSWORD)
    assert local.status_code == 200


async def test_without_supabase_settings_only_local_passwords_count(database, api, gotrue, settings_env):
    settings_env(SUPABASE_URL="", SUPABASE_ANON_KEY="")
    gotrue.add("nisha@example.com", SUPA_PASSWORD)
    _, response = await _login(api, "nisha@example.com")
    assert_error(response, 401)
    assert gotrue.requests == []
