"""Commands the server sends to the browser's stream store (components/client/stream_store.jsx).

Each script pushes a command onto `window.__fc`. Until stream_store.jsx has
loaded (a reload reconnects the socket before a slow phone has fetched the
script), that is a plain array that keeps the commands in order; the store
replays them when it loads and from then on handles each push at once.
Nothing the server sends depends on when the script arrives.
"""

from __future__ import annotations

import json

import reflex as rx


def _command(*args: object) -> rx.event.EventSpec:
    return rx.call_script(f"(window.__fc||=[]).push([{','.join(_js(a) for a in args)}])")


def stream_reset(key: str, text: str = "") -> rx.event.EventSpec:
    """Start showing stream `key` (with its text so far) in this tab."""
    return _command("reset", key, text)


STREAM_KEY_PREFIX = 8


def stream_append(key: str, offset: int, delta: str) -> rx.event.EventSpec:
    """Add `delta`, which starts at `offset`, to stream `key`. Kept tiny: it is sent for every update."""
    return _command("a", key[:STREAM_KEY_PREFIX], int(offset), delta)


def stream_drop(key: str) -> rx.event.EventSpec:
    return _command("drop", key)


def _js(value: object) -> str:
    # JSON is a safe JavaScript literal for any text: quotes, newlines,
    # "</script>", U+2028. Non-ASCII stays as is (₹ is 3 bytes, not 6).
    return json.dumps(value, ensure_ascii=False)
