"""The daily token quota over the API: a clear 429 with a Retry-After that runs to UTC midnight."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from finucity.models import Conversation, Message, User
from finucity.services.context import Actor, unit_of_work
from tests.api.conftest import assert_error, count_rows, send
from tests.fakes.fake_openai import Script

USED_UP = "Your daily limit of 1,000 tokens is used up. It resets at 05:30 IST (00:00 UTC)."


async def _set_quota(user_id: uuid.UUID, value: int | None) -> None:
    async with unit_of_work(Actor(channel="system")) as uow:
        await uow.session.execute(update(User).where(User.id == user_id).values(daily_token_quota=value))


def _seconds_to_utc_midnight() -> float:
    now = datetime.now(UTC)
    return (datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC) - now).total_seconds()


@pytest.fixture
def reports_usage(ai_fake):
    ai_fake.set_default(Script(chunks=["Section 80D covers health insurance premiums."], usage=(400, 600)))
    return ai_fake


async def test_over_the_quota_both_send_routes_answer_429_until_midnight(database, api, reports_usage):
    user = await api.signup()
    client = await api.bearer(user)
    await _set_quota(user.uuid, 1000)
    first = await send(client, "What does 80D cover?")
    assert first.status_code == 200, first.text  # 1,000 tokens: exactly the day's quota
    stored = (await count_rows(Message), await count_rows(Conversation))
    requests = len(reports_usage.requests)

    whole = await send(client, "And for my parents?", conversation_id=first.json()["conversation_id"])
    streamed = await client.post("/api/send-message-stream", json={"message": "And for my parents?"})
    by_cookie = await send(user.client, "And for my parents?", headers=user.csrf_headers)

    expected = _seconds_to_utc_midnight()
    for response in (whole, streamed, by_cookie):
        body = assert_error(response, 429, error=USED_UP)
        assert "field" not in body
        retry_after = int(response.headers["retry-after"])
        assert 1 <= retry_after <= 86_400
        assert abs(retry_after - expected) < 60, (retry_after, expected)
    assert (await count_rows(Message), await count_rows(Conversation)) == stored
    assert len(reports_usage.requests) == requests


async def test_the_quota_is_per_user_and_a_raised_one_lets_them_go_on(database, api, reports_usage, settings_env):
    settings_env(DEFAULT_DAILY_TOKEN_QUOTA="1000")
    busy = await api.signup("busy@example.com")
    busy_client = await api.bearer(busy)
    assert (await send(busy_client, "What does 80D cover?")).status_code == 200
    assert_error(await send(busy_client, "And 80DDB?"), 429, error=USED_UP)

    calm = await api.bearer(await api.signup("calm@example.com"))
    assert (await send(calm, "What does 80D cover?")).status_code == 200

    await _set_quota(busy.uuid, 5000)  # what an administrator does
    assert (await send(busy_client, "And 80DDB?")).status_code == 200
