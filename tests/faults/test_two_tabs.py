"""Two tabs on one conversation, and a conversation deleted while it answers.

The rule (services/chat.py): one answer at a time per conversation. A second
question sent while an answer streams is refused with a clear message (409)
and stored nowhere, so the tab keeps its text and sends it when the answer
is done; then both questions and both answers are stored, in order. The
database's unique index settles two sends in the same instant.
"""

from __future__ import annotations

import asyncio
import threading
import uuid

import httpx
import pytest
from sqlalchemy import func, select

from finucity.models import Conversation, Message
from finucity.services import generation
from finucity.services.context import read_only
from tests.fakes.fake_openai import Script
from tests.support.waiting import wait_until

BUSY = "An answer is still being written in this conversation. Wait for it or press Stop."
PASSWORD = "two tabs passphrase"


@pytest.fixture
def tabs_api(ai_fake):
    from finucity.api import create_api

    return create_api()


async def _tab(app, email: str | None = None) -> httpx.AsyncClient:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=30)
    if email is None:
        email = f"tabs-{uuid.uuid4().hex[:8]}@example.com"
        response = await client.post("/api/auth/signup", json={"email": email, "password": PASSWORD, "full_name": "T"})
    else:
        response = await client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code in (200, 201), response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    client.headers["X-Test-Email"] = email
    return client


async def _messages(conversation_id: str) -> list[Message]:
    async with read_only() as session:
        rows = await session.scalars(
            select(Message)
            .where(Message.conversation_id == uuid.UUID(conversation_id))
            .order_by(Message.created_at, Message.id)
        )
        return list(rows)


async def _streaming(conversation_id: str) -> bool:
    return any(m.status == "streaming" and m.content for m in await _messages(conversation_id))


async def test_two_tabs_sending_at_once_store_both_questions_and_answers_in_order(database, tabs_api, ai_fake):
    first_tab = await _tab(tabs_api)
    second_tab = await _tab(tabs_api, first_tab.headers["X-Test-Email"])
    start = await first_tab.post("/api/send-message", json={"message": "Opening question"})
    conversation_id = start.json()["conversation_id"]

    gate = threading.Event()
    ai_fake.enqueue(Script(chunks=["First tab's ", "answer."], gate=gate, gate_after=1))
    first = asyncio.create_task(
        first_tab.post("/api/send-message", json={"message": "From tab one", "conversation_id": conversation_id})
    )
    try:
        await wait_until(lambda: _streaming(conversation_id), what="tab one's answer to stream")
        refused = await second_tab.post(
            "/api/send-message", json={"message": "From tab two", "conversation_id": conversation_id}
        )
        assert refused.status_code == 409
        assert refused.json()["error"] == BUSY
    finally:
        gate.set()
    assert (await first).status_code == 200
    # Tab two still has its text and sends it once the answer is done.
    ai_fake.enqueue(Script(chunks=["Second tab's ", "answer."]))
    resent = await second_tab.post(
        "/api/send-message", json={"message": "From tab two", "conversation_id": conversation_id}
    )
    assert resent.status_code == 200, resent.text

    stored = [(m.role, m.content, m.status) for m in await _messages(conversation_id)]
    assert stored[2:] == [
        ("user", "From tab one", "complete"),
        ("assistant", "First tab's answer.", "complete"),
        ("user", "From tab two", "complete"),
        ("assistant", "Second tab's answer.", "complete"),
    ]
    await first_tab.aclose()
    await second_tab.aclose()


async def test_two_sends_in_the_same_instant_start_one_answer(database, tabs_api, ai_fake):
    tab = await _tab(tabs_api)
    other = await _tab(tabs_api, tab.headers["X-Test-Email"])
    conversation_id = (await tab.post("/api/send-message", json={"message": "Opening"})).json()["conversation_id"]

    results = await asyncio.gather(
        *(
            client.post("/api/send-message", json={"message": f"Same instant {n}", "conversation_id": conversation_id})
            for n, client in enumerate((tab, other, tab, other))
        )
    )
    codes = sorted(r.status_code for r in results)
    assert codes.count(200) >= 1 and set(codes) <= {200, 409}, [r.text for r in results]
    stored = await _messages(conversation_id)
    # Whatever won, it is whole: each stored question has its answer right after it.
    assert [m.role for m in stored] == ["user", "assistant"] * (len(stored) // 2)
    assert len(stored) == 2 + 2 * codes.count(200)
    assert all(m.status == "complete" and m.content for m in stored)
    await tab.aclose()
    await other.aclose()


async def test_deleting_a_conversation_while_it_streams_ends_the_answer_and_leaves_no_rows(database, tabs_api, ai_fake):
    tab = await _tab(tabs_api)
    gate = threading.Event()
    ai_fake.enqueue(Script(chunks=["Half ", "an answer", " never sent"], gate=gate, gate_after=2))
    asking = asyncio.create_task(tab.post("/api/send-message-stream", json={"message": "Delete me while you answer"}))
    try:

        async def streaming_row() -> Message | None:
            async with read_only() as session:
                return await session.scalar(select(Message).where(Message.status == "streaming", Message.content != ""))

        await wait_until(lambda: streaming_row(), what="the answer to stream")
        answer = await streaming_row()
        conversation_id = str(answer.conversation_id)
        deleted = await tab.delete(f"/api/conversation/{conversation_id}")
        assert deleted.status_code == 200, deleted.text
        await asyncio.to_thread(ai_fake.wait_closed_early, 1)  # the model's stream was cut
        await asyncio.wait_for(asking, 20)
    finally:
        gate.set()

    assert not generation.is_live(answer.id)
    async with read_only() as session:
        left = await session.scalar(
            select(func.count()).select_from(Message).where(Message.conversation_id == answer.conversation_id)
        )
        conversation = await session.get(Conversation, answer.conversation_id)
    assert (left, conversation) == (0, None)
    assert (await tab.get(f"/api/conversation/{conversation_id}")).status_code == 404
    await tab.aclose()
