"""Waiting for something to become true, without sleeping and hoping."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest


async def wait_until(
    predicate: Callable[[], Awaitable[bool]], *, timeout: float = 10.0, what: str = "the condition"
) -> None:
    """Poll `predicate` until it is true; fail the test after `timeout` seconds."""
    try:
        async with asyncio.timeout(timeout):
            while not await predicate():
                await asyncio.sleep(0.02)
    except TimeoutError:
        pytest.fail(f"timed out after {timeout}s waiting for {what}")


def pump_until(page, predicate: Callable[[], bool], *, timeout_ms: int = 15_000, what: str = "the condition") -> None:
    """Wait until `predicate` is true while Playwright delivers the page's events
    (websocket frames, held requests) to this thread."""
    waited = 0
    while not predicate():
        if waited >= timeout_ms:
            pytest.fail(f"timed out after {timeout_ms} ms waiting for {what}")
        page.wait_for_timeout(50)
        waited += 50


def wait_for_frame(
    page, frames: list[str], predicate: Callable[[str], bool], *, timeout_ms: int = 15_000, what: str = "a frame"
) -> str:
    """The first websocket frame in `frames` (filled by a Playwright listener) that `predicate` accepts."""
    pump_until(page, lambda: any(predicate(f) for f in frames), timeout_ms=timeout_ms, what=what)
    return next(f for f in frames if predicate(f))
