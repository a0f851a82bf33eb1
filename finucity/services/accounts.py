"""Accounts, sign-in sessions and personal API tokens."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import uuid
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from finucity.config import get_settings
from finucity.models import ApiToken, Role, User, UserSession, utcnow
from finucity.services import group_commit, ratelimit, security, session_tabs, supabase_auth
from finucity.services.context import Actor, read_only, unit_of_work
from finucity.services.errors import (
    AuthenticationError,
    Conflict,
    NotFound,
    RateLimited,
    ValidationError,
)
from finucity.services.validation import is_encodable, require_encodable, single_line
from finucity.telemetry import metrics

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
MAX_NAME = 200
# Refresh `last_seen_at` at most this often: a session check must not be a write.
LAST_SEEN_GRANULARITY = timedelta(minutes=1)
# A session unused this long ends, whatever its absolute expiry (SESSION_DAYS).
SESSION_IDLE_TIMEOUT = timedelta(days=3)
BAD_CREDENTIALS = "Incorrect email or password."
TOO_MANY_ATTEMPTS = "Too many sign-in attempts. Please wait a few minutes and try again."


@dataclasses.dataclass(frozen=True)
class SignedIn:
    user: User
    session: UserSession
    token: str  # the raw cookie value; only ever handed to the cookie

    @property
    def csrf_token(self) -> str:
        return security.csrf_token_for(str(self.session.id))


@dataclasses.dataclass(frozen=True)
class NewApiToken:
    token: ApiToken
    secret: str  # shown once


# --- validation --------------------------------------------------------------


def normalize_email(email: object) -> str:
    if not isinstance(email, str) or not email.strip():
        raise ValidationError("Enter your email address.", field="email")
    candidate = email.strip()
    require_encodable(candidate, field="email", label="the email address")
    if len(candidate) > 254:
        raise ValidationError("That email address is too long.", field="email")
    try:
        result = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError("Enter a valid email address, like name@example.com.", field="email") from None
    return result.normalized.lower()


def validate_password(password: object) -> str:
    if not isinstance(password, str) or password == "":
        raise ValidationError("Enter a password.", field="password")
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"Use a password of at least {MIN_PASSWORD} characters.", field="password")
    if len(password) > MAX_PASSWORD:
        raise ValidationError("That password is too long.", field="password")
    if "\x00" in password:
        raise ValidationError("The password contains a character that is not allowed.", field="password")
    require_encodable(password, field="password", label="the password")
    return password


def clean_name(full_name: object) -> str:
    return single_line(full_name, field="full_name", label="your full name", max_length=MAX_NAME)


# --- users ---------------------------------------------------------------------


async def _create_user(actor: Actor, *, email: str, password: str, full_name: str, role: Role, action: str) -> User:
    email = normalize_email(email)
    password = validate_password(password)
    name = clean_name(full_name)
    password_hash = await security.hash_password(password)
    user = User(
        email=email,
        password_hash=password_hash,
        full_name=name,
        first_name=name.split(" ", 1)[0],
        role=role.value,
    )
    try:
        async with unit_of_work(actor) as uow:
            existing = await uow.session.scalar(select(User.id).where(User.email == email))
            if existing is not None:
                raise Conflict("An account with this email already exists. Sign in instead.", field="email")
            uow.session.add(user)
            await uow.session.flush()
            uow.audit(action, target_type="user", target_id=user.id, role=role.value)
    except IntegrityError:
        # Two sign-ups with the same email at once: the unique index decides.
        raise Conflict("An account with this email already exists. Sign in instead.", field="email") from None
    return user


async def sign_up(actor: Actor, *, email: str, password: str, full_name: str) -> SignedIn:
    """A new account (always role `user`) and its first session."""
    await ratelimit.hit(get_settings().login_limit_ip, "signup-ip", actor.ip or "-", message=TOO_MANY_ATTEMPTS)
    user = await _create_user(
        actor, email=email, password=password, full_name=full_name, role=Role.user, action="user.signup"
    )
    return await _start_session(actor.as_user(user), user)


async def create_user(actor: Actor, *, email: str, password: str, full_name: str, admin: bool = False) -> User:
    """For the command line (and later the admin page): may create admins."""
    if actor.channel != "cli":
        actor.require_admin()
    role = Role.admin if admin else Role.user
    return await _create_user(
        actor, email=email, password=password, full_name=full_name, role=role, action="user.create"
    )


async def get_user(user_id: uuid.UUID) -> User | None:
    async with read_only() as session:
        return await session.get(User, user_id)


# --- sign in / out ---------------------------------------------------------------


async def sign_in(actor: Actor, *, email: str, password: str) -> SignedIn:
    """Check the credentials (throttled per account and per IP) and start a session.

    Every failure says the same thing, whether or not the email exists.
    """
    settings = get_settings()
    if not isinstance(email, str) or not email.strip():
        raise ValidationError("Enter your email address.", field="email")
    if not isinstance(password, str) or not password:
        raise ValidationError("Enter your password.", field="password")
    account_key = email.strip().lower()[:254]
    # NUL and lone surrogates are in no stored address, and the database,
    # Redis and the audit log would all refuse them: such an email is simply
    # unknown (its keys are made printable), and fails like any other.
    storable = "\x00" not in account_key and is_encodable(account_key)
    if not storable:
        account_key = account_key.encode("utf-8", "replace").decode("utf-8").replace("\x00", "?")
    ip_key = actor.ip or "-"
    await ratelimit.hit(settings.login_limit_ip, "login-ip", ip_key, message=TOO_MANY_ATTEMPTS)
    # Per account *and* address: a guesser locks only their own address out of an
    # account, never its owner (the per-IP limit above bounds guessing overall).
    await ratelimit.check(settings.login_limit_account, "login-account", account_key, ip_key, message=TOO_MANY_ATTEMPTS)

    user = None
    if storable:
        async with read_only() as session:
            user = await session.scalar(select(User).where(User.email == account_key))
    ok = is_encodable(password) and await security.verify_password(
        user.password_hash if user else None, password[:MAX_PASSWORD]
    )
    if not ok and storable and is_encodable(password) and supabase_auth.is_configured():
        # Not this site's password: perhaps the user's Supabase Auth one.
        remote = await supabase_auth.verified_user(account_key, password[:MAX_PASSWORD])
        if remote is not None:
            user = await supabase_auth.local_user_for(actor, remote)
            ok = user is not None
    if not ok or user is None or not user.is_active:
        # A failure that uses the last attempt is not refused itself; the next one is.
        with contextlib.suppress(RateLimited):
            await ratelimit.hit(
                settings.login_limit_account, "login-account", account_key, ip_key, message=TOO_MANY_ATTEMPTS
            )
        metrics.sign_in_failures.labels("inactive account" if ok and user else "bad credentials").inc()
        async with unit_of_work(actor) as uow:
            uow.audit("auth.login_failed", target_type="user", target_id=user.id if user else None, email=account_key)
        raise AuthenticationError(BAD_CREDENTIALS)
    return await _start_session(actor.as_user(user), user)


async def _start_session(actor: Actor, user: User) -> SignedIn:
    token = security.new_session_token()
    now = utcnow()
    row = UserSession(
        token_hash=security.hash_token(token),
        user_id=user.id,
        created_at=now,
        expires_at=now + timedelta(days=get_settings().session_days),
        last_seen_at=now,
        ip=(actor.ip or None) and actor.ip[:64],
        user_agent=(actor.user_agent or None) and actor.user_agent[:300],
    )
    async with unit_of_work(actor) as uow:
        uow.session.add(row)
        await uow.session.execute(update(User).where(User.id == user.id).values(last_login_at=now))
        uow.audit("auth.login", target_type="session", target_id=row.id)
    user.last_login_at = now
    return SignedIn(user=user, session=row, token=token)


@functools.cache
def _session_statement():
    """Built once: it runs before every event of every signed-in tab."""
    return (
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == bindparam("token_hash"))
    )


async def resolve_session(token: str | None) -> tuple[User, UserSession] | None:
    """The live session and its user for a cookie token, or None."""
    if not token or len(token) > 200:
        return None
    now = utcnow()
    async with read_only() as session:
        row = (await session.execute(_session_statement(), {"token_hash": security.hash_token(token)})).first()
        if row is None:
            return None
        user_session, user = row
        if user_session.revoked_at is not None or user_session.expires_at <= now or not user.is_active:
            return None
        if now - user_session.last_seen_at > SESSION_IDLE_TIMEOUT:
            return None
    if now - user_session.last_seen_at > LAST_SEEN_GRANULARITY:
        # With the other writes of this moment: a transaction of its own waited for
        # theirs (on SQLite, for the write lock) before every request it stamped.
        await group_commit.execute(
            update(UserSession)
            .execution_options(synchronize_session=False)
            .where(UserSession.id == user_session.id)
            .values(last_seen_at=now)
        )
    return user, user_session


async def sign_out(actor: Actor, token: str | None) -> None:
    """End the session behind `token` on the server; the cookie is then useless."""
    if not token:
        return
    async with unit_of_work(actor) as uow:
        ended = (
            await uow.session.scalars(
                update(UserSession)
                .where(UserSession.token_hash == security.hash_token(token), UserSession.revoked_at.is_(None))
                .values(revoked_at=utcnow())
                .returning(UserSession.id)
            )
        ).all()
        if ended:
            uow.audit("auth.logout", target_type="user", target_id=actor.user_id)
    # Every tab of this browser empties now, not at its next event.
    await session_tabs.sessions_ended(ended)


# --- preferences -------------------------------------------------------------------

# What the user menu offers; "system" is stored as NULL: follow the device.
THEMES = ("system", "light", "dark")


async def set_theme(actor: Actor, theme: object) -> str:
    """Remember the user's colour theme, so every browser they sign in on
    shows it. Returns what was stored, as one of THEMES."""
    user_id = actor.require_user()
    if theme is None:
        theme = "system"
    if theme not in THEMES:
        raise ValidationError("Choose a theme: system, light or dark.", field="theme")
    async with unit_of_work(actor) as uow:
        result = await uow.session.execute(
            update(User).where(User.id == user_id).values(theme=None if theme == "system" else theme)
        )
        if not result.rowcount:
            raise NotFound("Account not found")
        uow.audit("account.theme", target_type="user", target_id=user_id, theme=theme)
    return str(theme)


def theme_of(user: User) -> str:
    """The user's theme as one of THEMES (NULL, or anything unknown, follows the device)."""
    return user.theme if user.theme in THEMES else "system"


# --- personal API tokens -----------------------------------------------------------


async def create_api_token(actor: Actor, name: str) -> NewApiToken:
    user_id = actor.require_user()
    name = single_line(
        name,
        field="name",
        label="the token name",
        max_length=100,
        missing="Give the token a name, like 'laptop script'.",
    )
    secret = security.new_api_token()
    token = ApiToken(user_id=user_id, name=name, token_hash=security.hash_token(secret), prefix=secret[:10])
    async with unit_of_work(actor) as uow:
        count = len(
            (
                await uow.session.scalars(
                    select(ApiToken.id).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
                )
            ).all()
        )
        if count >= 20:
            raise ValidationError("You have 20 active tokens; revoke one first.", field="name")
        uow.session.add(token)
        uow.audit("token.create", target_type="api_token", target_id=token.id, name=name)
    return NewApiToken(token=token, secret=secret)


async def list_api_tokens(actor: Actor) -> list[ApiToken]:
    user_id = actor.require_user()
    async with read_only() as session:
        rows = await session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc())
        )
        return list(rows)


async def revoke_api_token(actor: Actor, token_id: uuid.UUID) -> None:
    user_id = actor.require_user()
    async with unit_of_work(actor) as uow:
        result = await uow.session.execute(
            update(ApiToken)
            .where(ApiToken.id == token_id, ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        if not result.rowcount:
            raise NotFound("Token not found")
        uow.audit("token.revoke", target_type="api_token", target_id=token_id)


async def resolve_api_token(secret: str | None) -> User | None:
    found = await resolve_api_token_and_id(secret)
    return found[0] if found else None


@functools.cache
def _token_statement():
    """Built once: every API request runs it, and building it cost as much as running it."""
    return (
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == bindparam("token_hash"))
    )


async def resolve_api_token_and_id(secret: str | None) -> tuple[User, uuid.UUID] | None:
    """The token's user and the token's id, or None (unknown, revoked, or the user inactive)."""
    if not secret or not secret.startswith(security.API_TOKEN_PREFIX) or len(secret) > 200:
        return None
    now = utcnow()
    async with read_only() as session:
        row = (await session.execute(_token_statement(), {"token_hash": security.hash_token(secret)})).first()
        if row is None:
            return None
        token, user = row
        if token.revoked_at is not None or not user.is_active:
            return None
    if token.last_used_at is None or now - token.last_used_at > LAST_SEEN_GRANULARITY:
        await group_commit.execute(
            update(ApiToken)
            .execution_options(synchronize_session=False)
            .where(ApiToken.id == token.id)
            .values(last_used_at=now)
        )
    return user, token.id
