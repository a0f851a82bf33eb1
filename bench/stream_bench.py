"""Streaming benchmark: a 2,000-token answer through the real UI in Chromium.

Runs the production server (as `make run` does) against a fake OpenAI server,
signs in with Playwright, and prints for each scenario:

- bytes and frames received over the websocket from Send to the end,
- time from Send to the first token visible in the page, and how much that
  adds to the provider's own time to first token,
- tokens per second rendered in the page.

Scenarios: the first answer after the server started (cold); a new
conversation; a question in a conversation that already holds 100 messages (its cost is compared with one copy of that
history). Prints numbers; asserts nothing.

    make bench            # or: .venv/bin/python bench/stream_bench.py
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.fakes.fake_openai import FakeOpenAI, Script
from tests.support.live_server import run_async, run_live_server

TOKENS = 2000
PROVIDER_FIRST_TOKEN_S = 0.25
PASSWORD = "benchmark passphrase"

# In the page: note when the streaming bubble first shows text, and when the
# finished answer lands in the list.
PAGE_PROBE = """
() => {
  window.__bench = {first: null, done: null};
  const check = () => {
    const b = window.__bench;
    if (b.first === null) {
      const live = document.querySelector('[data-testid=streaming-bubble] .fc-md');
      if (live && live.innerText.length > 0) b.first = performance.now();
    }
    if (b.first !== null && b.done === null && !document.querySelector('[data-testid=streaming-bubble]')) {
      b.done = performance.now();
    }
  };
  new MutationObserver(check).observe(document.body, {subtree: true, childList: true, characterData: true});
}
"""


class FrameCounter:
    def __init__(self, dump: Path | None = None) -> None:
        self.frames = 0
        self.bytes = 0
        self.largest = 0
        self.dump = dump.open("w") if dump else None

    def reset(self) -> None:
        self.frames = self.bytes = self.largest = 0

    def on_frame(self, payload) -> None:
        size = len(payload.encode() if isinstance(payload, str) else payload)
        self.frames += 1
        self.bytes += size
        self.largest = max(self.largest, size)
        if self.dump:
            self.dump.write(f"{size}\t{payload[:400] if isinstance(payload, str) else '<binary>'}\n")


def seed_history(database_url: str, email: str, pairs: int = 50) -> str:
    """A conversation with `pairs` questions and answers, written straight to the database."""
    from sqlalchemy import select

    from finucity import db
    from finucity.models import Conversation, Message, User
    from finucity.services.context import Actor, unit_of_work

    async def seed() -> str:
        db.configure(database_url)
        try:
            async with unit_of_work(Actor(channel="cli")) as uow:
                user = await uow.session.scalar(select(User).where(User.email == email))
                conversation = Conversation(user_id=user.id, title="Long-running tax planning thread")
                uow.session.add(conversation)
                await uow.session.flush()
                from datetime import timedelta

                from finucity.models import utcnow

                start = utcnow() - timedelta(days=1)
                for i in range(pairs):
                    uow.session.add(
                        Message(
                            conversation_id=conversation.id,
                            role="user",
                            content=f"Question {i}: how much tax do I save with ₹{(i + 1) * 10_000:,} more in 80C?",
                            created_at=start + timedelta(seconds=2 * i),
                        )
                    )
                    uow.session.add(
                        Message(
                            conversation_id=conversation.id,
                            role="assistant",
                            content=(
                                f"**Answer {i}.** At a 30% slab, an extra investment saves up to 31.2% of it in tax "
                                "(with cess), within the ₹1.5 lakh 80C limit. " * 3
                            ),
                            created_at=start + timedelta(seconds=2 * i + 1),
                        )
                    )
                return str(conversation.id)
        finally:
            await db.dispose()
            db.configure(None)

    return run_async(seed())


def measure_turn(page, counter: FrameCounter, question: str) -> dict:
    page.evaluate(PAGE_PROBE)
    counter.reset()
    box = page.locator("#fc-composer-input")
    box.fill(question)
    sent_at = page.evaluate("performance.now()")
    box.press("Enter")
    page.wait_for_function("() => window.__bench.done !== null", timeout=120_000)
    page.locator("[data-testid=assistant-bubble][data-status=complete]").last.wait_for()
    # Let the final frames (list update, sidebar) arrive before reading counters.
    page.wait_for_timeout(300)
    bench = page.evaluate("window.__bench")
    first_ms = bench["first"] - sent_at
    render_s = (bench["done"] - bench["first"]) / 1000
    return {
        "bytes": counter.bytes,
        "frames": counter.frames,
        "first_token_ms": first_ms,
        "added_ms": first_ms - PROVIDER_FIRST_TOKEN_S * 1000,
        "tokens_per_s": TOKENS / render_s if render_s > 0 else float("inf"),
        "answer_chars": len(page.locator("[data-testid=assistant-bubble]").last.inner_text()),
    }


def report(name: str, r: dict) -> None:
    print(f"\n{name}")
    print(f"  answer                     {r['answer_chars']:>10,} characters ({TOKENS:,} tokens)")
    print(f"  websocket bytes received   {r['bytes']:>10,}")
    print(f"  websocket frames received  {r['frames']:>10,}")
    print(
        f"  Send -> first token        {r['first_token_ms']:>10.0f} ms"
        f"  (provider's own: {PROVIDER_FIRST_TOKEN_S * 1000:.0f} ms)"
    )
    print(f"  added by the app           {r['added_ms']:>10.0f} ms")
    print(f"  tokens rendered per second {r['tokens_per_s']:>10.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--token-delay", type=float, default=0.002, help="seconds between provider tokens")
    parser.add_argument("--dump", type=Path, help="write every websocket frame (size, start) to this file")
    args = parser.parse_args()

    fake = FakeOpenAI().start()
    fake.register("bench", Script(answer_tokens=TOKENS, delay_s=args.token_delay, first_delay_s=PROVIDER_FIRST_TOKEN_S))
    with tempfile.TemporaryDirectory() as tmp, run_live_server(fake, Path(tmp)) as server:
        email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
        httpx.post(
            f"{server.url}/api/auth/signup",
            json={"email": email, "password": PASSWORD, "full_name": "Bench Mark"},
            headers={"Origin": server.url},
        ).raise_for_status()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
            page = browser.new_page(base_url=server.url, viewport={"width": 1280, "height": 800})
            counter = FrameCounter(args.dump)
            page.on("websocket", lambda ws: ws.on("framereceived", counter.on_frame))
            page.goto("/login")
            page.fill("#fc-email", email)
            page.fill("#fc-password", PASSWORD)
            page.click("#fc-submit")
            page.wait_for_selector("#fc-composer-input")

            cold = measure_turn(page, counter, "What changed in the Budget for salaried people? [[fake:bench]]")
            report("First answer after the server started (cold)", cold)

            page.click("[data-testid=new-chat]")
            page.wait_for_selector("[data-testid=suggestion]")
            new = measure_turn(page, counter, "Explain the new tax regime in detail [[fake:bench]]")
            report("New conversation", new)

            conversation = seed_history(server.database_url, email)
            counter.reset()
            page.goto(f"/chat/{conversation}")
            page.locator("[data-testid=assistant-bubble]").nth(49).wait_for()
            page.wait_for_timeout(300)
            history_copy = counter.largest
            long = measure_turn(page, counter, "And how does this change my 80C plan? [[fake:bench]]")
            report("Conversation with 100 earlier messages", long)
            extra = long["bytes"] - new["bytes"]
            print(f"  one copy of the history    {history_copy:>10,} bytes (the frame that loaded it)")
            print(f"  extra over a new chat      {extra:>10,} bytes = {extra / history_copy:.2f} copies of the history")
            browser.close()
    fake.stop()
    return 0


if __name__ == "__main__":
    start = time.monotonic()
    code = main()
    print(f"\n(benchmark took {time.monotonic() - start:.0f} s)")
    sys.exit(code)
