"""What every websocket event passes before a handler runs (states/boundary.py).

A tab's state belongs to the user whose cookie opened it, whoever holds its
token: Reflex keys a tab's state by a token that is not a secret, and the
state outlives the tab. These tests reuse a closed tab's token, over a raw
websocket and in a normal browser flow, and read every frame the server sends
back. And no event's text can leave a tab's state unencodable.
"""

from __future__ import annotations

import inspect
import re
import uuid

import httpx
import pytest
from playwright.sync_api import Page

from tests.browser.conftest import PASSWORD
from tests.browser.test_auth_flow import SIGNED_OUT
from tests.browser.test_chat_flow import ask, conversation_id, wait_for_answer
from tests.support.live_server import run_async
from tests.support.reflex_socket import RawTab, root_event, state_event
from tests.support.waiting import wait_for_frame


def _owner_with_a_conversation(page: Page, new_account, sign_in) -> dict[str, str]:
    """Sign in as a fresh user, ask a question, and return what must not leak."""
    name = f"Owner {uuid.uuid4().hex[:8]}"
    email, password, _ = new_account(name)
    sign_in(page, email, password)
    secret = f"private-salary-{uuid.uuid4().hex[:8]}"
    ask(page, f"My question {secret}")
    wait_for_answer(page)
    return {
        "secret": secret,
        "email": email,
        "name": name,
        "conversation": conversation_id(page),
        "token": page.evaluate("window.sessionStorage.getItem('token')"),
        "cookie": "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies()),
    }


def _cookie_of_another_user(base_url: str) -> str:
    response = httpx.post(
        f"{base_url}/api/auth/signup",
        json={"email": f"{uuid.uuid4().hex[:10]}@example.com", "password": PASSWORD, "full_name": "Someone Else"},
        headers={"Origin": base_url},
        timeout=20,
    )
    assert response.status_code == 201, response.text
    return f"finucity_session={response.cookies['finucity_session']}"


def _is_hydration(frame: str) -> bool:
    return '"is_hydrated_rx_state_": false' in frame


def _is_loaded(frame: str) -> bool:
    return '"is_hydrated_rx_state_": true' in frame


async def _replay(base_url: str, token: str, cookie: str | None, event: str, path: str) -> list[str]:
    """Connect with `token` and `cookie`, send `event` as a reopened tab would, return every frame."""
    async with RawTab(base_url, token, cookie) as tab:
        await tab.send(root_event(event), path=path)
        await tab.wait_for(_is_hydration, what="the hydration delta")
        if event == "hydrate_and_load":
            await tab.wait_for(_is_loaded, what="the end of the page load")
        return tab.frames


def _leaks(frames: list[str], owner: dict[str, str]) -> list[str]:
    return [f for f in frames if any(owner[k] in f for k in ("secret", "email", "name"))]


@pytest.mark.parametrize("event", ["hydrate", "hydrate_and_load"])
@pytest.mark.parametrize("intruder", ["another user", "nobody"])
def test_a_closed_tabs_token_returns_nothing_of_its_owner(
    page: Page, new_account, sign_in, live_server, intruder, event
):
    owner = _owner_with_a_conversation(page, new_account, sign_in)
    page.close()
    cookie = _cookie_of_another_user(live_server.url) if intruder == "another user" else None
    for path in ("/login", f"/chat/{owner['conversation']}"):
        frames = run_async(_replay(live_server.url, owner["token"], cookie, event, path))
        assert frames
        assert not _leaks(frames, owner), f"{intruder} replaying the token got the owner's data on {path}"


def test_the_owner_reconnecting_gets_their_tab_back(page: Page, new_account, sign_in, live_server):
    # The same probe with the owner's own cookie does see the data: the test above can fail.
    owner = _owner_with_a_conversation(page, new_account, sign_in)
    page.close()
    path = f"/chat/{owner['conversation']}"
    frames = run_async(_replay(live_server.url, owner["token"], owner["cookie"], "hydrate_and_load", path))
    assert any(owner["secret"] in f for f in frames)


def test_a_tab_reopened_after_signing_out_elsewhere_shows_nothing(page: Page, new_account, sign_in):
    owner = _owner_with_a_conversation(page, new_account, sign_in)
    second = page.context.new_page()
    second.goto(f"/chat/{owner['conversation']}")
    second.get_by_text(owner["secret"]).first.wait_for()
    token = second.evaluate("window.sessionStorage.getItem('token')")
    second.close()

    page.click("#fc-logout")
    page.wait_for_url(SIGNED_OUT)

    # The closed tab is reopened (as a browser restores it, with its session
    # storage, so with its tab token) on a computer that is now signed out.
    reopened = page.context.new_page()
    reopened.add_init_script(f"window.sessionStorage.setItem('token', {token!r})")
    frames: list[str] = []
    sockets: list[str] = []

    def watch(ws) -> None:
        sockets.append(ws.url)
        ws.on("framereceived", lambda payload: frames.append(str(payload)))

    reopened.on("websocket", watch)
    reopened.goto(f"/chat/{owner['conversation']}")
    reopened.wait_for_url(re.compile(r"/login/?\?next="))
    # (The page itself is prerendered: wait for what the socket brings.)
    wait_for_frame(reopened, frames, lambda f: '"is_hydrated_rx_state_":true' in f, what="the page load to finish")
    assert f"token={token}" in sockets[0], "the reopened tab did not reuse its token"
    assert not _leaks(frames, owner)


# --- text the server cannot encode -----------------------------------------------------------

LONE_SURROGATE = "tax on \ud800 salary"


def _handlers_taking_text():
    """Every event handler of the app's states that takes a text (or form) argument."""
    from reflex.state import State

    import finucity.app  # noqa: F401  (registers every state the app uses)

    def walk(state_class):
        yield state_class
        for sub in state_class.get_substates():
            yield from walk(sub)

    found = []
    for state_class in walk(State):
        if ".finucity" not in state_class.get_full_name():
            continue  # Reflex's own states
        for name, handler in state_class.event_handlers.items():
            params = list(inspect.signature(handler.fn).parameters.values())[1:]
            if params and all(p.annotation in ("str", "dict", str, dict) for p in params):
                args = {
                    p.name: (LONE_SURROGATE if p.annotation in ("str", str) else {"title": LONE_SURROGATE})
                    for p in params
                }
                found.append(pytest.param(state_class, name, args, id=f"{state_class.__name__}.{name}"))
    return found


async def _send_then_hydrate(base_url: str, cookie: str, state_class, name: str, args: dict) -> None:
    token = uuid.uuid4().hex
    async with RawTab(base_url, token, cookie) as tab:
        await tab.send(root_event("hydrate_and_load"), path="/chat")
        await tab.wait_for(_is_loaded, what="the first page load")
        await tab.send(state_event(state_class, name), args, path="/chat")
        await tab.send(root_event("hydrate"), path="/chat")
        hydration = await tab.wait_for(_is_hydration, what="a hydration after the odd text")
        assert "\\ud800" not in hydration
    # The state is still whole for the next connection with that token.
    async with RawTab(base_url, token, cookie) as tab:
        await tab.send(root_event("hydrate"), path="/chat")
        await tab.wait_for(_is_hydration, what="a hydration on reconnecting")


@pytest.mark.parametrize("state_class, name, args", _handlers_taking_text())
def test_a_lone_surrogate_in_any_text_leaves_the_tab_working(live_server, state_class, name, args):
    cookie = _cookie_of_another_user(live_server.url)
    run_async(_send_then_hydrate(live_server.url, cookie, state_class, name, args))


def test_the_handlers_that_take_text_are_all_checked():
    names = {p.id for p in _handlers_taking_text()}
    assert {"ConversationState.send", "SidebarState.set_search", "ConversationDialogsState.save_rename"} <= names


# --- what reaches the log --------------------------------------------------------------------


TYPED = "my salary is 18 lakh and my PAN is ABCDE1234F"


async def _send_unknown_event(base_url: str, token: str, cookie: str, name: str) -> None:
    async with RawTab(base_url, token, cookie) as tab:
        await tab.send(name, {"text": TYPED}, path="/chat")
        # Events of a tab are handled in order: once this answers, the one before was logged.
        await tab.send(root_event("hydrate"), path="/chat")
        await tab.wait_for(_is_hydration, what="the hydration after the unknown event")


def test_an_event_the_server_cannot_route_is_logged_without_cookie_or_token(live_server):
    cookie = _cookie_of_another_user(live_server.url)
    session_value = cookie.split("=", 1)[1]
    token = uuid.uuid4().hex
    name = f"reflex___state____state.no_such_state.handler_{uuid.uuid4().hex[:8]}"
    run_async(_send_unknown_event(live_server.url, token, cookie, name))
    log = live_server.log_path.read_text(errors="replace")
    assert name.rsplit(".", 1)[1] in log, "the unroutable event was not logged at all"
    assert session_value not in log
    assert token not in log
    assert TYPED not in log
