"""A client that speaks Reflex's websocket protocol directly, as a probe would.

Browsers send events through Reflex's JavaScript; an attacker need not. This
client connects to `/_event` with any tab token and any cookie (or none),
sends any event by name with any payload, and records every frame the server
sends back, so a test can check what left the server.

Reflex's socket is Socket.IO (Engine.IO 4) over a plain websocket, in the
namespace "/_event": "0{..}" opens, "40/_event," joins the namespace,
"42/_event,[name, data]" carries an event, "2"/"3" are ping/pong. That is all
a probe needs, so it is spoken here directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable

from websockets.asyncio.client import ClientConnection, connect

NAMESPACE = "/_event"
EVENT_PREFIX = f"42{NAMESPACE},"


def root_event(name: str) -> str:
    """The full name of an event handler on Reflex's root state (hydrate, ...)."""
    import reflex as rx

    return f"{rx.State.get_full_name()}.{name}"


def state_event(state_class: type, name: str) -> str:
    return f"{state_class.get_full_name()}.{name}"


class RawTab:
    def __init__(self, base_url: str, token: str, cookie: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.cookie = cookie
        #: The data of every "event" the server sent, as JSON text.
        self.frames: list[str] = []
        self._changed = asyncio.Event()
        self._joined = asyncio.Event()
        self._socket: ClientConnection | None = None
        self._reader: asyncio.Task | None = None

    async def __aenter__(self) -> RawTab:
        url = self.base_url.replace("http", "ws", 1) + f"/_event/?EIO=4&transport=websocket&token={self.token}"
        headers = {"Origin": self.base_url}
        if self.cookie:
            headers["Cookie"] = self.cookie
        self._socket = await connect(url, additional_headers=headers, open_timeout=10, max_size=None)
        opened = await asyncio.wait_for(self._socket.recv(), 10)
        assert str(opened).startswith("0"), opened
        self._reader = asyncio.create_task(self._read())
        await self._socket.send(f"40{NAMESPACE},")
        # Updates left for this token can come before the join is confirmed.
        await asyncio.wait_for(self._joined.wait(), 10)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._reader:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._socket:
            await self._socket.close()

    async def _read(self) -> None:
        assert self._socket is not None
        async for packet in self._socket:
            packet = str(packet)
            if packet == "2":
                await self._socket.send("3")
            elif packet.startswith(f"40{NAMESPACE},"):
                self._joined.set()
            elif packet.startswith(EVENT_PREFIX):
                name, *data = json.loads(packet[len(EVENT_PREFIX) :])
                if name == "event" and data:
                    self.frames.append(json.dumps(data[0], ensure_ascii=False))
                    self._changed.set()

    async def send(self, name: str, payload: dict | None = None, *, path: str = "/chat") -> None:
        event = {"name": name, "payload": payload or {}, "router_data": {"pathname": path, "asPath": path}}
        assert self._socket is not None
        # ensure_ascii: a lone surrogate travels as "\\ud800", as a browser's JSON would send it.
        await self._socket.send(EVENT_PREFIX + json.dumps(["event", event]))

    async def wait_for(self, predicate: Callable[[str], bool], *, timeout: float = 15.0, what: str = "a frame") -> str:
        """The first frame (already received or still to come) that `predicate` accepts."""
        seen = 0
        try:
            async with asyncio.timeout(timeout):
                while True:
                    for frame in self.frames[seen:]:
                        if predicate(frame):
                            return frame
                    seen = len(self.frames)
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}") from None
