"""Reading the live server's users table directly, as an auditor would."""

from __future__ import annotations

from sqlalchemy import select

from finucity import db
from finucity.models import User
from tests.support.live_server import run_async


def _user(live_server, email: str) -> User:
    async def read():
        db.configure(live_server.database_url)
        try:
            async with db.session_scope() as session:
                return await session.scalar(select(User).where(User.email == email))
        finally:
            await db.dispose()
            db.configure(None)

    return run_async(read())


def role_and_active(live_server, email: str) -> tuple[str, bool]:
    user = _user(live_server, email)
    return user.role, user.is_active


def user_id_of(live_server, email: str) -> str:
    return str(_user(live_server, email).id)
