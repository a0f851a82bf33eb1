"""Every Reflex event handler of the app, called over a real websocket by people who
must get nothing: a signed-out client, another user (who is not an admin, so the
admin handlers are covered too), and someone holding the owner's tab token, while
that tab is open and after it closed.

The handlers are found from the registered states, so a new handler is called here
without editing this file. Each is called with the owner's ids (conversation,
message, user) as its arguments, after the handlers that select something (open a
dialog, tick a row) have selected the owner's things. Every frame the server sends
back is searched for the owner's data, and the owner's rows in the live database
must be exactly as before.
"""

from __future__ import annotations

import inspect
import uuid

import httpx
import pytest

from tests.security.conftest import ProbeTab, live_db, live_signup
from tests.support.live_server import run_async
from tests.support.reflex_socket import root_event, state_event

# Handlers that pick something for a later handler to act on run first; those that
# put the selection down run last, so the ones in between act on the owner's things.
SELECTS = ("open_", "ask_", "toggle_", "edit_")
DESELECTS = ("close_", "cancel_", "skip_", "dismiss_")


def app_handlers() -> list[tuple[type, str, object]]:
    """(state, name, handler) for every handler the app defines, selecting ones first."""
    from reflex.state import State

    import finucity.app  # noqa: F401  (registers every state the app uses)

    def walk(state_class):
        yield state_class
        for sub in state_class.get_substates():
            yield from walk(sub)

    found = [
        (state_class, name, handler)
        for state_class in walk(State)
        if ".finucity" in state_class.get_full_name()
        for name, handler in state_class.event_handlers.items()
        if handler.fn.__module__.startswith("finucity.")
    ]

    def order(item) -> int:
        name = item[1]
        return 0 if name.startswith(SELECTS) else 2 if name.startswith(DESELECTS) else 1

    return sorted(found, key=order)


@pytest.fixture(scope="module")
def owner(live_server) -> dict[str, str]:
    """An account with a conversation, a finished answer and feedback on it: what must not leak."""
    name = f"Owner {uuid.uuid4().hex[:8]}"
    user = live_signup(live_server.url, name)
    needle = uuid.uuid4().hex[:8]
    secret = f"privatesalary {needle}"
    headers = {"Origin": live_server.url, "X-CSRF-Token": user.csrf}
    with httpx.Client(base_url=live_server.url, headers=headers, timeout=60) as client:
        client.cookies.set("finucity_session", user.session)
        sent = client.post("/api/send-message", json={"message": f"My question {secret}"})
        assert sent.status_code == 200, sent.text
        conversation = sent.json()["conversation_id"]
        messages = client.get(f"/api/conversation/{conversation}").json()["messages"]
        answer = next(m["id"] for m in messages if m["role"] == "assistant")
        rated = client.post(f"/api/message/{answer}/feedback", json={"rating": "up"})
        assert rated.status_code == 200, rated.text
    return {
        "secret": secret,
        # What an intruder searches for: a part of the secret, so the search box
        # echoing it back is not a leak, while any result of the owner's would be.
        "needle": needle,
        "email": user.email,
        "name": name,
        "user_id": user.id,
        "conversation": conversation,
        "message": answer,
        "cookie": user.cookie,
    }


def arguments(handler, owner: dict[str, str]) -> dict:
    """The owner's ids (or an attempt on the owner) for every parameter of `handler`."""
    form = {
        "title": "renamed by an intruder",
        "comment": "written by an intruder",
        "q": owner["needle"],
        "user": owner["email"],
        "role": "admin",
        "quota": "1",
        "conversation_id": owner["conversation"],
        "message_id": owner["message"],
        "user_id": owner["user_id"],
    }
    by_name = {
        "conversation_id": owner["conversation"],
        "message_id": owner["message"],
        "user_id": owner["user_id"],
        "role": "admin",
        "rating": "down",
        "value": owner["needle"],
        "text": f"question about {owner['needle']}",
        "title": "renamed by an intruder",
    }
    args = {}
    for param in list(inspect.signature(handler.fn).parameters.values())[1:]:
        kind = param.annotation
        if kind in ("dict", dict):
            args[param.name] = form
        elif kind in ("bool", bool):
            args[param.name] = False  # set_active(owner, False): deactivating the owner
        elif kind in ("int", int):
            args[param.name] = 1
        else:
            args[param.name] = by_name.get(param.name, owner["conversation"])
    return args


def owners_rows(live_server, owner: dict[str, str]) -> dict[str, list[tuple]]:
    """Everything of the owner's in the live database (ids are stored as 32 hex digits)."""
    uid = uuid.UUID(owner["user_id"]).hex
    with live_db(live_server) as conn:
        return {
            "user": conn.execute(
                "SELECT email, full_name, role, is_active, daily_token_quota FROM users WHERE id = ?", (uid,)
            ).fetchall(),
            "conversations": conn.execute(
                "SELECT id, title, category FROM conversations WHERE user_id = ? ORDER BY id", (uid,)
            ).fetchall(),
            "messages": conn.execute(
                "SELECT m.id, m.role, m.content, m.status FROM messages m JOIN conversations c"
                " ON c.id = m.conversation_id WHERE c.user_id = ? ORDER BY m.id",
                (uid,),
            ).fetchall(),
            "feedback": conn.execute(
                "SELECT message_id, rating, comment FROM message_feedback WHERE user_id = ? ORDER BY message_id",
                (uid,),
            ).fetchall(),
            "sessions": conn.execute(
                "SELECT id, expires_at, revoked_at FROM sessions WHERE user_id = ? ORDER BY id", (uid,)
            ).fetchall(),
        }


async def call_every_handler(base_url: str, token: str, cookie: str | None, owner, handlers) -> list[str]:
    """Every handler on the owner's conversation page with the owner's ids; every frame back."""
    path = f"/chat/{owner['conversation']}"
    query = {"conversation_id": owner["conversation"]}
    async with ProbeTab(base_url, token, cookie) as tab:
        await tab.send_to(root_event("hydrate_and_load"), {}, path=path, query=query)
        for state_class, name, handler in handlers:
            await tab.send_to(state_event(state_class, name), arguments(handler, owner), path=path, query=query)
        # A tab's events are handled in order: this one answers after all of them.
        await tab.send_to(root_event("hydrate"), {}, path=path, query=query)
        # (hydrate_and_load sent one hydration first: this is the second.)
        await tab.wait_for_hydrations(2)
        return tab.frames


def leaks(frames: list[str], owner: dict[str, str]) -> list[str]:
    return [f[:300] for f in frames if any(owner[k] in f for k in ("secret", "email", "name"))]


def probe(live_server, owner, token: str, cookie: str | None, handlers) -> None:
    before = owners_rows(live_server, owner)
    frames = run_async(call_every_handler(live_server.url, token, cookie, owner, handlers))
    assert frames, "the server answered nothing"
    assert not leaks(frames, owner)
    assert owners_rows(live_server, owner) == before


@pytest.fixture(scope="module")
def handlers():
    found = app_handlers()  # (Reflex's registry is read in this thread)
    assert len(found) >= 50
    return found


@pytest.mark.parametrize("who", ["signed out", "another user"])
def test_every_handler_with_the_owners_ids_returns_and_changes_nothing(live_server, owner, handlers, who):
    cookie = live_signup(live_server.url).cookie if who == "another user" else None
    probe(live_server, owner, uuid.uuid4().hex, cookie, handlers)


async def _holding_the_owners_tab(base_url, owner, handlers, intruder_cookie: str | None) -> list[str]:
    """The owner's tab stays open (and loaded) while someone else uses its token."""
    token = uuid.uuid4().hex
    path = f"/chat/{owner['conversation']}"
    query = {"conversation_id": owner["conversation"]}
    async with ProbeTab(base_url, token, owner["cookie"]) as mine:
        await mine.send_to(root_event("hydrate_and_load"), {}, path=path, query=query)
        await mine.wait_for(lambda f: owner["secret"] in f, what="the owner's conversation in the owner's tab")
        return token, await call_every_handler(base_url, token, intruder_cookie, owner, handlers)


@pytest.mark.parametrize("intruder", ["signed out", "another user"])
def test_every_handler_with_another_tabs_token_before_and_after_it_closed(live_server, owner, handlers, intruder):
    cookie = live_signup(live_server.url).cookie if intruder == "another user" else None
    before = owners_rows(live_server, owner)
    token, frames = run_async(_holding_the_owners_tab(live_server.url, owner, handlers, cookie))
    assert not leaks(frames, owner), "the owner's tab was open"
    assert owners_rows(live_server, owner) == before
    # The owner's tab has closed: its state (and its token) outlive it.
    probe(live_server, owner, token, cookie, handlers)


def test_the_probe_sees_the_owners_data_when_the_owner_calls(live_server, owner, handlers):
    # The same calls with the owner's own cookie do show the data: the tests above can fail.
    search = [h for h in handlers if h[1] == "set_search"]
    frames = run_async(call_every_handler(live_server.url, uuid.uuid4().hex, owner["cookie"], owner, search))
    assert leaks(frames, owner)
