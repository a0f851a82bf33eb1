"""The answer cache through the API: who gets a cached answer, and who never does.

The fake OpenAI server counts what reaches the model (`ai_fake.requests`), so
"answered from the cache" means "the model was not asked". The tests marked
with `answer_cache_on` run with the cache in this process and in the real
Redis, each on SQLite and PostgreSQL.
"""

from __future__ import annotations

from finucity.services import answer_cache
from finucity.telemetry import metrics
from tests.api.conftest import parse_sse, send
from tests.fakes.fake_openai import Script

QUESTION = "What is the limit of section 80C?"
SAME_QUESTION = "  what is the LIMIT of section 80c  "
ANSWER = ["Section 80C allows ", "up to ₹1,50,000 ", "a year."]


async def _stream(client, message: str, **fields) -> list[dict]:
    response = await client.post("/api/send-message-stream", json={"message": message, **fields})
    assert response.status_code == 200, response.text
    return parse_sse(response.text)


async def _answers(client, conversation_id: str) -> list[dict]:
    detail = await client.get(f"/api/conversation/{conversation_id}")
    assert detail.status_code == 200, detail.text
    return [m for m in detail.json()["messages"] if m["role"] == "assistant"]


async def test_a_second_user_asking_the_same_first_question_gets_the_cached_answer(
    database, answer_cache_on, api, ai_fake, admin_user
):
    asha, ravi, meena = await api.signup(), await api.signup(), await api.signup()
    ai_fake.enqueue(Script(chunks=ANSWER, usage=(40, 12)))

    first = await send(asha.client, QUESTION, headers=asha.csrf_headers, category="income_tax")
    assert first.status_code == 200, first.text
    assert (first.json()["response"], first.json()["cached"]) == ("".join(ANSWER), False)

    # Another user, other case and spacing, streamed: the same answer, at once, from the cache.
    ravi_bearer = await api.bearer(ravi)
    events = await _stream(ravi_bearer, SAME_QUESTION, category="income_tax")
    assert "".join(e.get("content", "") for e in events) == "".join(ANSWER)
    done = events[-1]
    assert done["done"] is True and done["status"] == "complete" and done["cached"] is True
    # A third, waiting for the whole answer.
    third = await send(
        meena.client, "What is the limit of section 80C", headers=meena.csrf_headers, category="income_tax"
    )
    assert (third.json()["response"], third.json()["cached"]) == ("".join(ANSWER), True)

    assert len(ai_fake.requests) == 1, "the model was asked again"
    assert [m["cached"] for m in await _answers(asha.client, first.json()["conversation_id"])] == [False]
    ravi_answers = await _answers(ravi_bearer, done["conversation_id"])
    assert [(m["content"], m["status"], m["cached"]) for m in ravi_answers] == [("".join(ANSWER), "complete", True)]
    # Admins see it too, with no tokens spent on it.
    transcript = await admin_user.client.get(f"/api/admin/conversations/{done['conversation_id']}")
    answer = transcript.json()["messages"][1]
    assert (answer["cached"], answer["tokens_in"], answer["tokens_out"]) == (True, 0, 0)


async def test_a_follow_up_question_never_gets_a_cached_answer(database, answer_cache_on, api, ai_fake):
    asha, ravi = await api.signup(), await api.signup()
    ai_fake.enqueue(
        Script(chunks=ANSWER),
        Script(chunks=["Start with your Form 16."]),
        Script(chunks=["For you: ₹1,50,000, less your EPF."]),
        Script(chunks=["Still ₹1,50,000."]),
    )
    first = await send(asha.client, QUESTION, headers=asha.csrf_headers, category="income_tax")
    assert first.json()["cached"] is False

    # Ravi asks the same words, but after an earlier turn of his own.
    opening = await send(ravi.client, "How do I file my return?", headers=ravi.csrf_headers, category="income_tax")
    conversation_id = opening.json()["conversation_id"]
    follow_up = await send(
        ravi.client, QUESTION, headers=ravi.csrf_headers, category="income_tax", conversation_id=conversation_id
    )
    assert (follow_up.json()["response"], follow_up.json()["cached"]) == ("For you: ₹1,50,000, less your EPF.", False)
    # And Asha, asking it again in her own conversation.
    again = await send(
        asha.client,
        QUESTION,
        headers=asha.csrf_headers,
        category="income_tax",
        conversation_id=first.json()["conversation_id"],
    )
    assert (again.json()["response"], again.json()["cached"]) == ("Still ₹1,50,000.", False)
    assert len(ai_fake.requests) == 4
    # What the model saw for the follow-up was Ravi's conversation, not a cached prompt.
    assert any(m["content"] == "How do I file my return?" for m in ai_fake.requests[2]["messages"])


async def test_the_same_question_in_another_category_is_asked_again(sqlite_database, answer_cache_on, api, ai_fake):
    asha, ravi = await api.signup(), await api.signup()
    ai_fake.enqueue(Script(chunks=ANSWER), Script(chunks=["ELSS funds count towards 80C."]))
    await send(asha.client, QUESTION, headers=asha.csrf_headers, category="income_tax")
    other = await send(ravi.client, QUESTION, headers=ravi.csrf_headers, category="investment")
    assert (other.json()["response"], other.json()["cached"]) == ("ELSS funds count towards 80C.", False)
    assert len(ai_fake.requests) == 2


async def test_an_answer_is_asked_again_once_its_time_is_up(
    database, answer_cache_on, api, ai_fake, settings_env, monkeypatch
):
    settings_env(ANSWER_CACHE_TTL_S="300")
    now = [1_000_000.0]
    monkeypatch.setattr(answer_cache, "clock", lambda: now[0])
    asha, ravi, meena = await api.signup(), await api.signup(), await api.signup()
    ai_fake.enqueue(Script(chunks=ANSWER), Script(chunks=["A fresh answer."]))

    await send(asha.client, QUESTION, headers=asha.csrf_headers, category="income_tax")
    now[0] += 299
    assert (await send(ravi.client, QUESTION, headers=ravi.csrf_headers, category="income_tax")).json()["cached"]
    now[0] += 2
    late = await send(meena.client, QUESTION, headers=meena.csrf_headers, category="income_tax")
    assert (late.json()["response"], late.json()["cached"]) == ("A fresh answer.", False)
    assert len(ai_fake.requests) == 2


async def test_with_the_cache_off_every_question_goes_to_the_model(
    sqlite_database, answer_cache_on, api, ai_fake, settings_env
):
    settings_env(ANSWER_CACHE_ENABLED="false")
    asha, ravi = await api.signup(), await api.signup()
    ai_fake.enqueue(Script(chunks=ANSWER), Script(chunks=["Asked again."]))
    await send(asha.client, QUESTION, headers=asha.csrf_headers, category="income_tax")
    second = await send(ravi.client, QUESTION, headers=ravi.csrf_headers, category="income_tax")
    assert (second.json()["response"], second.json()["cached"]) == ("Asked again.", False)
    assert len(ai_fake.requests) == 2


async def test_the_offline_assistant_is_never_cached(sqlite_database, answer_cache_on, api):
    asha, ravi = await api.signup(), await api.signup()
    lookups = sum(metrics.cache_requests.labels(r)._value.get() for r in ("hit", "miss", "error"))
    first = await send(asha.client, QUESTION, headers=asha.csrf_headers, category="income_tax")
    second = await send(ravi.client, QUESTION, headers=ravi.csrf_headers, category="income_tax")
    assert first.status_code == second.status_code == 200, second.text
    assert (first.json()["cached"], second.json()["cached"]) == (False, False)
    assert [m["cached"] for m in await _answers(ravi.client, second.json()["conversation_id"])] == [False]
    assert sum(metrics.cache_requests.labels(r)._value.get() for r in ("hit", "miss", "error")) == lookups


async def test_with_redis_down_every_question_is_still_answered(sqlite_database, api, ai_fake, settings_env):
    settings_env(REDIS_URL="redis://127.0.0.1:1/0", ANSWER_CACHE_ENABLED="true")
    asha, ravi = await api.signup(), await api.signup()
    ai_fake.enqueue(Script(chunks=ANSWER), Script(chunks=["Asked again."]))
    first = await send(asha.client, QUESTION, headers=asha.csrf_headers, category="income_tax")
    second = await send(ravi.client, QUESTION, headers=ravi.csrf_headers, category="income_tax")
    assert (first.status_code, first.json()["cached"]) == (200, False)
    assert (second.status_code, second.json()["response"], second.json()["cached"]) == (200, "Asked again.", False)
    assert len(ai_fake.requests) == 2
