"""A fault-injection run: 200 streamed answers with provider faults at random.

Questions go through the API (`POST /api/send-message-stream`), several
conversations at once, a few turns each, while the fake AI answers with a
random mix of clean streams, 429/5xx, time-outs, stalls, malformed chunks,
disconnects and empty answers. At the end every question is stored once,
every answer is complete or marked failed with a reason, none is blank,
none streaming, and what each client was sent matches what was stored.

FAULT_RUN_ANSWERS changes the count (the suite runs 200); FAULT_RUN_SEED the mix.
"""

from __future__ import annotations

import asyncio
import collections
import json
import os
import random
import threading
import time
import uuid

import httpx
import pytest
from sqlalchemy import select

from finucity.models import Message, MessageStatus
from finucity.services.context import read_only
from tests.fakes.fake_openai import Script

ANSWERS = int(os.environ.get("FAULT_RUN_ANSWERS", "200"))
SEED = int(os.environ.get("FAULT_RUN_SEED", "11"))
TURNS = 8  # questions per conversation, one after another
PARALLEL = 8  # conversations streaming at once
NEVER = threading.Event()


def _random_script(rng: random.Random) -> tuple[str, Script]:
    words = [f" w{i}" for i in range(rng.randint(3, 12))]
    cut = rng.randint(0, len(words))
    kinds = {
        "ok": lambda: Script(chunks=words),
        "429": lambda: Script(status=429),
        "500": lambda: Script(status=500),
        "503-retry-after": lambda: Script(status=503, retry_after_ms=None, retry_after_s=0.01),
        "first-token-timeout": lambda: Script(first_delay_s=30),
        "stall": lambda: Script(chunks=words, gate=NEVER, gate_after=cut),
        "malformed": lambda: Script(chunks=words, malformed_after=cut),
        "disconnect": lambda: Script(chunks=words, disconnect_after=cut),
        "error-event": lambda: Script(chunks=words, error_after=cut),
        "empty": lambda: Script(empty=True),
    }
    # Half clean, half faults.
    name = "ok" if rng.random() < 0.5 else rng.choice([k for k in kinds if k != "ok"])
    return name, kinds[name]()


@pytest.fixture
def fault_api(fake_openai, settings_env):
    settings_env(
        AI_BASE_URL=fake_openai.base_url,
        AI_API_KEY="sk-fault-run",
        AI_TIMEOUT_S="0.5",
        AI_STREAM_IDLE_TIMEOUT_S="0.3",
        AI_MAX_RETRIES="1",
        AI_RETRY_BACKOFF_S="0.01",
        RATE_LIMIT="100000/minute",
    )
    from finucity.api import create_api

    return create_api()


async def _stream(client: httpx.AsyncClient, message: str, conversation_id: str | None) -> dict:
    body = {"message": message, **({"conversation_id": conversation_id} if conversation_id else {})}
    response = await client.post("/api/send-message-stream", json=body)
    assert response.status_code == 200, response.text
    text, end = "", None
    for line in response.text.split("\n"):
        if line.startswith("data: "):
            event = json.loads(line[len("data: ") :])
            if "content" in event:
                text += event["content"]
            else:
                end = event
    assert end is not None, "every stream ends with done or error"
    return {"text": text, "end": end}


async def test_random_provider_faults_during_200_streamed_answers_lose_nothing(
    sqlite_database, fault_api, fake_openai, capsys
):
    rng = random.Random(SEED)
    injected = collections.Counter()
    scripts = []
    for _ in range(ANSWERS * 2):  # retries take scripts too
        name, script = _random_script(rng)
        injected[name] += 1
        scripts.append(script)
    fake_openai.enqueue(*scripts)

    transport = httpx.ASGITransport(app=fault_api)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=60) as client:
        signup = await client.post(
            "/api/auth/signup",
            json={"email": f"run-{uuid.uuid4().hex[:8]}@example.com", "password": "fault run pass", "full_name": "R"},
        )
        assert signup.status_code == 201, signup.text
        client.headers["X-CSRF-Token"] = signup.json()["csrf_token"]

        sent: dict[str, dict] = {}  # question -> what the client saw
        gate = asyncio.Semaphore(PARALLEL)

        async def conversation(number: int, turns: int) -> None:
            conversation_id = None
            async with gate:
                for turn in range(turns):
                    question = f"Question {number}.{turn}: how is my FD interest taxed?"
                    seen = await _stream(client, question, conversation_id)
                    conversation_id = seen["end"]["conversation_id"]
                    sent[question] = {**seen, "conversation_id": conversation_id}

        started = time.monotonic()
        counts = [TURNS] * (ANSWERS // TURNS) + ([ANSWERS % TURNS] if ANSWERS % TURNS else [])
        await asyncio.gather(*(conversation(n, t) for n, t in enumerate(counts)))
        took = time.monotonic() - started

    async with read_only() as session:
        rows = list(await session.scalars(select(Message).order_by(Message.created_at, Message.id)))
    by_conversation: dict[uuid.UUID, list[Message]] = collections.defaultdict(list)
    for row in rows:
        by_conversation[row.conversation_id].append(row)

    questions = [m for m in rows if m.role == "user"]
    answers = [m for m in rows if m.role == "assistant"]
    outcome = collections.Counter(m.status for m in answers)
    with capsys.disabled():
        print(
            f"\n[faults] {ANSWERS} streamed answers in {took:.1f} s, seed {SEED}; "
            f"scripts injected: {dict(sorted(injected.items()))}; fake saw {len(fake_openai.requests)} requests\n"
            f"[faults] stored: {len(questions)} questions, {len(answers)} answers: {dict(outcome)}; "
            f"partial answers kept: {sum(1 for m in answers if m.status == 'failed' and m.content)}"
        )

    assert len(sent) == ANSWERS
    assert sorted(m.content for m in questions) == sorted(sent), "every question stored, once"
    assert len(answers) == ANSWERS, "one answer per question, none duplicated"
    assert set(outcome) <= {MessageStatus.complete.value, MessageStatus.failed.value}, outcome
    for messages in by_conversation.values():
        # Strictly question, answer, question, answer... in order.
        assert [m.role for m in messages] == ["user", "assistant"] * (len(messages) // 2)
        for question, answer in zip(messages[::2], messages[1::2], strict=True):
            seen = sent[question.content]
            assert str(answer.conversation_id) == seen["conversation_id"]
            if answer.status == MessageStatus.complete.value:
                assert answer.content.strip(), "no blank answer is complete"
                assert seen["end"].get("done") is True
            else:
                assert answer.error, "a failed answer says why"
                assert seen["end"].get("error") == answer.error
            assert answer.content == seen["text"], "the client saw exactly what was stored"
    assert outcome[MessageStatus.complete.value] > 0 and outcome[MessageStatus.failed.value] > 0
