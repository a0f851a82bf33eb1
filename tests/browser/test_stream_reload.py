"""A reload in the middle of an answer, on a slow connection: the text keeps growing.

On a cold page load the server's first stream commands can arrive before the
browser has the script that shows them (a phone fetching it slowly). Here the
script is held back until the server has sent stream text over the new
socket, which is exactly the order that used to lose the live answer.
"""

from __future__ import annotations

from playwright.sync_api import Page, Route

from tests.browser.test_chat_flow import ask, conversation_id, wait_for_answer
from tests.support.waiting import pump_until, wait_for_frame

STREAM_TEXT = "[data-testid=streaming-bubble] .fc-md"


def _is_stream_command(frame: str) -> bool:
    """A frame carrying a script for the stream store (components/client)."""
    return "_call_script" in frame and "__fc" in frame


def _length(page: Page) -> int:
    return page.evaluate(f"document.querySelector('{STREAM_TEXT}')?.innerText.length || 0")


def test_a_reload_mid_answer_keeps_streaming_when_the_script_arrives_late(page: Page, signed_in):
    ask(page, "Explain the new tax regime slowly [[fake:reload]]")
    page.wait_for_function(f"() => (document.querySelector('{STREAM_TEXT}')?.innerText.length || 0) > 20")
    conversation = conversation_id(page)

    # From now on, the script that holds the stream store is kept back.
    held: list[tuple[Route, object]] = []

    def hold_the_stream_script(route: Route) -> None:
        response = route.fetch()
        if "__fc" in response.text():
            held.append((route, response))
        else:
            route.fulfill(response=response)

    page.route("**/*.js", hold_the_stream_script)
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))

    page.reload(wait_until="commit")
    # Wait until the server has streamed text to the new socket while the
    # script is still held: the order a slow phone sees.
    wait_for_frame(page, frames, _is_stream_command, what="stream text on the new socket")
    pump_until(page, lambda: bool(held), what="the page to ask for the stream store's script")
    for route, response in held:
        route.fulfill(response=response)
    page.unroute("**/*.js")

    # The answer shows, and keeps growing, before it completes.
    page.wait_for_function(f"() => (document.querySelector('{STREAM_TEXT}')?.innerText.length || 0) > 0")
    shown = _length(page)
    page.wait_for_function(
        f"(n) => (document.querySelector('{STREAM_TEXT}')?.innerText.length || 0) > n + 20", arg=shown
    )
    streamed = page.locator(STREAM_TEXT).inner_text().split()

    finished = wait_for_answer(page).inner_text()
    stored = page.request.get(f"/api/conversation/{conversation}").json()
    answer = stored["messages"][-1]
    assert answer["status"] == "complete"
    # What streamed is the start of the saved answer, and the finished bubble is all of it.
    saved = answer["content"].split()
    assert saved[: len(streamed) - 1] == streamed[:-1]
    assert finished.split() == saved
