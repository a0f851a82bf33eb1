"""The per-user sending limit (RATE_LIMIT), shared by every client of the user and by the UI."""

from __future__ import annotations

import pytest

from finucity.models import Message
from finucity.services import accounts, chat
from finucity.services.context import Actor
from finucity.services.errors import RateLimited
from tests.api.conftest import RATE_LIMITED, assert_error, count_rows, send
from tests.fakes.fake_openai import Script


@pytest.fixture
def three_per_minute(settings_env, ai_fake):
    settings_env(RATE_LIMIT="3/minute")
    ai_fake.set_default(Script(chunks=["Within the limit."]))


def _assert_rate_limited(response) -> None:
    body = assert_error(response, 429, error=RATE_LIMITED)
    assert "field" not in body
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 60


async def test_two_clients_of_the_same_user_share_one_counter(database, api, three_per_minute):
    user = await api.signup()
    browser = user.client  # cookie session
    script = await api.bearer(user)  # the same user's API token
    assert (await send(browser, "One", headers=user.csrf_headers)).status_code == 200
    assert (await send(script, "Two")).status_code == 200
    assert (await send(browser, "Three", headers=user.csrf_headers)).status_code == 200
    stored = await count_rows(Message)

    over_api = await send(script, "Four")
    over_browser = await send(browser, "Four again", headers=user.csrf_headers)
    over_stream = await script.post("/api/send-message-stream", json={"message": "Five"})

    _assert_rate_limited(over_api)
    _assert_rate_limited(over_browser)
    _assert_rate_limited(over_stream)  # a JSON 429, not an event stream
    assert await count_rows(Message) == stored  # nothing saved for the refused questions
    # Reading is not limited.
    assert (await script.get("/api/conversations")).status_code == 200


async def test_another_user_is_not_affected(database, api, three_per_minute):
    busy = await api.bearer(await api.signup("busy@example.com"))
    for i in range(3):
        assert (await send(busy, f"Question {i}")).status_code == 200
    _assert_rate_limited(await send(busy, "One too many"))

    calm = await api.bearer(await api.signup("calm@example.com"))
    response = await send(calm, "My first question")

    assert response.status_code == 200, response.text


async def test_the_web_ui_and_the_api_count_against_the_same_limit(database, api, three_per_minute):
    user = await api.signup()
    client = await api.bearer(user)
    ui = Actor(channel="ui", ip="198.51.100.9").as_user(await accounts.get_user(user.uuid))
    for question in ("From the UI", "Also from the UI"):
        turn = await chat.send_message(ui, message=question)  # what the chat page does
        await turn.generation.wait()

    assert (await send(client, "From the API")).status_code == 200
    _assert_rate_limited(await send(client, "Over the limit"))
    with pytest.raises(RateLimited):
        await chat.send_message(ui, message="And the UI is over it too")


async def test_refused_questions_do_not_use_up_the_limit(database, api, three_per_minute):
    client = await api.bearer(await api.signup())
    for payload in ({"message": ""}, {"message": "x" * 10_001}, {"message": "ok", "category": "astrology"}):
        assert_error(await client.post("/api/send-message", json=payload), 422)

    for i in range(3):
        assert (await send(client, f"Real question {i}")).status_code == 200
