"""Websocket events are counted by handler on `/metrics`, over a real socket."""

from __future__ import annotations

import uuid

import httpx

from finucity.states.sidebar import SidebarState
from tests.browser.test_tab_boundary import _cookie_of_another_user, _is_hydration, _is_loaded
from tests.support.live_server import run_async
from tests.support.reflex_socket import RawTab, root_event, state_event

SEARCH = 'finucity_websocket_events_total{handler="sidebar_state.set_search"}'


def _count(base_url: str) -> float:
    text = httpx.get(f"{base_url}/metrics", timeout=10).text
    lines = [line for line in text.splitlines() if line.startswith(SEARCH)]
    return float(lines[0].rsplit(" ", 1)[1]) if lines else 0.0


async def _search_three_times(base_url: str, cookie: str) -> None:
    async with RawTab(base_url, uuid.uuid4().hex, cookie) as tab:
        await tab.send(root_event("hydrate_and_load"), path="/chat")
        await tab.wait_for(_is_loaded, what="the first page load")
        for term in ("gst", "tax", "ppf"):
            await tab.send(state_event(SidebarState, "set_search"), {"value": term}, path="/chat")
        # Events of a tab are handled in order: once this answers, the searches were.
        await tab.send(root_event("hydrate"), path="/chat")
        await tab.wait_for(_is_hydration, what="the hydration after the searches")


def test_each_websocket_event_is_counted_by_its_handler(live_server):
    cookie = _cookie_of_another_user(live_server.url)
    before = _count(live_server.url)
    run_async(_search_three_times(live_server.url, cookie))
    assert _count(live_server.url) - before == 3
