"""A server process killed (kill -9) or stopped (SIGTERM) while answers stream.

Each test runs the app's API in its own process (tests/faults/api_process.py),
streams answers that the fake AI holds half-written, ends the process, and
checks what a user sees afterwards from a fresh process: the question, the
text that streamed, the answer marked interrupted, and Retry working.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time

import httpx

from finucity.models import MessageStatus
from finucity.services import chat, conversations, generation
from tests.faults import api_process
from tests.faults.conftest import HEARTBEAT_S, STALE_AFTER_S, actor_for, sign_in, sign_up
from tests.support.waiting import wait_until

QUESTION = "[[fake:held]] Should I pick the old or the new tax regime?"


async def _stream_until_partial(client: httpx.AsyncClient, message: str, seen: asyncio.Event) -> list[dict]:
    """Read an SSE answer, setting `seen` once "Partial answer" has arrived.
    Returns the events read before the stream ended (or the server died)."""
    events: list[dict] = []
    text = ""
    try:
        async with client.stream("POST", "/api/send-message-stream", json={"message": message}) as response:
            assert response.status_code == 200
            async for line in response.aiter_lines():
                if not line.startswith("data: "):
                    continue
                event = json.loads(line[len("data: ") :])
                events.append(event)
                text += event.get("content", "")
                if text == "Partial answer":
                    seen.set()
    except httpx.HTTPError:
        pass  # the server went away mid-stream
    return events


async def _answers_of(client: httpx.AsyncClient) -> list[dict]:
    """Every conversation's messages, as the API shows them."""
    listed = (await client.get("/api/conversations")).json()["conversations"]
    shown = []
    for conversation in listed:
        detail = (await client.get(f"/api/conversation/{conversation['id']}")).json()
        shown.append({"conversation_id": conversation["id"], "messages": detail["messages"]})
    return shown


async def test_a_worker_killed_mid_answer_is_marked_interrupted_and_retry_works(
    app_env, in_process, gate, tmp_path, fake_openai, capsys
):
    log_path = tmp_path / "server.log"
    first = api_process.start(app_env, log_path)
    try:
        client = await sign_up(first.url)
        email = client.headers["X-Test-Email"]
        seen = asyncio.Event()
        reader = asyncio.create_task(_stream_until_partial(client, QUESTION, seen))
        await asyncio.wait_for(seen.wait(), 20)
        # Let a heartbeat carry the partial text to the database, as it would.
        await asyncio.sleep(HEARTBEAT_S * 2)
        os.kill(first.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        first.process.wait(timeout=10)
        await reader
        await client.aclose()
    finally:
        api_process.stop(first)

    # Another worker (this process) reading the conversation finds it dead
    # once its heartbeat is STREAM_STALE_AFTER_S old.
    actor = await actor_for(email)

    async def marked_failed() -> bool:
        listed = await conversations.list_conversations(actor)
        detail = await conversations.get_conversation(actor, listed.items[0].id)
        return detail.messages[-1].status == MessageStatus.failed.value

    await wait_until(marked_failed, timeout=STALE_AFTER_S + 10, what="the dead worker's answer to be marked")
    elapsed = time.monotonic() - killed_at
    with capsys.disabled():
        print(
            f"\n[faults] kill -9 mid-answer: marked interrupted {elapsed:.1f} s after the kill "
            f"(heartbeat {HEARTBEAT_S} s, stale after {STALE_AFTER_S} s)"
        )

    second = api_process.start(app_env, log_path)
    try:
        user = await sign_in(second.url, email)
        shown = await _answers_of(user)
        question, answer = shown[0]["messages"]
        assert question["content"] == QUESTION and question["role"] == "user"
        assert answer["content"] == "Partial answer"
        assert answer["error"] == generation.INTERRUPTED

        # Retry, from yet another process (this one), with a model that answers.
        gate.set()
        retried = await chat.regenerate(actor, shown[0]["conversation_id"])
        await asyncio.wait_for(retried.generation.wait(), 20)
        after = (await user.get(f"/api/conversation/{shown[0]['conversation_id']}")).json()["messages"]
        assert [(m["role"], m["status"], m["content"]) for m in after] == [
            ("user", "complete", QUESTION),
            ("assistant", "complete", "Partial answer and the rest."),
        ]
        await user.aclose()
    finally:
        api_process.stop(second)


async def test_sigterm_while_answers_stream_saves_each_with_its_text_and_retry_works(
    app_env, in_process, gate, tmp_path, fake_openai, capsys
):
    log_path = tmp_path / "server.log"
    first = api_process.start(app_env, log_path)
    try:
        client = await sign_up(first.url)
        email = client.headers["X-Test-Email"]
        seen = [asyncio.Event(), asyncio.Event()]
        readers = [asyncio.create_task(_stream_until_partial(client, QUESTION, s)) for s in seen]
        await asyncio.wait_for(asyncio.gather(*(s.wait() for s in seen)), 20)
        first.process.send_signal(signal.SIGTERM)
        stopped_at = time.monotonic()
        code = await asyncio.to_thread(first.process.wait, 20)
        took = time.monotonic() - stopped_at
        streams = await asyncio.gather(*readers)
        await client.aclose()
    finally:
        api_process.stop(first)
    with capsys.disabled():
        print(f"\n[faults] SIGTERM with 2 answers streaming: process exited ({code}) after {took:.1f} s")

    # Each client was told, in its stream, that the answer was cut short.
    for events in streams:
        assert events[-1].get("error") == generation.INTERRUPTED_BY_SHUTDOWN, events

    second = api_process.start(app_env, log_path)
    try:
        user = await sign_in(second.url, email)
        shown = await _answers_of(user)
        assert len(shown) == 2
        for conversation in shown:
            question, answer = conversation["messages"]
            assert question["content"] == QUESTION
            assert (answer["status"], answer["content"]) == ("failed", "Partial answer")
            assert answer["error"] == generation.INTERRUPTED_BY_SHUTDOWN

        gate.set()
        actor = await actor_for(email)
        for conversation in shown:
            retried = await chat.regenerate(actor, conversation["conversation_id"])
            await asyncio.wait_for(retried.generation.wait(), 20)
        for conversation in await _answers_of(user):
            assert [m["content"] for m in conversation["messages"]][-1] == "Partial answer and the rest."
            assert conversation["messages"][-1]["status"] == "complete"
        await user.aclose()
    finally:
        api_process.stop(second)
