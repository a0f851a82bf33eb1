"""`seed_demo`: fills the configured database with demo users and conversations, fast.

Rows are made as dictionaries (`generate.py`) and written with SQLAlchemy Core bulk inserts,
about `batch_rows` messages per transaction, with their conversations and feedback: no ORM
objects and no audit row per conversation (one `demo.seed` audit row says what the run made).
Running it again adds more: new users with new emails, new conversations.
"""

from __future__ import annotations

import dataclasses
import random
import secrets
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import insert, select

from finucity import db
from finucity.models import Conversation, Message, MessageFeedback, User, utcnow
from finucity.services import accounts, usage_ledger
from finucity.services.context import Actor, read_only, unit_of_work
from finucity.services.demo.generate import Batch, DemoMaker
from finucity.services.errors import ValidationError

ADMIN_EMAIL = "demo@finucity.example"
ADMIN_NAME = "Demo Admin"
BATCH_ROWS = 5_000
MAX_MESSAGES_PER = 200


@dataclasses.dataclass
class SeedReport:
    users: int = 0
    conversations: int = 0
    messages: int = 0
    feedback: int = 0
    admin_email: str = ADMIN_EMAIL
    # Only when this run created the admin; an existing admin keeps its password.
    admin_password: str | None = None
    seconds: float = 0.0


def parse_messages_per(text: str) -> tuple[int, int]:
    """'2-12' (or '6'): the range of messages per conversation, as turns (question and answer)."""
    low, _, high = text.partition("-")
    try:
        lo, hi = int(low), int(high or low)
    except ValueError:
        raise ValidationError("Give --messages-per as a range like 2-12.", field="messages_per") from None
    if not 2 <= lo <= hi <= MAX_MESSAGES_PER:
        raise ValidationError(f"--messages-per must lie within 2-{MAX_MESSAGES_PER}.", field="messages_per")
    # Messages come in pairs: a question and its answer.
    return (lo + 1) // 2, max(hi // 2, (lo + 1) // 2)


async def seed_demo(
    *,
    users: int,
    conversations: int,
    messages_per: str = "2-12",
    seed: int | None = None,
    batch_rows: int = BATCH_ROWS,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SeedReport:
    """Adds `users` demo users sharing `conversations` conversations, and the demo admin if missing."""
    if users < 1 or conversations < 0:
        raise ValidationError("Give at least one user and no negative number of conversations.", field="users")
    started = time.perf_counter()
    rng = random.Random(seed)
    maker = DemoMaker(rng, now or utcnow(), parse_messages_per(messages_per))
    report = SeedReport()
    report.admin_password = await _ensure_admin()

    # Who asks when, decided up front so each user's dates fit their conversations;
    # written oldest first, the order a real database fills in.
    owners = rng.choices(range(users), weights=maker.user_weights(users), k=conversations)
    plan = sorted(zip((maker.start_time() for _ in range(conversations)), owners, strict=True))
    spans: dict[int, tuple[datetime, datetime]] = {}
    for start, owner in plan:
        first, _ = spans.get(owner, (start, start))
        spans[owner] = (first, start)

    user_ids = await _insert_users(maker, users, spans, batch_rows)
    report.users = users

    batch = Batch([], [], [])
    for done, (start, owner) in enumerate(plan, 1):
        maker.conversation(batch, user_ids[owner], start)
        if len(batch.messages) >= batch_rows or done == len(plan):
            await _write(batch)
            report.conversations += len(batch.conversations)
            report.messages += len(batch.messages)
            report.feedback += len(batch.feedback)
            batch = Batch([], [], [])
            if progress:
                progress(done, len(plan))

    async with unit_of_work(Actor(channel="cli")) as uow:
        uow.audit(
            "demo.seed",
            users=report.users,
            conversations=report.conversations,
            messages=report.messages,
            feedback=report.feedback,
            seed=seed,
        )
    report.seconds = time.perf_counter() - started
    return report


async def _ensure_admin() -> str | None:
    async with read_only() as session:
        if await session.scalar(select(User.id).where(User.email == ADMIN_EMAIL)) is not None:
            return None
    password = secrets.token_urlsafe(12)
    await accounts.create_user(
        Actor(channel="cli"), email=ADMIN_EMAIL, password=password, full_name=ADMIN_NAME, admin=True
    )
    return password


async def _insert_users(
    maker: DemoMaker, count: int, spans: dict[int, tuple[datetime, datetime]], batch_rows: int
) -> list:
    async with read_only() as session:
        taken = set(await session.scalars(select(User.email).where(User.email.like("%@example.com"))))
    rows, ids = [], []
    number = len(taken)
    for index in range(count):
        first, last = maker.name()
        local = f"{first}.{last}".lower().replace("'", "")
        while True:  # a number makes the name unique, here and across runs
            number += 1
            email = f"{local}{number}@example.com"
            if email not in taken:
                break
        rows.append(maker.user(first, last, email, spans.get(index)))
        ids.append(rows[-1]["id"])
        if len(rows) >= batch_rows or index == count - 1:
            async with db.get_engine().begin() as conn:
                await conn.execute(insert(User.__table__), rows)
            rows = []
    return ids


async def _write(batch: Batch) -> None:
    """One transaction: the conversations, then their messages, then the feedback on them."""
    async with db.get_engine().begin() as conn:
        # The search indexes cost most of a bulk load: let them work in bigger pieces.
        if conn.dialect.name == "sqlite":
            # FTS5 rewrites many index pages per batch; a 128 MB page cache (this connection) keeps them.
            await conn.exec_driver_sql("PRAGMA cache_size = -131072")
        elif conn.dialect.name == "postgresql":
            # GIN queues new entries and merges the queue when it is full: merge 64 MB at a time.
            await conn.exec_driver_sql("SET LOCAL gin_pending_list_limit = '64MB'")
        if batch.conversations:
            await conn.execute(insert(Conversation.__table__), batch.conversations)
        if batch.messages:
            await conn.execute(insert(Message.__table__), batch.messages)
            owners = {c["id"]: c["user_id"] for c in batch.conversations}
            await usage_ledger.apply(conn, usage_ledger.of_rows(batch.messages, owners))
        if batch.feedback:
            await conn.execute(insert(MessageFeedback.__table__), batch.feedback)
