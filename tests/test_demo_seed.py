"""`python -m finucity seed-demo`: the demo data is consistent, varied, and can be added to."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from itertools import pairwise

import pytest
from sqlalchemy import func, select, text

from finucity import db
from finucity.__main__ import main
from finucity.models import (
    AuditLog,
    Category,
    Conversation,
    Message,
    MessageFeedback,
    MessageRole,
    MessageStatus,
    Rating,
    Role,
    User,
    utcnow,
)
from finucity.services import conversations, search, security
from finucity.services.context import Actor, read_only
from finucity.services.demo import texts
from finucity.services.demo.generate import WINDOW
from finucity.services.demo.seed import ADMIN_EMAIL, parse_messages_per, seed_demo
from finucity.services.errors import ValidationError

ROLES = (MessageRole.user.value, MessageRole.assistant.value)
FAILURE_TEXTS = {error for error, _ in texts.FAILURES}


async def _all(model, *order):
    async with read_only() as session:
        return list(await session.scalars(select(model).order_by(*order)))


@pytest.fixture
async def seeded(database):
    started = utcnow()
    report = await seed_demo(users=20, conversations=200, seed=7)
    return report, started


async def test_a_small_seed_makes_what_it_reports(seeded):
    report, _ = seeded
    assert (report.users, report.conversations) == (20, 200)
    async with read_only() as session:
        assert await session.scalar(select(func.count()).select_from(Conversation)) == 200
        assert await session.scalar(select(func.count()).select_from(Message)) == report.messages
        assert await session.scalar(select(func.count()).select_from(MessageFeedback)) == report.feedback
        assert await session.scalar(select(func.count()).select_from(User)) == 21  # and the admin
        audit = await session.scalar(select(AuditLog).where(AuditLog.action == "demo.seed"))
    assert audit.details["conversations"] == 200
    assert 200 * 2 <= report.messages <= 200 * 12
    assert report.feedback > 0


async def test_every_conversation_alternates_question_and_answer_in_time_order(seeded):
    _, started = seeded
    by_conversation: dict = defaultdict(list)
    for m in await _all(Message, Message.created_at, Message.id):
        by_conversation[m.conversation_id].append(m)
    for c in await _all(Conversation):
        messages = by_conversation[c.id]
        assert 2 <= len(messages) <= 12 and len(messages) % 2 == 0
        assert [m.role for m in messages] == [ROLES[i % 2] for i in range(len(messages))]
        assert c.created_at <= messages[0].created_at
        assert c.updated_at == max(m.updated_at for m in messages) == messages[-1].updated_at
        assert started - WINDOW - timedelta(days=8) <= c.created_at <= c.updated_at <= utcnow()
        for earlier, later in pairwise(messages):
            assert earlier.created_at <= earlier.updated_at < later.created_at
        assert c.category in {category.value for category in Category}
        assert {m.category for m in messages} == {c.category}
        assert c.title and len(c.title) <= 200


async def test_answers_carry_realistic_status_timings_and_errors(seeded):
    answers = [m for m in await _all(Message) if m.role == MessageRole.assistant.value]
    statuses = Counter(m.status for m in answers)
    assert set(statuses) <= {MessageStatus.complete.value, MessageStatus.stopped.value, MessageStatus.failed.value}
    assert statuses[MessageStatus.complete.value] > 0.8 * len(answers)
    for m in answers:
        assert m.model in {model for model, _ in texts.MODELS}
        assert m.latency_ms > 0
        if m.status == MessageStatus.failed.value:
            assert m.error in FAILURE_TEXTS
        else:
            assert m.error is None and m.content
            assert 0 < m.first_token_ms <= m.latency_ms
            assert m.tokens_in > 0 and m.tokens_out > 0
    questions = [m for m in await _all(Message) if m.role == MessageRole.user.value]
    assert all(m.model is None and m.status == MessageStatus.complete.value and m.content for m in questions)
    # Varied: many different questions and titles, in every category.
    assert len({m.content for m in questions}) > 50
    assert {c.category for c in await _all(Conversation)} == {category.value for category in Category}


async def test_feedback_is_on_answers_by_their_asker_after_the_answer(seeded):
    messages = {m.id: m for m in await _all(Message)}
    owners = {c.id: c.user_id for c in await _all(Conversation)}
    feedback = await _all(MessageFeedback)
    for f in feedback:
        answer = messages[f.message_id]
        assert answer.role == MessageRole.assistant.value and answer.status != MessageStatus.failed.value
        assert f.user_id == owners[answer.conversation_id]
        assert f.rating in {Rating.up.value, Rating.down.value}
        assert answer.updated_at <= f.created_at == f.updated_at
        assert f.comment is None or f.comment in texts.UP_COMMENTS + texts.DOWN_COMMENTS
    ratings = Counter(f.rating for f in feedback)
    assert ratings[Rating.up.value] > ratings[Rating.down.value]


async def test_users_and_the_demo_admin(seeded):
    report, _ = seeded
    users = await _all(User)
    admin = next(u for u in users if u.email == ADMIN_EMAIL)
    assert admin.role == Role.admin.value
    assert await security.verify_password(admin.password_hash, report.admin_password)
    demo = [u for u in users if u.email != ADMIN_EMAIL]
    assert all(u.email.endswith("@example.com") and u.role == Role.user.value for u in demo)
    assert len({u.email for u in demo}) == 20
    # Nobody can sign in as a demo user.
    assert not await security.verify_password(demo[0].password_hash, "anything at all")
    first = {}
    for c in await _all(Conversation, Conversation.created_at):
        first.setdefault(c.user_id, c.created_at)
    assert all(u.created_at <= first[u.id] for u in demo if u.id in first)


async def test_running_it_again_adds_more(seeded):
    await seed_demo(users=5, conversations=30, seed=7)  # the same seed: new ids, new emails
    async with read_only() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 26
        assert await session.scalar(select(func.count()).select_from(Conversation)) == 230
    again = await seed_demo(users=1, conversations=1)
    assert again.admin_password is None  # the admin stays as it was


async def test_the_demo_text_is_searchable(seeded):
    """The bulk insert went through the search indexes' triggers."""
    async with read_only() as session:
        if session.bind.dialect.name == "sqlite":
            await session.execute(text("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')"))
            await session.execute(text("INSERT INTO conversations_fts(conversations_fts) VALUES ('integrity-check')"))
        answers = await session.scalars(select(Message).where(Message.role == MessageRole.assistant.value).limit(50))
        # A phrase from inside an answer: one line, ASCII (SQLite's LIKE folds ASCII case only).
        lines = (line for m in answers for line in m.content.splitlines() if line.isascii() and len(line) > 40)
        phrase = next(lines)[-30:].strip()
        matching = set(await session.scalars(select(Conversation.id).where(search.conversation_matches(phrase))))
        answer = await session.scalar(select(Message).where(Message.content.contains(phrase)).limit(1))
        owner = await session.scalar(
            select(User)
            .join(Conversation, Conversation.user_id == User.id)
            .where(Conversation.id == answer.conversation_id)
        )
    assert answer.conversation_id in matching
    page = await conversations.list_conversations(Actor(channel="api").as_user(owner), q=phrase.upper())
    assert page.items


def test_messages_per_reads_a_range():
    assert parse_messages_per("2-12") == (1, 6)
    assert parse_messages_per("8-12") == (4, 6)
    assert parse_messages_per("3-5") == (2, 2)
    assert parse_messages_per("6") == (3, 3)
    for bad in ("1-4", "12-2", "x", "2-1000"):
        with pytest.raises(ValidationError):
            parse_messages_per(bad)


def test_the_command_prints_what_it_made(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    db.upgrade(url)
    db.configure(url)
    try:
        assert main(["seed-demo", "--users", "3", "--conversations", "12", "--messages-per", "2-4", "--seed", "1"]) == 0
    finally:
        db.configure(None)
    out = capsys.readouterr().out
    assert "Added 3 users, 12 conversations" in out
    assert f"Demo admin: {ADMIN_EMAIL} / password " in out
