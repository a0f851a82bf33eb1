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
