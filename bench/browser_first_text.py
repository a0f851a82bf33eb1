"""Enter to first text, and websocket bytes, for a new question in Chromium.

Runs the production server (as `make run` does) against the fake OpenAI server,
which answers at once (no time to first token of its own) with a 2,000-token
answer, signs in with Playwright, and for each of N new conversations:

- first text: the timestamp a MutationObserver sees the streaming answer's
  first text, minus the `keydown` event's timestamp of Enter (same clock);
- websocket bytes and frames received from Enter until the answer is final.

Prints each run and the median. Asserts nothing.

    .venv/bin/python bench/browser_first_text.py [--runs 3] [--tokens 2000] [--timeline]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright

from bench.stream_bench import FrameCounter
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.fakes.fake_openai import FakeOpenAI, Script
from tests.support.live_server import run_live_server

PASSWORD = "benchmark passphrase"

# Enter's keydown time (captured before the page's own handlers), the first
# text in the streaming bubble, and the moment the final answer replaced it.
PROBE = """
() => {
  window.__first = {keydown: null, first: null, done: null};
  const b = window.__first;
  window.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && b.keydown === null) b.keydown = e.timeStamp;
  }, {capture: true});
  const check = () => {
    const now = performance.now();
    if (b.first === null) {
      const live = document.querySelector('[data-testid=streaming-bubble] .fc-md');
      if (live && live.textContent.length > 0) b.first = now;
    }
    if (b.first !== null && b.done === null && !document.querySelector('[data-testid=streaming-bubble]')) {
      b.done = now;
    }
  };
  new MutationObserver(check).observe(document.body, {subtree: true, childList: true, characterData: true});
}
"""


# Installed before the page loads: each websocket frame sent or received, stamped on the
# page's clock (the keydown's), with the first characters of its text, for `--timeline`.
FRAME_LOG = """
(() => {
  window.__frames = [];
  const Native = window.WebSocket;
  window.WebSocket = function (...args) {
    const socket = new Native(...args);
    socket.addEventListener('message', (e) => {
      window.__frames.push(['in', performance.now(), String(e.data).slice(0, 120)]);
    });
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, Native);
  const send = Native.prototype.send;
  Native.prototype.send = function (data) {
    window.__frames.push(['out', performance.now(), String(data).slice(0, 120)]);
    return send.call(this, data);
  };
})();
"""


def timeline(page, keydown: float) -> list[str]:
    """The frames from Enter to the first text, as "+ms direction what"."""
    lines = []
    for direction, at, text in page.evaluate("window.__frames"):
        if at < keydown:
            continue
        names = [n for n in ("send", "follow_answer", "_call_script", "hydrate", "on_load") if n in text]
        lines.append(f"+{at - keydown:6.1f} ms {direction:>3} {len(text):>4}+ {','.join(names) or text[:60]}")
        if "_call_script" in text:
            break  # the first stream command: the text is on its way to the screen
    return lines


def one_question(page, counter: FrameCounter, question: str, *, show_timeline: bool = False) -> dict:
    page.click("[data-testid=new-chat]")
    page.wait_for_selector("[data-testid=suggestion]")
    page.wait_for_timeout(300)  # the new chat's frames are not this question's
    page.evaluate(PROBE)
    page.evaluate("window.__frames = []")
    box = page.locator("#fc-composer-input")
    box.fill(question)
    counter.reset()
    box.press("Enter")
    page.wait_for_function("() => window.__first.done !== null", timeout=120_000)
    page.locator("[data-testid=assistant-bubble][data-status=complete]").last.wait_for()
    page.wait_for_timeout(500)  # the last frames (list, sidebar)
    probe = page.evaluate("window.__first")
    if show_timeline:
        print(
            "\n".join(timeline(page, probe["keydown"])) + f"\n+{probe['first'] - probe['keydown']:6.1f} ms first text"
        )
    return {
        "first_ms": probe["first"] - probe["keydown"],
        "stream_s": (probe["done"] - probe["first"]) / 1000,
        "bytes": counter.bytes,
        "frames": counter.frames,
        "chars": len(page.locator("[data-testid=assistant-bubble]").last.inner_text()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--token-delay", type=float, default=0.002, help="seconds between provider tokens")
    parser.add_argument(
        "--no-prerender",
        action="store_true",
        help="REFLEX_SSR=false: skip prerendering the pages (its 10 s timeout fails on an overloaded machine)",
    )
    parser.add_argument("--dump", type=Path, help="write every websocket frame (size, start) to this file")
    parser.add_argument("--timeline", action="store_true", help="print each run's frames from Enter to the first text")
    args = parser.parse_args()

    fake = FakeOpenAI().start()
    fake.register("bench", Script(answer_tokens=args.tokens, delay_s=args.token_delay))
    with (
        tempfile.TemporaryDirectory() as tmp,
        run_live_server(fake, Path(tmp), **({"REFLEX_SSR": "false"} if args.no_prerender else {})) as server,
    ):
        email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
        httpx.post(
            f"{server.url}/api/auth/signup",
            json={"email": email, "password": PASSWORD, "full_name": "Bench Mark"},
            headers={"Origin": server.url},
            timeout=30,
        ).raise_for_status()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
            page = browser.new_page(base_url=server.url, viewport={"width": 1280, "height": 800})
            counter = FrameCounter(args.dump)
            page.on("websocket", lambda ws: ws.on("framereceived", counter.on_frame))
            page.add_init_script(FRAME_LOG)
            page.goto("/login")
            page.fill("#fc-email", email)
            page.fill("#fc-password", PASSWORD)
            page.click("#fc-submit")
            page.wait_for_selector("#fc-composer-input")
            # One answer first, not measured: the first after start-up pays for imports.
            one_question(page, counter, "Warm up [[fake:bench]]")
            runs = []
            for i in range(args.runs):
                r = one_question(
                    page, counter, f"Question {i}: how is HRA exempted? [[fake:bench]]", show_timeline=args.timeline
                )
                runs.append(r)
                print(
                    f"run {i + 1}: Enter -> first text {r['first_ms']:6.1f} ms, websocket {r['bytes']:>7,} bytes "
                    f"in {r['frames']} frames, answer {r['chars']:,} characters streamed in {r['stream_s']:.2f} s",
                    flush=True,
                )
            browser.close()
    fake.stop()
    first = statistics.median(r["first_ms"] for r in runs)
    size = statistics.median(r["bytes"] for r in runs)
    print(f"\nmedian of {len(runs)}: Enter -> first text {first:.1f} ms (target < 60), websocket {size:,.0f} bytes")
    print(f"for a {args.tokens:,}-token answer (target < 40,960)")
    return 0


if __name__ == "__main__":
    start = time.monotonic()
    code = main()
    print(f"(benchmark took {time.monotonic() - start:.0f} s)")
    sys.exit(code)
