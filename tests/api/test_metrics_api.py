"""`/metrics`: what an operator's Prometheus scrapes, and who may scrape it.

Counters are process-wide and other tests add to them, so every check reads
the value before and after the action it counts.
"""

from __future__ import annotations

import uuid

from prometheus_client.parser import text_string_to_metric_families

from finucity.config import get_settings
from tests.api.conftest import send
from tests.fakes.fake_openai import Script


async def _scrape(client, **headers) -> dict[tuple[str, frozenset], float]:
    response = await client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def _value(samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_an_answered_question_is_counted_by_route_model_and_status(database, api, ai_fake):
    scraper = api.client()
    user = await api.signup()
    ai_fake.enqueue(Script(chunks=["Section 80C ", "allows up to ", "1.5 lakh."], usage=(20, 30)))
    before = await _scrape(scraper)

    response = await send(user.client, "How much does 80C allow?", headers=user.csrf_headers)
    assert response.status_code == 200, response.text
    conversation_id = response.json()["conversation_id"]
    assert (await user.client.get(f"/api/conversation/{conversation_id}")).status_code == 200
    assert (await user.client.get(f"/api/conversation/{uuid.uuid4()}")).status_code == 404

    after = await _scrape(scraper)
    model = get_settings().ai_model
    route = "/api/conversation/{conversation_id}"
    assert _value(after, "finucity_http_requests_total", method="POST", route="/api/send-message", status="200") == (
        _value(before, "finucity_http_requests_total", method="POST", route="/api/send-message", status="200") + 1
    )
    for status in ("200", "404"):
        key = {"method": "GET", "route": route, "status": status}
        assert (
            _value(after, "finucity_http_requests_total", **key)
            == _value(before, "finucity_http_requests_total", **key) + 1
        )
    # Routes are templates: no conversation id becomes a label.
    scraped = (await scraper.get("/metrics")).text
    assert conversation_id not in scraped

    answered = {
        labels: value
        for (name, labels), value in after.items()
        if name == "finucity_answers_total" and ("status", "complete") in labels
    }
    assert answered, "no answer was counted"
    gained = sum(value - before.get(("finucity_answers_total", labels), 0.0) for labels, value in answered.items())
    assert gained == 1
    tokens_count = sum(
        value - before.get((name, labels), 0.0)
        for (name, labels), value in after.items()
        if name == "finucity_answer_tokens_count"
    )
    assert tokens_count == 1
    assert any(("model", model) in labels for labels in answered)


async def test_refused_sign_ins_and_rate_limits_are_counted(database, api, settings_env):
    settings_env(LOGIN_LIMIT_ACCOUNT="2/15 minutes")
    scraper = api.client()
    user = await api.signup()
    before = await _scrape(scraper)
    client = api.client()
    for _ in range(3):
        await client.post("/api/auth/login", json={"email": user.email, "password": "not the password at all"})
    after = await _scrape(scraper)

    failures = _value(after, "finucity_sign_in_failures_total", reason="bad credentials") - _value(
        before, "finucity_sign_in_failures_total", reason="bad credentials"
    )
    refused = _value(after, "finucity_rate_limit_rejections_total", limit="login-account") - _value(
        before, "finucity_rate_limit_rejections_total", limit="login-account"
    )
    assert failures == 2
    assert refused == 1


async def test_in_production_only_the_token_or_an_allowed_address_may_scrape(database, api, settings_env):
    settings_env(ENV="production", SECRET_KEY="x" * 48, METRICS_TOKEN="scrape-me-please")
    client = api.client()
    assert (await client.get("/metrics")).status_code == 404
    assert (await client.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 404
    assert (await client.get("/metrics", headers={"Authorization": "Bearer scrape-me-please"})).status_code == 200

    # httpx's in-process transport calls from 127.0.0.1.
    settings_env(ENV="production", SECRET_KEY="x" * 48, METRICS_TOKEN="", METRICS_ALLOW_IPS="10.0.0.0/8, 127.0.0.1")
    assert (await client.get("/metrics")).status_code == 200
    settings_env(ENV="production", SECRET_KEY="x" * 48, METRICS_ALLOW_IPS="10.0.0.0/8")
    assert (await client.get("/metrics")).status_code == 404


async def test_answer_cache_hits_and_misses_are_counted(database, api, ai_fake, settings_env):
    settings_env(ANSWER_CACHE_ENABLED="true")
    scraper = api.client()
    asha, ravi = await api.signup(), await api.signup()
    ai_fake.enqueue(Script(chunks=["Up to ₹1,50,000 a year."]))
    before = await _scrape(scraper)

    for user in (asha, ravi):
        response = await send(user.client, "What does 80C allow?", headers=user.csrf_headers, category="income_tax")
        assert response.status_code == 200, response.text
    # A follow-up is never looked up: neither a hit nor a miss.
    follow_up = await send(
        ravi.client, "And 80D?", headers=ravi.csrf_headers, conversation_id=response.json()["conversation_id"]
    )
    assert follow_up.status_code == 200, follow_up.text

    after = await _scrape(scraper)
    name = "finucity_answer_cache_requests_total"
    gained = {r: _value(after, name, result=r) - _value(before, name, result=r) for r in ("miss", "hit", "error")}
    assert gained == {"miss": 1, "hit": 1, "error": 0}
    assert len(ai_fake.requests) == 2
