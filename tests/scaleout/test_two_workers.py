"""Two workers behind one address: any worker serves any tab, live.

(Sync tests running their async body in a thread, like tests/browser: the
Playwright test in this folder keeps an event loop in the main thread.)

Worker A writes an answer; a reader on worker B sees it grow while the model
is still writing (the database is saved only every 30 s here, so that text
can only have come through Redis); a reload that lands on B picks the answer
up mid-way; a stop pressed on B ends the answer on A; the message rate limit
counts sends on both workers together.
"""

from __future__ import annotations

import asyncio
import json
import re
import time

import httpx
import pytest

from finucity.states.conversation import ConversationState
from tests.scaleout.conftest import CLUSTER_RATE_LIMIT
from tests.support.live_server import run_async
from tests.support.reflex_socket import EVENT_PREFIX, RawTab, root_event, state_event

SLOW = "[[fake:slow]]"
STOP_BOUND_S = 2.0  # generous: the target is 250 ms, measured and printed


def appends(frames: list[str]) -> list[tuple[int, str]]:
    """The (offset, text) of every piece of stream text the server sent to a tab:
    each append, and the text a reset starts the stream with (at offset 0)."""
    found: list[tuple[int, str]] = []
    for frame in frames:
        for script in re.findall(r"\(window\.__fc\|\|=\[\]\)\.push\((\[.*?\])\)", _scripts(frame)):
            command = json.loads(script)
            if command[0] == "a":
                found.append((command[2], command[3]))
            elif command[0] == "reset":
                found = [(0, command[2])] if command[2] else []
    return found


def _scripts(frame: str) -> str:
    """The JavaScript the frame asks the tab to run, unescaped."""
    out: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str) and "__fc" in value:
            out.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(frame))
    return "\n".join(out)


class SseOnA:
    """A question asked through the streaming API on worker A, read to its end."""

    def __init__(self, url: str, headers: dict, message: str) -> None:
        self.url, self.headers, self.message = url, headers, message
        self.events: list[dict] = []
        self.done_at: float | None = None
        self.task: asyncio.Task | None = None

    async def _read(self) -> None:
        body = {"message": self.message}
        async with (
            httpx.AsyncClient(base_url=self.url, headers=self.headers, timeout=60) as client,
            client.stream("POST", "/api/send-message-stream", json=body) as stream,
        ):
            assert stream.status_code == 200, await stream.aread()
            async for line in stream.aiter_lines():
                if line.startswith("data: "):
                    self.events.append(json.loads(line[len("data: ") :]))
        self.done_at = time.monotonic()

    def start(self) -> SseOnA:
        self.task = asyncio.create_task(self._read())
        return self

    @property
    def finished(self) -> bool:
        return self.done_at is not None


async def _conversation_on(base_url: str, headers: dict, timeout: float = 10) -> str:
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=10) as client:
        async with asyncio.timeout(timeout):
            while True:
                listed = (await client.get("/api/conversations")).json()
                items = listed.get("conversations") or listed.get("items") or []
                if items:
                    return items[0]["id"]
                await asyncio.sleep(0.05)


async def _load(tab: RawTab, conversation: str) -> None:
    """Open /chat/<conversation> in the tab, as the browser's router does."""
    path = f"/chat/{conversation}"
    event = {
        "name": root_event("hydrate_and_load"),
        "payload": {},
        "router_data": {
            "pathname": "/chat/[[conversation_id]]",
            "asPath": path,
            "query": {"conversation_id": conversation},
        },
    }
    await tab._socket.send(EVENT_PREFIX + json.dumps(["event", event]))


async def _open_on(base_url: str, token: str, cookie: str, conversation: str) -> RawTab:
    tab = await RawTab(base_url, token, cookie).__aenter__()
    await _load(tab, conversation)
    return tab


async def _wait_for_appends(tab: RawTab, count: int, timeout: float = 15) -> list[tuple[int, str]]:
    try:
        await tab.wait_for(lambda _f: len(appends(tab.frames)) >= count, timeout=timeout, what=f"{count} appends")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; the tab received: {[f[:300] for f in tab.frames]}") from None
    return appends(tab.frames)


def _shown(pieces: list[tuple[int, str]]) -> str:
    """The text the tab's stream store shows (components/client/stream_store.jsx):
    an append that starts past the text, or repeats it, is skipped. (A
    follower on the worker the tab left may still send for a moment.)"""
    text = ""
    for offset, delta in pieces:
        if offset > len(text) or offset + len(delta) <= len(text):
            continue
        text = text[:offset] + delta
    return text


def _text(pieces: list[tuple[int, str]]) -> str:
    text = ""
    for offset, delta in pieces:
        assert offset == len(text), f"a delta at {offset} after {len(text)} characters"
        text += delta
    return text


def test_an_answer_written_on_a_streams_live_to_a_reader_on_b(cluster, new_user):
    run_async(_an_answer_written_on_a_streams_live_to_a_reader_on_b(cluster, new_user))


async def _an_answer_written_on_a_streams_live_to_a_reader_on_b(cluster, new_user):
    user = new_user()
    question = SseOnA(cluster.a.url, user.bearer, f"How does the new tax regime work? {SLOW}").start()
    conversation = await _conversation_on(cluster.b.url, user.bearer)
    tab = await _open_on(cluster.b.url, "scaleout-reader-1", user.cookie, conversation)
    try:
        first = await _wait_for_appends(tab, 1)
        assert not question.finished, "the first text reached worker B only after the answer ended"
        later = await _wait_for_appends(tab, len(first) + 2)
        # Several deltas, each while the model on A was still writing.
        assert not question.finished
        await question.task
        stored = (await _get(cluster.b.url, f"/api/conversation/{conversation}", user.bearer))["messages"][-1]
        await tab.wait_for(lambda _f: len(_text(appends(tab.frames))) >= len(stored["content"]), what="all the text")
    finally:
        await tab.__aexit__(None, None, None)
    assert stored["status"] == "complete"
    assert _text(appends(tab.frames)) == stored["content"]
    assert len(later) >= 3


def test_a_reload_landing_on_b_shows_the_answer_still_growing(cluster, new_user):
    run_async(_a_reload_landing_on_b_shows_the_answer_still_growing(cluster, new_user))


async def _a_reload_landing_on_b_shows_the_answer_still_growing(cluster, new_user):
    user = new_user()
    token = "scaleout-reload-tab"
    async with RawTab(cluster.a.url, token, user.cookie) as tab_a:
        await tab_a.send(root_event("hydrate_and_load"), path="/chat")
        await tab_a.send(state_event(ConversationState, "send"), {"text": f"Explain SIP step-up {SLOW}"}, path="/chat")
        seen_on_a = len(_shown(await _wait_for_appends(tab_a, 2)))
    conversation = await _conversation_on(cluster.b.url, user.bearer)
    # The same tab comes back (a reload) and this time reaches worker B.
    async with RawTab(cluster.b.url, token, user.cookie) as tab_b:
        await _load(tab_b, conversation)
        await tab_b.wait_for(lambda _f: len(_shown(appends(tab_b.frames))) >= seen_on_a, what="the answer so far on B")
        so_far = len(_shown(appends(tab_b.frames)))
        await tab_b.wait_for(
            lambda _f: len(_shown(appends(tab_b.frames))) > so_far + 10, what="the answer growing on B"
        )
        answer = (await _get(cluster.b.url, f"/api/conversation/{conversation}", user.bearer))["messages"][-1]
    assert answer["status"] == "streaming", "the answer had ended: nothing proves it grew live on B"
    assert answer["content"] == "" or _shown(appends(tab_b.frames)).startswith(answer["content"][:so_far])


def test_a_stop_pressed_on_b_ends_the_answer_on_a(cluster, new_user):
    run_async(_a_stop_pressed_on_b_ends_the_answer_on_a(cluster, new_user))


async def _a_stop_pressed_on_b_ends_the_answer_on_a(cluster, new_user):
    user = new_user()
    closed_before = cluster.fake.closed_early
    question = SseOnA(cluster.a.url, user.bearer, f"Compare PPF and ELSS at length {SLOW}").start()
    conversation = await _conversation_on(cluster.b.url, user.bearer)
    tab = await _open_on(cluster.b.url, "scaleout-stopper", user.cookie, conversation)
    try:
        await _wait_for_appends(tab, 2)
        pressed = time.monotonic()
        await tab.send(state_event(ConversationState, "stop"), {}, path=f"/chat/{conversation}")
        async with asyncio.timeout(10):
            while cluster.fake.closed_early == closed_before:
                await asyncio.sleep(0.005)
        upstream_closed = time.monotonic() - pressed
        async with asyncio.timeout(10):
            await question.task
    finally:
        await tab.__aexit__(None, None, None)
    print(f"\nstop pressed on worker B -> model stream on worker A closed in {upstream_closed * 1000:.0f} ms")
    assert upstream_closed < STOP_BOUND_S
    assert question.events[-1].get("status") == "stopped"
    stored = (await _get(cluster.a.url, f"/api/conversation/{conversation}", user.bearer))["messages"][-1]
    assert stored["status"] == "stopped" and stored["content"]


def test_the_message_rate_limit_counts_both_workers_together(cluster, new_user):
    run_async(_the_message_rate_limit_counts_both_workers_together(cluster, new_user))


async def _the_message_rate_limit_counts_both_workers_together(cluster, new_user):
    user = new_user()
    allowed = int(CLUSTER_RATE_LIMIT.split("/")[0])
    workers = [cluster.a.url, cluster.b.url]
    for n in range(allowed):
        reply = await _post(workers[n % 2], "/api/send-message", user.bearer, {"message": f"Question {n}"})
        assert reply.status_code == 200, reply.text
    for url in workers:
        refused = await _post(url, "/api/send-message", user.bearer, {"message": "One more"})
        assert refused.status_code == 429, f"{url} allowed message {allowed + 1}: {refused.text}"
        assert int(refused.headers["Retry-After"]) >= 1


async def _get(base_url: str, path: str, headers: dict) -> dict:
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=20) as client:
        response = await client.get(path)
        assert response.status_code == 200, response.text
        return response.json()


async def _post(base_url: str, path: str, headers: dict, body: dict) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30) as client:
        return await client.post(path, json=body)


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
