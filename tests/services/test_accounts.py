"""Accounts: sign-up, sign-in, sessions and API tokens, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from finucity.models import ApiToken, AuditLog, Role, User, UserSession, utcnow
from finucity.services import account_data, accounts, security
from finucity.services.context import Actor, read_only, unit_of_work
from finucity.services.errors import (
    AuthenticationError,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationError,
)

WEB = Actor(channel="api", ip="198.51.100.20", user_agent="pytest")
GOOD_PASSWORD = "a perfectly fine passphrase"


async def count(model) -> int:
    async with read_only() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def sign_up(email="neha@example.com", password=GOOD_PASSWORD, full_name="Neha Kapoor"):
    return await accounts.sign_up(WEB, email=email, password=password, full_name=full_name)


# --- sign-up --------------------------------------------------------------------------------------


async def test_sign_up_creates_a_user_and_a_session(database):
    result = await sign_up(email="  Neha.Kapoor@Example.COM ")
    assert result.user.email == "neha.kapoor@example.com"
    assert result.user.role == Role.user.value
    assert result.user.first_name == "Neha"
    assert result.token and len(result.token) >= 40
    async with read_only() as session:
        stored = await session.scalar(select(UserSession).where(UserSession.user_id == result.user.id))
    # Only a hash of the token is stored.
    assert stored.token_hash == security.hash_token(result.token)
    assert result.token not in stored.token_hash
    user = await accounts.get_user(result.user.id)
    assert user.password_hash.startswith("$argon2")
    assert GOOD_PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("fields", "field", "message_part"),
    [
        ({"email": ""}, "email", "email"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"password": ""}, "password", "password"),
        ({"password": "short9chr"}, "password", "at least 10"),
        ({"full_name": "   "}, "full_name", "full name"),
        ({"full_name": None}, "full_name", "full name"),
        ({"email": None}, "email", "email"),
    ],
)
async def test_bad_sign_up_input_gets_a_clear_message_and_stores_nothing(database, fields, field, message_part):
    values = {"email": "new@example.com", "password": GOOD_PASSWORD, "full_name": "New Person", **fields}
    with pytest.raises(ValidationError) as caught:
        await accounts.sign_up(WEB, **values)
    assert caught.value.field == field
    assert message_part in caught.value.message.lower()
    assert await count(User) == 0
    assert await count(UserSession) == 0


@pytest.mark.parametrize("second", ["neha@example.com", "NEHA@EXAMPLE.COM", "Neha@Example.com"])
async def test_duplicate_sign_up_in_any_letter_case_is_refused(database, second):
    await sign_up(email="neha@example.com")
    with pytest.raises(Conflict) as caught:
        await sign_up(email=second, full_name="Someone Else")
    assert "already exists" in caught.value.message
    assert caught.value.field == "email"
    assert await count(User) == 1
    assert await count(UserSession) == 1


async def test_nobody_chooses_a_role_at_sign_up(database):
    # The sign-up function has no role parameter at all; extra input is refused.
    with pytest.raises(TypeError):
        await accounts.sign_up(WEB, email="x@example.com", password=GOOD_PASSWORD, full_name="X Y", role="admin")  # type: ignore[call-arg]
    assert await count(User) == 0


async def test_only_the_command_line_or_an_admin_creates_admins(database, people):
    _, member = await people.user()
    with pytest.raises(PermissionDenied):
        await accounts.create_user(
            member, email="boss@example.com", password=GOOD_PASSWORD, full_name="Boss", admin=True
        )
    admin = await accounts.create_user(
        Actor(channel="cli"), email="boss@example.com", password=GOOD_PASSWORD, full_name="Boss", admin=True
    )
    assert admin.role == Role.admin.value


# --- sign-in ----------------------------------------------------------------------------------------


async def test_sign_in_with_any_case_email_starts_a_new_session_each_time(database):
    await sign_up()
    first = await accounts.sign_in(WEB, email="NEHA@example.com", password=GOOD_PASSWORD)
    second = await accounts.sign_in(WEB, email="neha@example.com", password=GOOD_PASSWORD)
    assert first.token != second.token
    assert (await accounts.resolve_session(first.token))[0].email == "neha@example.com"
    user = await accounts.get_user(first.user.id)
    assert user.last_login_at is not None


async def test_wrong_password_and_unknown_email_get_the_same_message(database):
    await sign_up()
    with pytest.raises(AuthenticationError) as wrong:
        await accounts.sign_in(WEB, email="neha@example.com", password="not the password")
    with pytest.raises(AuthenticationError) as unknown:
        await accounts.sign_in(WEB, email="nobody@example.com", password="not the password")
    assert wrong.value.message == unknown.value.message == "Incorrect email or password."
    # Nothing was created by the failures; both were audited.
    assert await count(UserSession) == 1
    async with read_only() as session:
        failures = await session.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == "auth.login_failed")
        )
    assert failures == 2


@pytest.mark.parametrize(
    ("email", "password", "field"), [("", "x", "email"), ("a@b.co", "", "password"), (None, "x", "email")]
)
async def test_sign_in_with_missing_fields_names_the_field(database, email, password, field):
    with pytest.raises(ValidationError) as caught:
        await accounts.sign_in(WEB, email=email, password=password)
    assert caught.value.field == field
    assert await count(UserSession) == 0


async def test_repeated_failures_lock_the_account_without_revealing_it_exists(database, settings_env):
    settings_env(LOGIN_LIMIT_ACCOUNT="3/15 minutes")
    await sign_up()
    for _ in range(3):
        with pytest.raises(AuthenticationError):
            await accounts.sign_in(WEB, email="neha@example.com", password="wrong password!")
    # Even the right password is refused now, with a throttling message.
    with pytest.raises(RateLimited) as locked:
        await accounts.sign_in(WEB, email="neha@example.com", password=GOOD_PASSWORD)
    # An unknown account is throttled exactly the same way.
    for _ in range(3):
        with pytest.raises(AuthenticationError):
            await accounts.sign_in(WEB, email="ghost@example.com", password="wrong password!")
    with pytest.raises(RateLimited) as ghost:
        await accounts.sign_in(WEB, email="ghost@example.com", password="wrong password!")
    assert locked.value.message == ghost.value.message
    assert locked.value.retry_after > 0
    # Another account is not affected.
    await sign_up(email="ravi@example.com", full_name="Ravi K")
    assert (
        await accounts.sign_in(WEB, email="ravi@example.com", password=GOOD_PASSWORD)
    ).user.email == "ravi@example.com"


async def test_attempts_from_one_ip_are_throttled(database, settings_env):
    await sign_up()
    settings_env(LOGIN_LIMIT_IP="3/15 minutes")
    for i in range(3):
        with pytest.raises(AuthenticationError):
            await accounts.sign_in(WEB, email=f"ghost{i}@example.com", password="wrong password!")
    with pytest.raises(RateLimited):
        await accounts.sign_in(WEB, email="neha@example.com", password=GOOD_PASSWORD)
    other_ip = Actor(channel="api", ip="198.51.100.99")
    assert (await accounts.sign_in(other_ip, email="neha@example.com", password=GOOD_PASSWORD)).user


async def test_a_deactivated_user_cannot_sign_in_or_use_old_sessions(database):
    result = await sign_up()
    async with unit_of_work(WEB) as uow:
        await uow.session.execute(update(User).where(User.id == result.user.id).values(is_active=False))
    assert await accounts.resolve_session(result.token) is None
    with pytest.raises(AuthenticationError):
        await accounts.sign_in(WEB, email="neha@example.com", password=GOOD_PASSWORD)


# --- sessions ---------------------------------------------------------------------------------------


async def test_sign_out_makes_the_token_useless(database):
    result = await sign_up()
    actor = WEB.as_user(result.user)
    await accounts.sign_out(actor, result.token)
    assert await accounts.resolve_session(result.token) is None
    # Signing out twice is harmless.
    await accounts.sign_out(actor, result.token)


async def test_expired_sessions_do_not_resolve(database):
    result = await sign_up()
    async with unit_of_work(WEB) as uow:
        await uow.session.execute(
            update(UserSession)
            .where(UserSession.user_id == result.user.id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert await accounts.resolve_session(result.token) is None


@pytest.mark.parametrize("token", [None, "", "x" * 500, "not-a-real-token"])
async def test_garbage_tokens_resolve_to_nobody(database, token):
    assert await accounts.resolve_session(token) is None


# --- API tokens -------------------------------------------------------------------------------------


async def test_api_tokens_are_shown_once_stored_hashed_and_revocable(database, people):
    user, actor = await people.user()
    created = await accounts.create_api_token(actor, "  laptop   script ")
    assert created.token.name == "laptop script"
    assert created.secret.startswith("fc_")
    async with read_only() as session:
        stored = await session.get(ApiToken, created.token.id)
    assert stored.token_hash == security.hash_token(created.secret)
    assert (await accounts.resolve_api_token(created.secret)).id == user.id
    assert [t.id for t in await accounts.list_api_tokens(actor)] == [created.token.id]

    await accounts.revoke_api_token(actor, created.token.id)
    assert await accounts.resolve_api_token(created.secret) is None
    assert await accounts.list_api_tokens(actor) == []


async def test_nobody_revokes_another_users_token(database, people):
    _, owner = await people.user()
    _, stranger = await people.user()
    created = await accounts.create_api_token(owner, "ci")
    with pytest.raises(NotFound):
        await accounts.revoke_api_token(stranger, created.token.id)
    assert await accounts.resolve_api_token(created.secret) is not None


async def test_a_token_needs_a_name(database, people):
    _, actor = await people.user()
    with pytest.raises(ValidationError) as caught:
        await accounts.create_api_token(actor, "   ")
    assert caught.value.field == "name"
    assert await count(ApiToken) == 0


# --- the account's own data -----------------------------------------------------------------------------


async def test_delete_account_needs_the_password_and_removes_everything(database, people):
    user, actor = await people.user()
    await accounts.create_api_token(actor, "phone")
    with pytest.raises(ValidationError):
        await account_data.delete_account(actor, password="wrong password")
    assert await accounts.get_user(user.id) is not None

    await account_data.delete_account(actor, password=people.password)
    assert await accounts.get_user(user.id) is None
    assert await count(ApiToken) == 0
    async with read_only() as session:
        audit = await session.scalar(select(AuditLog).where(AuditLog.action == "user.delete"))
    assert audit.target_id == str(user.id)


async def test_delete_account_stops_password_guessing(database, people):
    """Five wrong passwords (LOGIN_LIMIT_ACCOUNT), then even the right one waits."""
    user, actor = await people.user()
    for _ in range(5):
        with pytest.raises(ValidationError):
            await account_data.delete_account(actor, password="a guess")
    with pytest.raises(RateLimited) as refused:
        await account_data.delete_account(actor, password=people.password)
    assert refused.value.retry_after > 0
    assert await accounts.get_user(user.id) is not None


async def test_export_contains_the_profile_and_no_secrets(database, people):
    _, actor = await people.user(email="export@example.com")
    token = await accounts.create_api_token(actor, "phone")
    data = await account_data.export_account(actor)
    assert data["user"]["email"] == "export@example.com"
    text = repr(data)
    assert token.secret not in text
    assert "argon2" not in text
    assert data["conversations"] == []


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("neha\ud800@example.com", GOOD_PASSWORD),
        ("neha@example.com", "pass \udfff word!"),
        ("ne\x00ha@example.com", GOOD_PASSWORD),
    ],
)
async def test_unstorable_characters_in_a_sign_in_are_an_ordinary_failure(database, email, password):
    await sign_up()
    with pytest.raises(AuthenticationError) as caught:
        await accounts.sign_in(WEB, email=email, password=password)
    assert caught.value.message == "Incorrect email or password."
    assert await count(UserSession) == 1


async def test_a_lone_surrogate_in_a_sign_up_names_the_field(database):
    with pytest.raises(ValidationError) as caught:
        await sign_up(full_name="Neha \ud800 Kapoor")
    assert caught.value.field == "full_name"
    assert await count(User) == 0
