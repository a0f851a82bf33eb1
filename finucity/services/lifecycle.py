"""Start-up and shut-down of the service layer in a server process."""

from __future__ import annotations

import asyncio
import logging
import signal
import threading

from sqlalchemy import text

from finucity.services import generation
from finucity.services.ai import prompts
from finucity.services.ai.categories import detect_category
from finucity.services.ai.factory import get_provider
from finucity.services.context import read_only

log = logging.getLogger(__name__)


async def warm_up() -> None:
    """Pay one-time costs before the first user does: imports, the database
    pool, the AI client (no request is made). Measured cold, the first answer
    otherwise started about 350 ms later than the next ones."""
    # Compile the category patterns and build a prompt once (lazy on first use).
    prompts.build_messages("warm-up", [], detect_category("income tax GST SIP"), budget_tokens=100)
    provider = get_provider()
    client = getattr(provider, "client", None)  # builds the HTTP client and TLS context
    if client is not None:
        client.platform_headers()  # the SDK inspects the OS once, on the first request
    try:
        async with read_only() as session:
            await session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 (the health check reports it; start-up must not die of it)
        log.warning("Database not reachable at start-up")
    watch_for_sigterm()
    log.info("Ready: %s", "offline assistant" if provider.offline else f"model {provider.model}")
    del client


async def shutdown() -> None:
    await generation.shutdown()


def watch_for_sigterm() -> None:
    """Call `generation.begin_shutdown` on SIGTERM, then whatever handled it before (the
    server's own graceful stop). Without it a server that waits for open
    streams to close before its shut-down hook would see each API stream's
    client cancelled first and record the answer as stopped by the user."""
    if threading.current_thread() is not threading.main_thread():
        return  # only the main thread may set handlers; the server's shutdown() still runs
    previous = signal.getsignal(signal.SIGTERM)
    if getattr(previous, "_finucity", False):
        return
    loop = asyncio.get_running_loop()

    def on_sigterm(signum, frame):
        loop.call_soon_threadsafe(generation.begin_shutdown)
        if callable(previous):
            previous(signum, frame)
        elif previous == signal.SIG_DFL:
            raise SystemExit(128 + signum)

    on_sigterm._finucity = True  # type: ignore[attr-defined]
    signal.signal(signal.SIGTERM, on_sigterm)
