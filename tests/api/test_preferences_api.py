"""`PATCH /api/me` changes the colour theme; `/api/auth/me` says which it is."""

from __future__ import annotations

import pytest

from tests.api.conftest import assert_error


async def theme_of(client) -> str:
    me = await client.get("/api/auth/me")
    assert me.status_code == 200, me.text
    return me.json()["user"]["theme"]


async def test_a_new_account_follows_the_device(database, api):
    user = await api.signup("theme-new@example.com")
    assert await theme_of(user.client) == "system"


@pytest.mark.parametrize("theme", ["light", "dark"])
async def test_a_chosen_theme_is_kept_and_reported(database, api, theme):
    user = await api.signup("theme-pick@example.com")
    response = await user.client.patch("/api/me", json={"theme": theme}, headers=user.csrf_headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"success": True, "theme": theme}
    assert await theme_of(user.client) == theme


@pytest.mark.parametrize("system", ["system", None])
async def test_system_or_null_goes_back_to_the_device(database, api, system):
    user = await api.signup("theme-back@example.com")
    await user.client.patch("/api/me", json={"theme": "dark"}, headers=user.csrf_headers)
    response = await user.client.patch("/api/me", json={"theme": system}, headers=user.csrf_headers)
    assert response.json() == {"success": True, "theme": "system"}
    assert await theme_of(user.client) == "system"


async def test_an_unknown_theme_is_refused(database, api):
    user = await api.signup("theme-bad@example.com")
    response = await user.client.patch("/api/me", json={"theme": "purple"}, headers=user.csrf_headers)
    assert response.status_code == 422, response.text
    assert await theme_of(user.client) == "system"


async def test_the_cookie_needs_its_csrf_token(database, api):
    user = await api.signup("theme-csrf@example.com")
    assert_error(await user.client.patch("/api/me", json={"theme": "dark"}), 403)
    assert await theme_of(user.client) == "system"


async def test_signed_out_callers_are_refused(database, api):
    assert_error(await api.client().patch("/api/me", json={"theme": "dark"}), 401)
