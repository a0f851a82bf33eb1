"""Group commit: writes that arrive together share a transaction, and fail only alone.

Transactions are counted with SQLAlchemy's `commit` event on the app's engine.
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from sqlalchemy import event, func, select

from finucity import db
from finucity.models import Conversation, Message, MessageRole, MessageStatus, UsageCounter
from finucity.services import chat, group_commit
from finucity.services.context import read_only
from finucity.services.errors import Unavailable
from tests.fakes.fake_openai import Script


@contextlib.contextmanager
def counted_commits():
    commits: list[int] = []
    engine = db.get_engine().sync_engine

    def count(_connection) -> None:
        commits.append(1)

    event.listen(engine, "commit", count)
    try:
        yield commits
    finally:
        event.remove(engine, "commit", count)


def titled(user_id, title: str):
    async def write(batch: group_commit.Batch) -> str:
        batch.session.add(Conversation(user_id=user_id, title=title))
        return title

    return write


async def _titles() -> list[str]:
    async with read_only() as session:
        return sorted(await session.scalars(select(Conversation.title)))


async def test_writes_that_arrive_together_are_committed_in_one_transaction(database, people):
    user, _ = await people.user()
    with counted_commits() as commits:
        written = await asyncio.gather(*(group_commit.run(titled(user.id, f"Loan {i:02}")) for i in range(20)))
    assert written == [f"Loan {i:02}" for i in range(20)]
    assert await _titles() == written
    assert len(commits) == 1


async def test_a_failing_write_fails_only_its_own_caller(database, people):
    user, _ = await people.user()

    async def broken(batch: group_commit.Batch) -> None:
        batch.session.add(Conversation(user_id=user.id, title="Broken"))
        raise ValueError("this one is wrong")

    jobs = [titled(user.id, "GST"), broken, titled(user.id, "ITR"), titled(user.id, "PPF")]
    results = await asyncio.gather(*(group_commit.run(job) for job in jobs), return_exceptions=True)
    assert results[0] == "GST" and results[2:] == ["ITR", "PPF"]
    assert isinstance(results[1], ValueError)
    assert await _titles() == ["GST", "ITR", "PPF"]


async def test_a_caller_that_goes_away_still_gets_its_write_and_what_follows_it(database, people):
    user, _ = await people.user()
    followed: list[str] = []
    caller = asyncio.create_task(group_commit.run(titled(user.id, "Left early"), then=followed.append))
    await asyncio.sleep(0)  # submitted, not yet written
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    await group_commit.run(titled(user.id, "Next"))  # the writer has passed the first one
    assert await _titles() == ["Left early", "Next"]
    assert followed == ["Left early"]


async def test_every_waiting_write_hears_that_the_database_is_down(database, people):
    user, _ = await people.user()
    db.configure("postgresql://postgres@127.0.0.1:1/unreachable")
    try:
        results = await asyncio.gather(
            *(group_commit.run(titled(user.id, str(i))) for i in range(3)), return_exceptions=True
        )
    finally:
        await db.dispose()
        db.configure(None)
    assert all(isinstance(r, Unavailable) for r in results), results


async def test_many_people_asking_at_once_are_all_saved_and_answered_in_few_transactions(database, people, ai_fake):
    ai_fake.set_default(Script(chunks=["Section 80C ", "allows ₹1,50,000."]))
    actors = [(await people.user(f"asker{i}@example.in"))[1] for i in range(40)]
    with counted_commits() as commits:
        turns = await asyncio.gather(
            *(
                chat.send_message(actor, message=f"How much can I claim under 80C? ({i})")
                for i, actor in enumerate(actors)
            )
        )
        await asyncio.wait_for(asyncio.gather(*(t.generation.wait() for t in turns)), 30)
    async with read_only() as session:
        questions = await session.scalar(select(func.count()).where(Message.role == MessageRole.user.value))
        complete = await session.scalar(
            select(func.count()).where(
                Message.status == MessageStatus.complete.value, Message.content == "Section 80C allows ₹1,50,000."
            )
        )
        counted = await session.scalar(select(func.sum(UsageCounter.n)).where(UsageCounter.metric == "questions"))
    assert (questions, complete, counted) == (40, 40, 40)
    # One transaction each would be 80 (a question and an answer per person).
    assert len(commits) < 40, len(commits)
