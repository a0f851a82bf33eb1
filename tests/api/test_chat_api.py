"""Asking questions through the API, whole or streamed, and what is kept afterwards.

The answers come from the fake OpenAI server (`ai_fake`), so their text is
known exactly; one test uses the built-in offline assistant as a fresh install
would.
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from datetime import datetime

import httpx

from finucity.models import Conversation, Message
from finucity.services import accounts, chat
from finucity.services.context import Actor
from tests.api.conftest import (
    NOT_FOUND,
    assert_error,
    audit_actions,
    count_rows,
    messages_of,
    parse_sse,
    send,
    stored_message,
    wait_until,
    without_request_id,
)
from tests.fakes.fake_openai import Script

ANSWER = ["Under the new regime, ", "salary up to ₹7 lakh ", "is effectively tax-free ", "thanks to the rebate."]


def _user_text(request: dict) -> str:
    """The last user message the model received."""
    return [m for m in request["messages"] if m["role"] == "user"][-1]["content"]


def _iso(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, f"{value} has no time zone"
    return parsed


# --- the whole life of a conversation -----------------------------------------------------------


async def test_send_list_read_export_rename_delete(database, api, ai_fake):
    user = await api.signup(full_name="Ravi Shankar")
    client, csrf = user.client, user.csrf_headers
    ai_fake.enqueue(Script(chunks=ANSWER), Script(chunks=["Yes, ", "80C still applies ", "in the old regime."]))

    # Ask.
    first = await send(client, "How is my **salary** taxed?", headers=csrf, category="income_tax")
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["success"] is True
    assert body["response"] == "".join(ANSWER)
    assert body["category"] == "income_tax"
    # Titles are plain text, as typed (nothing in them is Markdown).
    assert body["title"] == "How is my **salary** taxed?"
    assert body["status"] == "complete"
    assert isinstance(body["response_time_ms"], int) and body["response_time_ms"] >= 0
    conversation_id = body["conversation_id"]
    uuid.UUID(conversation_id), uuid.UUID(body["message_id"])
    # The question reached the model.
    assert "How is my **salary** taxed?" in _user_text(ai_fake.requests[0])

    # Follow up in the same conversation: the model sees the earlier turn.
    second = await send(client, "Does 80C still help?", headers=csrf, conversation_id=conversation_id)
    assert second.status_code == 200, second.text
    assert second.json()["conversation_id"] == conversation_id
    assert second.json()["response"] == "Yes, 80C still applies in the old regime."
    history = json.dumps(ai_fake.requests[1]["messages"], ensure_ascii=False)
    for earlier in ("How is my **salary** taxed?", "".join(ANSWER), "Does 80C still help?"):
        assert json.dumps(earlier, ensure_ascii=False)[1:-1] in history

    # List.
    listing = await client.get("/api/conversations")
    assert listing.status_code == 200, listing.text
    page = listing.json()
    assert page["success"] is True and page["next_cursor"] is None
    assert len(page["conversations"]) == 1
    item = page["conversations"][0]
    assert item["id"] == conversation_id
    assert item["title"] == "How is my **salary** taxed?"
    assert item["category"] == "income_tax"
    assert item["message_count"] == 4
    assert item["preview"] == "Yes, 80C still applies in the old regime."
    assert _iso(item["updated_at"]) >= _iso(item["created_at"])

    # Read.
    detail = await client.get(f"/api/conversation/{conversation_id}")
    assert detail.status_code == 200, detail.text
    data = detail.json()
    assert data["success"] is True
    assert data["conversation"]["id"] == conversation_id
    assert data["conversation"]["title"] == "How is my **salary** taxed?"
    messages = data["messages"]
    assert [(m["role"], m["content"], m["status"]) for m in messages] == [
        ("user", "How is my **salary** taxed?", "complete"),
        ("assistant", "".join(ANSWER), "complete"),
        ("user", "Does 80C still help?", "complete"),
        ("assistant", "Yes, 80C still applies in the old regime.", "complete"),
    ]
    assert messages[1]["id"] == body["message_id"]
    assert messages[3]["id"] == second.json()["message_id"]
    for m in messages:
        assert {"id", "role", "content", "status", "category", "created_at"} <= set(m)
        _iso(m["created_at"])

    # Export as Markdown.
    md = await client.get(f"/api/conversation/{conversation_id}/export", params={"format": "md"})
    assert md.status_code == 200, md.text
    assert md.headers["content-type"].startswith("text/markdown")
    disposition = md.headers["content-disposition"]
    assert disposition.startswith("attachment;") and disposition.rstrip('"').endswith(".md")
    # ...and in a Markdown export the title reads as typed.
    assert md.text.startswith("# How is my \\*\\*salary\\*\\* taxed?\n")
    assert "## You" in md.text and "## AI Assistant" in md.text
    for text in ("How is my **salary** taxed?", "".join(ANSWER), "Does 80C still help?"):
        assert text in md.text
    # Markdown is the default.
    default = await client.get(f"/api/conversation/{conversation_id}/export")
    assert default.status_code == 200 and default.text == md.text

    # Export as JSON.
    exported = await client.get(f"/api/conversation/{conversation_id}/export", params={"format": "json"})
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("application/json")
    assert exported.headers["content-disposition"].rstrip('"').endswith(".json")
    dump = json.loads(exported.text)
    assert dump["conversation"]["id"] == conversation_id
    assert [m["content"] for m in dump["messages"]] == [m["content"] for m in messages]

    # Rename (whitespace is tidied).
    renamed = await client.patch(
        f"/api/conversation/{conversation_id}", json={"title": "  Salary   and 80C "}, headers=csrf
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["conversation"]["title"] == "Salary and 80C"
    assert (await client.get(f"/api/conversation/{conversation_id}")).json()["conversation"][
        "title"
    ] == "Salary and 80C"
    assert (await client.get("/api/conversations")).json()["conversations"][0]["title"] == "Salary and 80C"

    # Delete.
    deleted = await client.delete(f"/api/conversation/{conversation_id}", headers=csrf)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {"success": True}
    gone = await client.get(f"/api/conversation/{conversation_id}")
    assert without_request_id(assert_error(gone, 404)) == NOT_FOUND
    assert (await client.get("/api/conversations")).json()["conversations"] == []
    assert await count_rows(Conversation) == 0
    assert await count_rows(Message) == 0
    [entry] = await audit_actions("conversation.delete")
    assert entry.target_id == conversation_id
    assert str(entry.actor_id) == user.id
    assert entry.details.get("messages") == 4
    # Deleting twice is a plain 404.
    again = await client.delete(f"/api/conversation/{conversation_id}", headers=csrf)
    assert without_request_id(assert_error(again, 404)) == NOT_FOUND


async def test_the_built_in_offline_assistant_answers_without_any_ai_key(database, api):
    user = await api.signup()

    response = await send(user.client, "What is GST?", headers=user.csrf_headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "complete"
    assert body["response"].strip()
    stored = await stored_message(body["message_id"])
    assert stored.status == "complete" and stored.content == body["response"]


async def test_category_is_detected_when_not_given(database, api, ai_fake):
    user = await api.signup()
    client = await api.bearer(user)

    response = await send(client, "How do I file my GST return every quarter?")

    assert response.status_code == 200, response.text
    assert response.json()["category"] == "gst"


async def test_a_second_question_while_an_answer_is_being_written_is_refused(database, api, ai_fake):
    user = await api.signup()
    client = await api.bearer(user)
    gate = threading.Event()
    ai_fake.enqueue(Script(chunks=["Part one", " and part two"], gate=gate, gate_after=1))
    actor = Actor(channel="ui").as_user(await accounts.get_user(user.uuid))
    turn = await chat.send_message(actor, message="A long question")  # as the web UI does
    try:
        await asyncio.to_thread(ai_fake.wait_for_requests, 1)

        response = await send(client, "Another one", conversation_id=str(turn.conversation.id))

        assert_error(response, 409)
        assert len(await messages_of(turn.conversation.id)) == 2  # nothing added
    finally:
        gate.set()
    await asyncio.wait_for(turn.generation.wait(), 10)
    assert (await stored_message(turn.answer.id)).content == "Part one and part two"


async def test_deleting_a_conversation_while_its_answer_is_written_stops_the_answer(database, api, ai_fake):
    user = await api.signup()
    client = await api.bearer(user)
    gate = threading.Event()
    ai_fake.enqueue(Script(chunks=["Half an answer", " and the rest"], gate=gate, gate_after=1))
    actor = Actor(channel="ui").as_user(await accounts.get_user(user.uuid))
    turn = await chat.send_message(actor, message="Start answering")
    try:
        await asyncio.to_thread(ai_fake.wait_for_requests, 1)

        response = await client.delete(f"/api/conversation/{turn.conversation.id}")

        assert response.status_code == 200, response.text
        await asyncio.to_thread(ai_fake.wait_closed_early, 1, 10)  # the model is no longer paid for
        await asyncio.wait_for(turn.generation.wait(), 10)
    finally:
        gate.set()
    assert await count_rows(Conversation) == 0
    assert await count_rows(Message) == 0  # the writer did not bring the answer back
    assert [e.target_id for e in await audit_actions("conversation.delete")] == [str(turn.conversation.id)]


# --- listing -----------------------------------------------------------------------------------


async def test_listing_pages_newest_first_and_searches_titles_and_answers(database, api, ai_fake):
    user = await api.signup()
    client = await api.bearer(user)
    ai_fake.enqueue(
        Script(chunks=["Index funds are cheap."]),
        Script(chunks=["Term insurance covers risk."]),
        Script(chunks=["Keep GST invoices for six years."]),
    )
    ids = []
    for question, category in (
        ("Where should I invest?", "investment"),
        ("Which insurance do I need?", "insurance"),
        ("How long to keep invoices?", "gst"),
    ):
        response = await send(client, question, category=category)
        assert response.status_code == 200, response.text
        ids.append(response.json()["conversation_id"])

    first = (await client.get("/api/conversations", params={"limit": 2})).json()
    assert [c["id"] for c in first["conversations"]] == [ids[2], ids[1]]
    assert first["next_cursor"]
    second = (await client.get("/api/conversations", params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert [c["id"] for c in second["conversations"]] == [ids[0]]
    assert second["next_cursor"] is None

    by_answer = (await client.get("/api/conversations", params={"q": "term INSURANCE"})).json()
    assert [c["id"] for c in by_answer["conversations"]] == [ids[1]]
    by_title = (await client.get("/api/conversations", params={"q": "invest"})).json()
    assert [c["id"] for c in by_title["conversations"]] == [ids[0]]
    # LIKE wildcards are taken literally.
    assert (await client.get("/api/conversations", params={"q": "%"})).json()["conversations"] == []
    by_category = (await client.get("/api/conversations", params={"category": "gst"})).json()
    assert [c["id"] for c in by_category["conversations"]] == [ids[2]]


# --- streaming ---------------------------------------------------------------------------------


async def test_stream_sends_content_events_then_done(database, api, ai_fake):
    user = await api.signup()
    ai_fake.enqueue(Script(chunks=ANSWER, delay_s=0.01))

    response = await user.client.post(
        "/api/send-message-stream", json={"message": "Is my salary taxed?"}, headers=user.csrf_headers
    )

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-cache"
    events = parse_sse(response.text)
    *content, done = events
    assert content and all(set(e) == {"content"} and e["content"] for e in content)
    assert "".join(e["content"] for e in content) == "".join(ANSWER)
    assert done["done"] is True
    uuid.UUID(done["conversation_id"])
    stored = await stored_message(done["message_id"])
    assert stored.status == "complete" and stored.content == "".join(ANSWER)
    assert str(stored.conversation_id) == done["conversation_id"]
    listing = (await user.client.get("/api/conversations")).json()["conversations"]
    assert [c["id"] for c in listing] == [done["conversation_id"]]


async def test_stream_continues_a_conversation(database, api, ai_fake):
    user = await api.signup()
    client = await api.bearer(user)
    ai_fake.enqueue(Script(chunks=["First."]), Script(chunks=["Second."]))
    first = await send(client, "One")
    conversation_id = first.json()["conversation_id"]

    response = await client.post(
        "/api/send-message-stream", json={"message": "Two", "conversation_id": conversation_id}
    )

    events = parse_sse(response.text)
    assert events[-1]["done"] is True and events[-1]["conversation_id"] == conversation_id
    assert [m.content for m in await messages_of(conversation_id)] == ["One", "First.", "Two", "Second."]


async def test_stream_failing_mid_answer_sends_an_error_and_keeps_the_partial_answer(database, api, ai_fake):
    user = await api.signup()
    client = await api.bearer(user)
    ai_fake.enqueue(Script(chunks=["Section 80C ", "allows up to ", "₹1.5 lakh", " a year."], error_after=2))

    response = await client.post("/api/send-message-stream", json={"message": "What is 80C?"})

    assert response.status_code == 200, response.text
    events = parse_sse(response.text)
    *content, last = events
    assert "".join(e["content"] for e in content) == "Section 80C allows up to "
    assert set(last) >= {"error"} and "done" not in last
    assert last["error"] and "sk-test" not in last["error"] and "server had an error" not in last["error"]
    assert not any("done" in e for e in events)
    conversation_id = last.get("conversation_id")
    [conversation] = (await client.get("/api/conversations")).json()["conversations"]
    if conversation_id is not None:
        assert conversation_id == conversation["id"]
    question, answer = await messages_of(conversation["id"])
    assert (question.role, question.content, question.status) == ("user", "What is 80C?", "complete")
    assert (answer.role, answer.status) == ("assistant", "failed")
    assert answer.content == "Section 80C allows up to "
    assert answer.error
    # The reader of the conversation sees the same.
    shown = (await client.get(f"/api/conversation/{conversation['id']}")).json()["messages"]
    assert shown[1]["status"] == "failed" and shown[1]["content"] == "Section 80C allows up to "


async def test_stream_when_the_provider_fails_at_once_ends_with_an_error_event(database, api, ai_fake):
    user = await api.signup()
    client = await api.bearer(user)
    ai_fake.set_default(Script(status=500))  # also answers the SDK's retry

    response = await client.post("/api/send-message-stream", json={"message": "Hello?"})

    assert response.status_code == 200
    events = parse_sse(response.text)
    assert len(events) == 1 and events[0]["error"], events
    [conversation] = (await client.get("/api/conversations")).json()["conversations"]
    question, answer = await messages_of(conversation["id"])
    assert question.content == "Hello?" and answer.status == "failed"


# --- failures of the whole-answer endpoint -------------------------------------------------------


async def test_provider_error_before_streaming_is_a_502_and_the_question_is_kept(database, api, ai_fake):
    user = await api.signup()
    client = await api.bearer(user)
    ai_fake.set_default(Script(status=500))

    response = await send(client, "Will you answer?")

    body = assert_error(response, 502)
    assert "server had an error" not in body["error"]  # the provider's own words stay in the log
    conversation_id, message_id = body["conversation_id"], body["message_id"]
    question, answer = await messages_of(conversation_id)
    assert (question.content, question.status) == ("Will you answer?", "complete")
    assert str(answer.id) == message_id
    assert answer.status == "failed" and answer.error == body["error"]
    shown = (await client.get(f"/api/conversation/{conversation_id}")).json()["messages"]
    assert [m["status"] for m in shown] == ["complete", "failed"]
    assert shown[1]["error"] == body["error"]


async def test_an_empty_answer_is_a_failure_not_a_blank_success(database, api, ai_fake):
    user = await api.signup()
    client = await api.bearer(user)
    ai_fake.enqueue(Script(empty=True))

    response = await send(client, "Say nothing")

    body = assert_error(response, 502)
    assert "empty" in body["error"].lower()
    answer = await stored_message(body["message_id"])
    assert answer.status == "failed" and answer.content == ""


async def test_a_stream_with_an_empty_answer_ends_with_an_error(database, api, ai_fake):
    user = await api.signup()
    client = await api.bearer(user)
    ai_fake.enqueue(Script(empty=True))

    response = await client.post("/api/send-message-stream", json={"message": "Say nothing"})

    events = parse_sse(response.text)
    assert [set(e) & {"content", "done", "error"} for e in events] == [{"error"}]


# --- a client that goes away ---------------------------------------------------------------------


async def test_closing_the_stream_stops_the_upstream_request_and_keeps_the_partial_answer(
    sqlite_database, api, ai_fake, live_server
):
    user = await api.signup()
    created = await api.create_token(user)
    chunks = [f"word{i} " for i in range(100)]
    ai_fake.enqueue(Script(chunks=chunks, delay_s=0.05))

    received = ""
    async with (
        httpx.AsyncClient(base_url=live_server.url, timeout=10) as client,
        client.stream(
            "POST",
            "/api/send-message-stream",
            json={"message": "Tell me everything"},
            headers={"Authorization": f"Bearer {created['secret']}"},
        ) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = 0
        async for line in response.aiter_lines():
            if line.startswith("data: "):
                event = json.loads(line[len("data: ") :])
                assert "content" in event, event
                received += event["content"]
                events += 1
                if events == 2:
                    break
            # Leaving the block closes the response mid-stream, like a closed tab.
    assert received

    # The app hangs up on the model at once...
    await asyncio.to_thread(ai_fake.wait_closed_early, 1, 10)

    # ...and keeps what was written, marked stopped.
    [conversation] = (
        await api.client(headers={"Authorization": f"Bearer {created['secret']}"}).get("/api/conversations")
    ).json()["conversations"]

    async def answer():
        return (await messages_of(conversation["id"]))[1]

    async def stopped():
        return (await answer()).status == "stopped"

    await wait_until(stopped, what="the answer to be marked stopped")
    saved = await answer()
    full = "".join(chunks)
    assert saved.content.startswith(received)
    assert full.startswith(saved.content)
    assert len(saved.content) < len(full)
    assert ai_fake.completed == 0


# --- the account's own data ------------------------------------------------------------------------


async def test_the_account_export_holds_all_of_my_data_and_no_secrets(database, api, ai_fake):
    user = await api.signup("export@example.com", full_name="Kavya Rao")
    created = await api.create_token(user, "backup script")
    client = api.client(headers={"Authorization": f"Bearer {created['secret']}"})
    ai_fake.enqueue(Script(chunks=["Answer one."]), Script(chunks=["Answer two."]))
    first = (await send(client, "Question one")).json()
    second = (await send(client, "Question two")).json()

    response = await client.get("/api/me/export")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"].startswith("attachment;")
    data = response.json()
    assert data["user"]["email"] == "export@example.com"
    assert data["user"]["full_name"] == "Kavya Rao"
    assert [t["name"] for t in data["api_tokens"]] == ["backup script"]
    conversations = {c["id"]: c for c in data["conversations"]}
    assert set(conversations) == {first["conversation_id"], second["conversation_id"]}
    assert [m["content"] for m in conversations[first["conversation_id"]]["messages"]] == [
        "Question one",
        "Answer one.",
    ]
    assert [m["content"] for m in conversations[second["conversation_id"]]["messages"]] == [
        "Question two",
        "Answer two.",
    ]
    for secret in (created["secret"], user.password, user.session_cookie, "$argon2"):
        assert secret not in response.text


async def test_deleting_the_account_removes_everything_and_signs_out(database, api, ai_fake):
    user = await api.signup("leaving@example.com")
    bearer = await api.bearer(user)
    ai_fake.set_default(Script(chunks=["Noted."]))
    assert (await send(user.client, "Remember this", headers=user.csrf_headers)).status_code == 200
    other = await api.signup("staying@example.com")
    assert (await send(other.client, "Keep mine", headers=other.csrf_headers)).status_code == 200

    response = await user.client.request(
        "DELETE", "/api/me", json={"password": user.password}, headers=user.csrf_headers
    )

    assert response.status_code == 200, response.text
    assert response.json() == {"success": True}
    assert "finucity_session=" in response.headers.get("set-cookie", "")
    assert_error(await user.client.get("/api/auth/me"), 401)
    assert_error(await bearer.get("/api/auth/me"), 401)
    login = await api.client().post("/api/auth/login", json={"email": "leaving@example.com", "password": user.password})
    assert_error(login, 401)
    # Only the other user's conversation is left.
    assert await count_rows(Conversation) == 1
    assert await count_rows(Message) == 2
    assert (await other.client.get("/api/conversations")).json()["conversations"][0]["title"] == "Keep mine"
