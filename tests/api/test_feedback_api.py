"""POST /api/message/{id}/feedback: rating answers through the API, with the API's usual rules.

The answer is made through the API itself (`/api/send-message` with the
offline assistant), so its id is the one a client really gets back.
"""

from __future__ import annotations

import dataclasses
import uuid

import httpx
import pytest

from finucity.models import MessageFeedback
from tests.api.conftest import ApiUser, assert_error, audit_actions, count_rows, send, without_request_id

NOT_FOUND = {"success": False, "error": "Message not found"}


@dataclasses.dataclass
class Rated:
    user: ApiUser
    bearer: httpx.AsyncClient
    answer_id: str
    question_id: str


@pytest.fixture
async def scene(database, api) -> Rated:
    user = await api.signup("rater@example.com")
    response = await send(user.client, "What is the standard deduction?", headers=user.csrf_headers)
    assert response.status_code == 200, response.text
    answer_id = response.json()["message_id"]
    detail = await user.client.get(f"/api/conversation/{response.json()['conversation_id']}")
    question_id = detail.json()["messages"][0]["id"]
    return Rated(user=user, bearer=await api.bearer(user), answer_id=answer_id, question_id=question_id)


def _url(message_id: str) -> str:
    return f"/api/message/{message_id}/feedback"


async def test_rate_change_and_clear_with_the_cookie(scene):
    client, csrf = scene.user.client, scene.user.csrf_headers

    up = await client.post(_url(scene.answer_id), json={"rating": "up"}, headers=csrf)
    assert up.status_code == 200, up.text
    body = up.json()
    assert body["success"] is True
    assert body["feedback"]["message_id"] == scene.answer_id
    assert (body["feedback"]["rating"], body["feedback"]["comment"]) == ("up", None)

    down = await client.post(
        _url(scene.answer_id), json={"rating": "down", "comment": "It missed the\nold regime."}, headers=csrf
    )
    assert down.status_code == 200, down.text
    assert (down.json()["feedback"]["rating"], down.json()["feedback"]["comment"]) == (
        "down",
        "It missed the old regime.",
    )
    assert down.json()["feedback"]["created_at"] == body["feedback"]["created_at"]

    cleared = await client.post(_url(scene.answer_id), json={"rating": None}, headers=csrf)
    assert cleared.status_code == 200, cleared.text
    assert cleared.json() == {"success": True, "feedback": None}
    assert await count_rows(MessageFeedback) == 0
    assert [a.details["rating"] for a in await audit_actions("feedback.set")] == ["up", "down", "none"]


async def test_a_bearer_token_needs_no_csrf_and_the_cookie_does(scene, api):
    refused = await scene.user.client.post(_url(scene.answer_id), json={"rating": "up"})
    assert_error(refused, 403)
    assert await count_rows(MessageFeedback) == 0

    accepted = await scene.bearer.post(_url(scene.answer_id), json={"rating": "up"})
    assert accepted.status_code == 200, accepted.text
    # The legacy prefix answers too.
    legacy = await scene.bearer.post(f"/chat{_url(scene.answer_id)}", json={"rating": "down"})
    assert legacy.status_code == 200, legacy.text
    assert legacy.json()["feedback"]["rating"] == "down"

    assert_error(await api.client().post(_url(scene.answer_id), json={"rating": "up"}), 401)


async def test_another_users_answer_is_not_found_like_a_missing_one(scene, api):
    stranger = await api.bearer(await api.signup("stranger@example.com"))
    await scene.bearer.post(_url(scene.answer_id), json={"rating": "up"})

    foreign = await stranger.post(_url(scene.answer_id), json={"rating": "down", "comment": "Bad"})
    missing = await stranger.post(_url(str(uuid.uuid4())), json={"rating": "down", "comment": "Bad"})
    not_an_id = await stranger.post(_url("not-a-uuid"), json={"rating": "down"})

    for response in (foreign, missing, not_an_id):
        assert without_request_id(assert_error(response, 404)) == NOT_FOUND
    assert await count_rows(MessageFeedback, MessageFeedback.rating == "up") == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        pytest.param({}, "rating", id="missing-rating"),
        pytest.param({"rating": "great"}, "rating", id="unknown-rating"),
        pytest.param({"rating": 1}, "rating", id="rating-number"),
        pytest.param({"rating": "up", "comment": "Also, thanks!"}, "comment", id="comment-with-up"),
        pytest.param({"rating": None, "comment": "Why?"}, "comment", id="comment-without-rating"),
        pytest.param({"rating": "down", "comment": "z" * 1001}, "comment", id="comment-too-long"),
        pytest.param({"rating": "down", "comment": "z" * 4001}, "comment", id="comment-far-too-long"),
        pytest.param({"rating": "down", "comment": 5}, "comment", id="comment-number"),
        pytest.param({"rating": "down", "comment": "bad\x00byte"}, "comment", id="comment-nul"),
    ],
)
async def test_bad_feedback_is_refused_naming_the_field(scene, payload, field):
    response = await scene.bearer.post(_url(scene.answer_id), json=payload)

    assert_error(response, 422, field=field)
    assert await count_rows(MessageFeedback) == 0


async def test_a_question_cannot_be_rated(scene):
    response = await scene.bearer.post(_url(scene.question_id), json={"rating": "up"})

    assert_error(response, 422, error="Only answers can be rated, not questions.")
    assert await count_rows(MessageFeedback) == 0
