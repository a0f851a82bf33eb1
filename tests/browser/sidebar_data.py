"""Conversations written straight into the live server's database, dated as a test needs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from finucity import db
from finucity.models import Conversation, User
from tests.support.live_server import run_async

LONG_TITLE = "Capital gains on selling my late father's flat in Pune after 2024"

TITLES = [
    ("How is salary income taxed under the new regime?", "income_tax"),
    ("GST registration for a freelance designer", "gst"),
    ("SIP or lump sum for a ten-year goal", "investment"),
    ("Term plan or ULIP for a family of four", "insurance"),
    ("Presumptive taxation for a small bakery", "business"),
    ("HRA exemption when paying rent to parents", "income_tax"),
    ("Input tax credit on a company car", "gst"),
    ("PPF extension after fifteen years", "investment"),
]


def spread_over_three_months(now: datetime) -> list[timedelta]:
    """40 ages: 3 today, 2 yesterday, 5 in the last week, 10 in the last month, 20 older."""
    ages = [timedelta(minutes=m) for m in (2, 4, 6)]
    ages += [timedelta(days=1, minutes=m) for m in (1, 3)]
    ages += [timedelta(days=d, hours=1) for d in (2, 3, 4, 5, 6)]
    ages += [timedelta(days=d, hours=2) for d in range(9, 29, 2)]
    ages += [timedelta(days=d, hours=3) for d in range(33, 93, 3)]
    return ages


def seed_conversations(live_server, email: str, dated: list[tuple[str, str, datetime]]) -> list[str]:
    """(title, category, updated_at) rows for the user with `email`; returns their ids."""

    async def write() -> list[str]:
        db.configure(live_server.database_url)
        try:
            async with db.session_scope() as session:
                user_id = await session.scalar(select(User.id).where(User.email == email))
                rows = [
                    Conversation(
                        id=uuid.uuid4(),
                        user_id=user_id,
                        title=title,
                        category=category,
                        created_at=when - timedelta(minutes=1),
                        updated_at=when,
                    )
                    for title, category, when in dated
                ]
                session.add_all(rows)
                await session.commit()
                return [str(r.id) for r in rows]
        finally:
            await db.dispose()
            db.configure(None)

    return run_async(write())


def seed_forty(live_server, email: str, now: datetime | None = None) -> list[tuple[str, str, datetime]]:
    """Forty conversations over three months, the newest with a long title; newest first."""
    now = now or datetime.now(UTC)
    dated = []
    for i, age in enumerate(spread_over_three_months(now)):
        title, category = TITLES[i % len(TITLES)]
        dated.append((LONG_TITLE if i == 0 else f"{title} ({i})", "income_tax" if i == 0 else category, now - age))
    seed_conversations(live_server, email, dated)
    return dated


def user_exists(live_server, email: str) -> bool:
    async def read() -> bool:
        db.configure(live_server.database_url)
        try:
            async with db.session_scope() as session:
                return await session.scalar(select(User.id).where(User.email == email)) is not None
        finally:
            await db.dispose()
            db.configure(None)

    return run_async(read())
