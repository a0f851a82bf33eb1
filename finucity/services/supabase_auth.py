"""Signing in with Supabase Auth credentials, when SUPABASE_URL and SUPABASE_ANON_KEY are set.

The password goes to Supabase (GoTrue's password grant, through the supabase
client); what comes back is trusted only after checks of our own:

- the access token's signature and expiry, with SUPABASE_JWT_SECRET when it is
  set (projects on the legacy HS256 secret), and always
- the user endpoint, asked with that token: Supabase itself says whose it is.

The Supabase user maps to a local user by the Supabase user id
(`users.supabase_id`). An account with the same email and no Supabase id yet
is linked only when Supabase has confirmed the email; otherwise a new local
user is made. A role never comes from Supabase: user metadata is editable by
the user, and admins are made here (create-user --admin, the admin area).
The app then keeps its own HttpOnly session as for any sign-in.
"""

from __future__ import annotations

import logging
import uuid

import jwt
from sqlalchemy import select
from supabase_auth import AsyncGoTrueClient
from supabase_auth.errors import AuthError

from finucity.config import get_settings
from finucity.models import User
from finucity.services.context import unit_of_work

log = logging.getLogger("finucity.auth")

# A password hash no password matches: these users sign in through Supabase.
SUPABASE_ONLY = "!supabase: signs in with Supabase Auth"


def is_configured() -> bool:
    settings = get_settings()
    return bool(settings.supabase_url and settings.supabase_anon_key)


async def verified_user(email: str, password: str) -> dict | None:
    """The Supabase user these credentials sign in, checked; None when they do not."""
    settings = get_settings()
    anon_key = settings.supabase_anon_key.get_secret_value()
    # A client per sign-in: the client keeps the session it gets, and one
    # user's session must never be another request's.
    client = AsyncGoTrueClient(
        url=f"{settings.supabase_url.rstrip('/')}/auth/v1",
        headers={"apikey": anon_key, "Authorization": f"Bearer {anon_key}"},
        persist_session=False,
        auto_refresh_token=False,
    )
    try:
        response = await client.sign_in_with_password({"email": email, "password": password})
        if response.session is None or response.user is None:
            return None
        token = response.session.access_token
        if settings.supabase_jwt_secret is not None:
            claims = jwt.decode(
                token,
                settings.supabase_jwt_secret.get_secret_value(),
                algorithms=["HS256"],
                audience="authenticated",
                options={"require": ["exp", "sub"]},
            )
            if claims["sub"] != response.user.id:
                return None
        confirmed = await client.get_user(token)
    except jwt.PyJWTError as exc:
        log.warning("Supabase returned a token that does not verify (%s); sign-in refused", exc.__class__.__name__)
        return None
    except AuthError:
        return None  # bad credentials, or a token the user endpoint refuses
    finally:
        await client.close()
    if confirmed is None or confirmed.user.id != response.user.id:
        return None
    user = confirmed.user
    return {
        "id": uuid.UUID(user.id),
        "email": (user.email or "").strip().lower(),
        "email_confirmed": user.email_confirmed_at is not None,
        "name": str((user.user_metadata or {}).get("full_name") or "")[:200],
    }


async def local_user_for(actor, supabase_user: dict) -> User | None:
    """The local user a verified Supabase user signs in as (made or linked if need be)."""
    async with unit_of_work(actor) as uow:
        session = uow.session
        user = await session.scalar(select(User).where(User.supabase_id == supabase_user["id"]))
        if user is not None:
            return user
        email = supabase_user["email"]
        if not email:
            return None
        user = await session.scalar(select(User).where(User.email == email))
        if user is not None:
            if user.supabase_id is not None or not supabase_user["email_confirmed"]:
                # Someone else's Supabase account, or an address nobody has proven.
                return None
            user.supabase_id = supabase_user["id"]
            uow.audit("auth.supabase_linked", target_type="user", target_id=user.id)
            return user
        name = supabase_user["name"] or email.split("@")[0]
        user = User(
            email=email,
            password_hash=SUPABASE_ONLY,
            full_name=name,
            first_name=name.split(" ")[0][:100],
            supabase_id=supabase_user["id"],
        )
        session.add(user)
        await session.flush()
        uow.audit("auth.supabase_user_created", target_type="user", target_id=user.id)
        return user
