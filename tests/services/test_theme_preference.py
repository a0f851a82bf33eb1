"""The colour theme a user picks is kept on their account (users.theme), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from finucity.models import AuditLog
from finucity.services import accounts
from finucity.services.context import Actor, read_only
from finucity.services.errors import AuthenticationError, ValidationError

WEB = Actor(channel="ui", ip="198.51.100.21", user_agent="pytest")


async def new_user(email="asha@example.com"):
    result = await accounts.sign_up(WEB, email=email, password="a perfectly fine passphrase", full_name="Asha Rao")
    return result.user


async def test_a_new_account_follows_the_device(database):
    user = await new_user()
    assert user.theme is None
    assert accounts.theme_of(user) == "system"


@pytest.mark.parametrize("theme", ["light", "dark"])
async def test_a_chosen_theme_is_stored_and_read_back(database, theme):
    user = await new_user()
    assert await accounts.set_theme(WEB.as_user(user), theme) == theme
    stored = await accounts.get_user(user.id)
    assert stored.theme == theme
    assert accounts.theme_of(stored) == theme


@pytest.mark.parametrize("system", ["system", None])
async def test_system_stores_null_so_the_device_decides_again(database, system):
    user = await new_user()
    await accounts.set_theme(WEB.as_user(user), "dark")
    assert await accounts.set_theme(WEB.as_user(user), system) == "system"
    assert (await accounts.get_user(user.id)).theme is None


async def test_only_the_acting_user_changes(database):
    asha = await new_user()
    ravi = await new_user("ravi@example.com")
    await accounts.set_theme(WEB.as_user(asha), "light")
    assert (await accounts.get_user(ravi.id)).theme is None


@pytest.mark.parametrize("bad", ["blue", "", "LIGHT", "light ", 1, ["dark"]])
async def test_anything_else_is_refused(database, bad):
    user = await new_user()
    with pytest.raises(ValidationError) as caught:
        await accounts.set_theme(WEB.as_user(user), bad)
    assert caught.value.field == "theme"
    assert (await accounts.get_user(user.id)).theme is None


async def test_signed_out_callers_cannot_set_a_theme(database):
    with pytest.raises(AuthenticationError):
        await accounts.set_theme(WEB, "dark")


async def test_the_change_is_audited(database):
    user = await new_user()
    await accounts.set_theme(WEB.as_user(user), "dark")
    async with read_only() as session:
        row = await session.scalar(select(AuditLog).where(AuditLog.action == "account.theme"))
    assert row.target_id == str(user.id)
    assert row.details["theme"] == "dark"
