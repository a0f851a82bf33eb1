"""A fake OpenAI-compatible Chat Completions server for tests and benchmarks.

It is a real HTTP/1.1 server on 127.0.0.1 (OS-assigned port) running its own
asyncio loop in a background thread, so it serves the test process and a
separate app process alike (point AI_BASE_URL at `fake.base_url`).

Why a hand-written HTTP server instead of uvicorn/starlette: the behaviours
under test live at the transport level and need exact control:

* a mid-stream disconnect must be a real connection close in the middle of a
  chunked body (no terminating chunk, no ``[DONE]``), which is what a crashed
  upstream or proxy looks like to the client;
* a client going away must be noticed at once, even while the server is idle
  between chunks, so `closed_early` can prove that closing a stream really
  ends the upstream request. The server keeps a read pending on the socket
  while it responds; EOF there means the client left. An ASGI server only
  reports this on its own schedule.

Behaviour per request comes from a `Script`: the next queued one
(`enqueue`), or one named in the last user message with ``[[fake:NAME]]``
(`register`), else the default (`set_default`, initially ``Script()``).

Example::

    with FakeOpenAI() as fake:
        fake.enqueue(Script(chunks=["Hel", "lo"], delay_s=0.01))
        ...  # call fake.base_url with any OpenAI client
        fake.wait_for_requests(1)
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import http
import itertools
import json
import logging
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

__all__ = [
    "MARKER_RE",
    "FakeOpenAI",
    "Script",
    "default_answer",
    "long_markdown_answer",
]

log = logging.getLogger(__name__)

#: ``[[fake:NAME]]`` in the last user message selects the registered script NAME.
MARKER_RE = re.compile(r"\[\[fake:([A-Za-z0-9_.\-]+)\]\]")

FAKE_MODELS = ("openai/gpt-4o-mini", "gpt-4o-mini", "fake-model")

# Request heads and bodies larger than this are refused; a test never needs more.
_MAX_HEAD_BYTES = 64 * 1024
_MAX_BODY_BYTES = 16 * 1024 * 1024
_READ_SIZE = 64 * 1024


@dataclass
class Script:
    """How the fake answers one chat completion request."""

    #: Pieces of the answer; None = `default_answer` of the question.
    chunks: list[str] | None = None
    #: Sleep between chunks.
    delay_s: float = 0.0
    #: Sleep before the first chunk (time to first token); the response head
    #: is already sent. For non-200 statuses and non-stream requests: sleep
    #: before the whole response.
    first_delay_s: float = 0.0
    #: Non-200: an OpenAI-style JSON error body with this status, no stream.
    status: int = 200
    #: After this many chunks, send an SSE ``data: {"error": ...}`` event (the
    #: SDK raises `openai.APIError`) and end the body without ``[DONE]``.
    #: Counts past the last chunk act after all content, before the stop chunk.
    error_after: int | None = None
    #: After this many chunks, close the socket mid-body (no ``[DONE]``, no
    #: terminating HTTP chunk). The chunks before it are flushed first; the
    #: role chunk always goes out. Counts past the last chunk: as above.
    #: Not counted in `closed_early` (the server hung up, not the client).
    disconnect_after: int | None = None
    #: The stream finishes normally but with no content at all.
    empty: bool = False
    #: (prompt, completion) tokens in a final usage chunk, sent when the client
    #: asked for ``stream_options.include_usage``. None: no usage chunk.
    usage: tuple[int, int] | None = (12, 34)
    #: Extension: a `threading.Event` the stream waits on (set it from any
    #: thread) before sending chunk number `gate_after`. Lets a test hold a
    #: stream open at a known point without sleeping. A client leaving while
    #: held is still noticed at once. (It replaces an asyncio.Event `hold`: an
    #: asyncio.Event belongs to one loop, and the server runs its own loop in
    #: another thread.) Counts past the last chunk: before the stop chunk.
    gate: threading.Event | None = None
    gate_after: int = 0
    #: Extension: sleep before anything is sent, even the status line. The
    #: SDK's ``create()`` waits for the head, so this is what a timeout before
    #: streaming looks like (the SDK retries those; mid-stream ones it does not).
    head_delay_s: float = 0.0
    #: Extension: chunk count of the default answer when `chunks` is None.
    answer_tokens: int = 40
    #: Extension: ``retry-after-ms`` header on error statuses. The openai SDK
    #: honours it instead of its ~0.5 s exponential backoff, keeping retried
    #: 429/5xx tests fast. None: no header (the SDK's own backoff applies).
    retry_after_ms: int | None = 10
    #: Extension: ``retry-after`` header (seconds) on error statuses, as most
    #: services send it. With `retry_after_ms` None it is the only hint.
    retry_after_s: float | None = None
    #: Extension: after this many chunks, send an event whose data is not
    #: JSON (a broken proxy, a truncated write), then end the body.
    malformed_after: int | None = None
    #: Extension: tool calls, as (function name, arguments) with the arguments
    #: a dict (sent as JSON) or a string (sent as it is, to test bad JSON).
    #: A request with no `tool` message after its last user message gets them
    #: streamed as `delta.tool_calls` in small pieces (finish_reason
    #: "tool_calls"); the follow-up request, carrying the tool results, gets
    #: the answer (`after_tool`, else `chunks`).
    tool_calls: list[tuple[str, dict[str, Any] | str]] | None = None
    #: Extension: send `tool_calls` on every request, results or not (a model
    #: that never stops calling).
    repeat_tool_calls: bool = False
    #: Extension: the answer to the follow-up request, from the contents of
    #: its tool messages (what the app's calculators returned).
    after_tool: Callable[[list[str]], list[str]] | None = None
    #: Extension: a model without function calling: a request offering
    #: `tools` is refused with 400, as Ollama and vLLM do; one without is answered.
    reject_tools: bool = False


# --------------------------------------------------------------------------
# Deterministic answers
# --------------------------------------------------------------------------

# Short, common words: 2,000 tokens of filler come to about 11 KB, which is
# the size of a long real answer.
# fmt: off
_FILLER_WORDS = (
    "the", "annual", "tax", "rate", "on", "your", "taxable", "income", "is", "a",
    "share", "of", "gross", "salary", "and", "every", "loan", "has", "its", "own",
)
# fmt: on


def _snippet(question: str, limit: int = 60) -> str:
    text = " ".join(MARKER_RE.sub(" ", question).split())
    if len(text) > limit:
        text = text[: limit - 3].rstrip() + "..."
    return text or "nothing in particular"


def default_answer(question: str, tokens: int = 40) -> list[str]:
    """`tokens` chunks derived from the question, the same for the same input.

    The first chunk quotes the question, so a test can tell which question an
    answer belongs to; the filler is numbered every tenth chunk and broken into
    paragraphs, so a benchmark can check the end arrived and the UI renders
    something paragraph-shaped.
    """
    if tokens < 1:
        raise ValueError("tokens must be at least 1")
    chunks = [f'You asked about "{_snippet(question)}".']
    for i in range(1, tokens):
        if i % 100 == 0:
            chunks.append(f"\n\n(Point {i})")
        elif i % 10 == 0:
            chunks.append(f" (point {i}).")
        else:
            chunks.append(" " + _FILLER_WORDS[i % len(_FILLER_WORDS)])
    return chunks


_LONG_MARKDOWN = """\
## Paying off a loan early versus investing the difference

Short answer: **it depends on the after-tax interest rate of the loan compared \
with the return you can reasonably expect**, adjusted for risk. Here is how to \
think about it.

### 1. Compare like with like

| Option | Typical rate | Risk | Tax effect |
|---|---:|---|---|
| Prepay a home loan | 8.5% | None (guaranteed saving) | Lose part of the interest deduction |
| Fixed deposit | 7.0% | Very low | Interest taxed at your slab rate |
| Index fund (long term) | 10-12% | Market risk | Gains taxed at a lower rate after one year |
| Credit card balance | 36-42% | None | No deduction |

A guaranteed 8.5% saving beats an *expected* 10% return more often than people \
think, because the expected return comes with years where it is negative.

### 2. A simple order of priorities

1. Keep an emergency fund of **3-6 months of expenses** in a liquid account.
2. Clear high-interest debt first (credit cards, personal loans).
3. Capture any employer matching on retirement contributions.
4. Then split extra cash between prepayment and investing, for example:
   - 50/50 if the loan rate is close to your expected return;
   - mostly prepayment if you are within 10 years of retirement;
   - mostly investing if the loan is cheap and your horizon is long.

### 3. Check the numbers yourself

```python
def months_to_repay(principal: float, annual_rate: float, payment: float) -> int:
    \"\"\"Months until a loan is repaid with a fixed monthly payment.\"\"\"
    monthly = annual_rate / 12
    months = 0
    while principal > 0:
        principal = principal * (1 + monthly) - payment
        months += 1
        if months > 600:
            raise ValueError("payment too small: the loan never ends")
    return months


print(months_to_repay(2_500_000, 0.085, 25_000))  # regular EMI
print(months_to_repay(2_500_000, 0.085, 30_000))  # with 5,000 extra a month
```

Paying 5,000 more each month shortens a typical 20-year loan by several years \
and saves a large part of the total interest.

> **Note:** this is general information, not personalised advice. For a \
decision about a large loan, talk to a registered financial adviser.
"""


def _split_like_tokens(text: str) -> list[str]:
    """Word-sized pieces with their leading whitespace, like a model streams.

    Joining the pieces gives back exactly `text`.
    """
    pieces = re.findall(r"\s*\S+", text)
    tail = text[len("".join(pieces)) :]
    if tail:
        pieces.append(tail)
    return pieces


def long_markdown_answer() -> list[str]:
    """Chunks of a realistic long finance answer: headings, a GFM table, nested
    lists, bold/italic, a blockquote and a fenced python code block."""
    return _split_like_tokens(_LONG_MARKDOWN)


# --------------------------------------------------------------------------
# OpenAI-shaped payloads
# --------------------------------------------------------------------------


def _error_payload(status: int, *, model: str, api_key: str) -> dict[str, Any]:
    """What api.openai.com sends for an error status.

    The 401 message echoes the key the client sent and several messages carry
    URLs, as the real service does: a test can then check that none of it
    reaches the user.
    """
    if status == 401:
        err = {
            "message": f"Incorrect API key provided: {api_key}. You can find your API key at "
            "https://platform.openai.com/account/api-keys.",
            "type": "invalid_request_error",
            "code": "invalid_api_key",
        }
    elif status == 403:
        err = {
            "message": "You are not allowed to sample from this model",
            "type": "invalid_request_error",
            "code": None,
        }
    elif status == 404:
        err = {
            "message": f"The model `{model}` does not exist or you do not have access to it.",
            "type": "invalid_request_error",
            "code": "model_not_found",
        }
    elif status == 429:
        err = {
            "message": f"Rate limit reached for {model} on requests per min (RPM): Limit 3, Used 3, Requested 1. "
            "Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.",
            "type": "requests",
            "code": "rate_limit_exceeded",
        }
    elif 400 <= status < 500:
        err = {"message": "Invalid request (fake).", "type": "invalid_request_error", "code": None}
    else:
        err = {
            "message": "The server had an error while processing your request. Sorry about that!",
            "type": "server_error",
            "code": None,
        }
    err.setdefault("param", None)
    return {"error": err}


def _usage(prompt: int, completion: int) -> dict[str, int]:
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _message_text(message: dict[str, Any]) -> str:
    """Text of a message whose content is a string or a list of parts."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part.get("text", "") for part in content if isinstance(part, dict) and part.get("type") == "text"
        )
    return ""


def tool_results(body: dict[str, Any]) -> list[str]:
    """Contents of the `tool` messages after the last user message: the results the
    client sent back for this turn's tool calls."""
    messages = body.get("messages")
    if not isinstance(messages, list):
        return []
    results: list[str] = []
    for message in reversed(messages):
        if not isinstance(message, dict) or message.get("role") == "user":
            break
        if message.get("role") == "tool":
            results.insert(0, _message_text(message))
    return results


def _last_user_text(body: dict[str, Any]) -> str:
    messages = body.get("messages")
    if not isinstance(messages, list):
        return ""
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            return _message_text(message)
    return ""


class _Disconnected(Exception):
    """The client went away while we were still answering."""


class _HungUp(Exception):
    """The script made the server cut the connection (not the client leaving)."""


class _BadRequest(Exception):
    """A request that is not HTTP we understand; answered with 400 and closed."""


def _head_bytes(status: int, headers: list[tuple[str, str]], *, keep_alive: bool) -> bytes:
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{name}: {value}" for name, value in headers)]
    lines.append(f"date: {time.strftime('%a, %d %b %Y %H:%M:%S GMT', time.gmtime())}")
    lines.append("server: fake-openai")
    lines.append(f"connection: {'keep-alive' if keep_alive else 'close'}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _error_body(message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}}


@dataclass
class _Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    keep_alive: bool


# --------------------------------------------------------------------------
# One client connection
# --------------------------------------------------------------------------


class _Connection:
    """Reads requests off a socket and writes responses, noticing a client leaving.

    While a response is being written a read stays pending on the socket (the
    "watch"). HTTP/1.1 clients send nothing while awaiting a response, so that
    read finishing with EOF means the client closed the connection; bytes that
    do arrive (pipelining) are kept for the next request.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader = reader
        self.writer = writer
        self.buf = bytearray()
        self._watch: asyncio.Future[bytes] | None = None

    # -- reading requests ---------------------------------------------------
    async def _fill(self) -> bool:
        data = await self.reader.read(_READ_SIZE)
        if not data:
            return False
        self.buf += data
        return True

    async def _read_until(self, sep: bytes, limit: int) -> bytes | None:
        """Bytes up to `sep` (consumed, not returned); None at EOF with nothing buffered."""
        while True:
            index = self.buf.find(sep)
            if index >= 0:
                data = bytes(self.buf[:index])
                del self.buf[: index + len(sep)]
                return data
            if len(self.buf) > limit:
                raise _BadRequest("line or head too long")
            if not await self._fill():
                if self.buf:
                    raise _BadRequest("connection closed mid-request")
                return None

    async def _read_exactly(self, n: int) -> bytes:
        while len(self.buf) < n:
            if not await self._fill():
                raise _BadRequest("connection closed mid-body")
        data = bytes(self.buf[:n])
        del self.buf[:n]
        return data

    async def read_request(self) -> _Request | None:
        """The next request, or None when the client closed the connection between requests."""
        head = await self._read_until(b"\r\n\r\n", _MAX_HEAD_BYTES)
        if head is None:
            return None
        lines = head.decode("latin-1").split("\r\n")
        try:
            method, target, version = lines[0].split(" ", 2)
        except ValueError:
            raise _BadRequest("bad request line") from None
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep:
                raise _BadRequest("bad header line")
            headers[name.strip().lower()] = value.strip()

        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = await self._read_chunked_body()
        else:
            try:
                length = int(headers.get("content-length", "0"))
            except ValueError:
                raise _BadRequest("bad content-length") from None
            if not 0 <= length <= _MAX_BODY_BYTES:
                raise _BadRequest("body too large")
            body = await self._read_exactly(length)

        connection = headers.get("connection", "").lower()
        keep_alive = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
        return _Request(method.upper(), target.split("?", 1)[0], headers, body, keep_alive)

    async def _read_chunked_body(self) -> bytes:
        body = bytearray()
        while True:
            size_line = await self._read_until(b"\r\n", 1024)
            if size_line is None:
                raise _BadRequest("connection closed mid-body")
            try:
                size = int(size_line.split(b";", 1)[0], 16)
            except ValueError:
                raise _BadRequest("bad chunk size") from None
            if size == 0:
                # Trailers, if any, end with an empty line.
                while await self._read_until(b"\r\n", _MAX_HEAD_BYTES):
                    pass
                return bytes(body)
            body += await self._read_exactly(size)
            await self._read_exactly(2)  # the CRLF after each chunk
            if len(body) > _MAX_BODY_BYTES:
                raise _BadRequest("body too large")

    # -- noticing the client leaving ------------------------------------------
    def watch(self) -> None:
        """Start noticing a client that leaves while we answer."""
        if self._watch is None:
            self._watch = asyncio.ensure_future(self.reader.read(_READ_SIZE))

    async def unwatch(self) -> None:
        """Stop the pending read, keeping any bytes it got for the next request."""
        watch, self._watch = self._watch, None
        if watch is None:
            return
        if not watch.done():
            # Cancelling StreamReader.read loses no data: bytes stay buffered.
            watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watch
            return
        if not watch.cancelled() and watch.exception() is None:
            self.buf += watch.result()

    def client_gone(self) -> bool:
        if self.writer.transport.is_closing():
            return True
        watch = self._watch
        if watch is None or not watch.done():
            return False
        if watch.cancelled() or watch.exception() is not None:
            return True
        data = watch.result()
        if not data:
            return True
        # Pipelined bytes, not a disconnect: keep them and keep watching.
        self.buf += data
        self._watch = None
        self.watch()
        return False

    async def pause(self, seconds: float) -> None:
        """Sleep, but raise `_Disconnected` as soon as the client leaves.

        Always yields to the loop at least once, so concurrent streams with no
        delay interleave chunk by chunk instead of one hogging the loop.
        """
        if self.client_gone():
            raise _Disconnected
        if seconds <= 0:
            await asyncio.sleep(0)
            if self.client_gone():
                raise _Disconnected
            return
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            assert self._watch is not None
            done, _ = await asyncio.wait({self._watch}, timeout=remaining)
            if done and self.client_gone():
                raise _Disconnected

    async def wait_gate(self, gate: threading.Event) -> None:
        """Wait for a threading.Event set from another thread, noticing the client leaving.

        A threading.Event has no awaitable side, and blocking an executor thread
        on it would leave that thread stuck when the client leaves or the
        server stops, so poll it briefly while watching the socket.
        """
        while not gate.is_set():
            await self.pause(0.005)

    # -- writing responses ----------------------------------------------------
    async def send(self, data: bytes) -> None:
        if self.client_gone():
            raise _Disconnected
        try:
            self.writer.write(data)
            # The write buffer limit is 0, so this waits until the kernel has
            # the bytes: every chunk leaves when it is written, and a
            # disconnect right after knows the earlier chunks went out.
            await self.writer.drain()
        except (ConnectionError, OSError) as exc:
            raise _Disconnected from exc

    async def send_head(self, status: int, headers: list[tuple[str, str]], *, keep_alive: bool) -> None:
        await self.send(_head_bytes(status, headers, keep_alive=keep_alive))

    async def send_json(
        self, status: int, payload: Any, *, keep_alive: bool, headers: list[tuple[str, str]] | None = None
    ) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        head = [("content-type", "application/json"), ("content-length", str(len(body))), *(headers or [])]
        # Head and body in one write: one segment on the wire, like a real server.
        await self.send(_head_bytes(status, head, keep_alive=keep_alive) + body)

    async def send_chunk(self, data: bytes, *, last: bool = False) -> None:
        """One HTTP chunk; with `last`, the terminating chunk in the same write.

        Together, so a client that hangs up as soon as it has the final event
        cannot slip in before the terminator and count as leaving early.
        """
        frame = f"{len(data):x}\r\n".encode() + data + b"\r\n"
        await self.send(frame + b"0\r\n\r\n" if last else frame)

    def abort(self) -> None:
        """Close the socket now. Anything already drained has reached the kernel.

        A plain close (FIN), not an RST: on Linux an RST makes the peer drop
        bytes it has received but not yet read, which would make "the first
        chunks arrive, then the connection breaks" racy.
        """
        self.writer.transport.abort()


# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------


class FakeOpenAI:
    """A fake OpenAI Chat Completions server in a background thread.

    All public methods are thread-safe and may be called from any thread
    except the server's own.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self._host = host
        # 0 until started; after a stop the port is kept, so a restart binds
        # the same one and a base_url handed to another process stays valid.
        self._port = port
        self._cond = threading.Condition()
        # Guarded by _cond: ------------------------------------------------
        self._queue: collections.deque[Script] = collections.deque()
        self._default = Script()
        self._registered: dict[str, Script] = {}
        self._requests: list[dict[str, Any]] = []
        self._closed_early = 0
        self._completed = 0
        # Bumped by reset(): a stream from before a reset that ends after it
        # must not count towards the next test's counters.
        self._epoch = 0
        # ------------------------------------------------------------------
        self._ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    # -- lifecycle ------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._thread is None:
            raise RuntimeError("FakeOpenAI is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """The OpenAI base URL, e.g. ``http://127.0.0.1:PORT/v1``."""
        return f"http://{self._host}:{self.port}/v1"

    def start(self) -> Self:
        if self._thread is not None:
            raise RuntimeError("FakeOpenAI is already started")
        ready = threading.Event()
        failure: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, args=(ready, failure), name="fake-openai", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            self._thread = None
            raise RuntimeError("FakeOpenAI failed to start") from failure[0]
        return self

    def _run(self, ready: threading.Event, failure: list[BaseException]) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            try:
                self._server = loop.run_until_complete(
                    asyncio.start_server(self._serve_connection, self._host, self._port)
                )
                self._port = self._server.sockets[0].getsockname()[1]
            except BaseException as exc:  # noqa: BLE001 - handed to start(), which raises it
                failure.append(exc)
                return
            finally:
                ready.set()
            loop.run_forever()
        finally:
            loop.close()
            self._loop = None

    def stop(self) -> None:
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=10)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            self._thread = None

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- scripting ---------------------------------------------------------------
    def enqueue(self, *scripts: Script) -> None:
        """Scripts for the next chat requests, in order (marker requests skip the queue)."""
        with self._cond:
            self._queue.extend(scripts)

    def set_default(self, script: Script) -> None:
        """The script used when the queue is empty and no marker names one."""
        with self._cond:
            self._default = script

    def register(self, name: str, script: Script) -> None:
        """Let a request choose `script` with ``[[fake:NAME]]`` in its last user message."""
        if not MARKER_RE.fullmatch(f"[[fake:{name}]]"):
            raise ValueError(f"script name {name!r} must match [A-Za-z0-9_.-]+")
        with self._cond:
            self._registered[name] = script

    def reset(self, *, registered: bool = False) -> None:
        """Clear the queue, requests, counters and default script.

        Registered marker scripts survive (a separate app process may rely on
        them for the whole session) unless `registered` is true.
        """
        with self._cond:
            self._queue.clear()
            self._default = Script()
            self._requests.clear()
            self._closed_early = 0
            self._completed = 0
            self._epoch += 1
            if registered:
                self._registered.clear()
            self._cond.notify_all()

    # -- observing ----------------------------------------------------------------
    @property
    def requests(self) -> list[dict[str, Any]]:
        """A snapshot of the JSON bodies of the chat requests received, oldest first."""
        with self._cond:
            return list(self._requests)

    @property
    def closed_early(self) -> int:
        """Responses whose client went away before the server finished sending."""
        with self._cond:
            return self._closed_early

    @property
    def completed(self) -> int:
        """Chat responses (streams, JSON answers, error bodies) sent in full."""
        with self._cond:
            return self._completed

    def _wait(self, what: str, predicate: Callable[[], bool], timeout: float) -> None:
        with self._cond:
            if not self._cond.wait_for(predicate, timeout=timeout):
                raise TimeoutError(
                    f"FakeOpenAI: timed out after {timeout}s waiting for {what} "
                    f"(requests={len(self._requests)}, closed_early={self._closed_early}, "
                    f"completed={self._completed})"
                )

    def wait_for_requests(self, n: int, timeout: float = 10) -> None:
        self._wait(f"{n} request(s)", lambda: len(self._requests) >= n, timeout)

    def wait_closed_early(self, n: int = 1, timeout: float = 10) -> None:
        self._wait(f"{n} early close(s)", lambda: self._closed_early >= n, timeout)

    def wait_completed(self, n: int = 1, timeout: float = 10) -> None:
        self._wait(f"{n} completed response(s)", lambda: self._completed >= n, timeout)

    def _count(self, epoch: int, *, early: bool) -> None:
        with self._cond:
            if epoch != self._epoch:
                return
            if early:
                self._closed_early += 1
            else:
                self._completed += 1
            self._cond.notify_all()

    def _record(self, body: dict[str, Any]) -> tuple[int, Script | str]:
        """Store the request; return the epoch and its script (or an error text)."""
        with self._cond:
            self._requests.append(body)
            self._cond.notify_all()
            epoch = self._epoch
            match = MARKER_RE.search(_last_user_text(body))
            if match:
                script = self._registered.get(match.group(1))
                if script is None:
                    return epoch, f"FakeOpenAI: no script registered as {match.group(1)!r}"
                return epoch, script
            if self._queue:
                return epoch, self._queue.popleft()
            return epoch, self._default

    # -- HTTP ------------------------------------------------------------------------
    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        sock = writer.get_extra_info("socket")
        if sock is not None:
            # Small SSE chunks must leave at once, not wait for Nagle.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        writer.transport.set_write_buffer_limits(high=0)
        conn = _Connection(reader, writer)
        try:
            while True:
                request = await conn.read_request()
                if request is None:
                    break
                conn.watch()
                keep_alive = await self._dispatch(conn, request)
                await conn.unwatch()
                if not keep_alive:
                    break
        except _Disconnected:
            pass
        except _BadRequest as exc:
            with contextlib.suppress(_Disconnected):
                await conn.send_json(400, _error_body(f"FakeOpenAI: {exc}"), keep_alive=False)
        except (_HungUp, ConnectionError, OSError):
            pass
        except asyncio.CancelledError:
            pass  # the server is stopping
        except Exception:
            log.exception("FakeOpenAI: request handler failed")
        finally:
            await conn.unwatch()
            conn.abort()
            self._handlers.discard(task)

    async def _dispatch(self, conn: _Connection, request: _Request) -> bool:
        """Answer one request; return whether the connection stays open."""
        path = request.path.rstrip("/")
        if path in ("/v1/chat/completions", "/chat/completions"):
            if request.method != "POST":
                await conn.send_json(405, _error_body("Method not allowed."), keep_alive=request.keep_alive)
                return request.keep_alive
            return await self._chat(conn, request)
        if path in ("/v1/models", "/models") and request.method == "GET":
            now = int(time.time())
            models = [{"id": m, "object": "model", "created": now, "owned_by": "fake-openai"} for m in FAKE_MODELS]
            await conn.send_json(200, {"object": "list", "data": models}, keep_alive=request.keep_alive)
            return request.keep_alive
        await conn.send_json(404, _error_body(f"Unknown path {request.path}."), keep_alive=request.keep_alive)
        return request.keep_alive

    async def _chat(self, conn: _Connection, request: _Request) -> bool:
        keep_alive = request.keep_alive
        try:
            body = json.loads(request.body)
            if not isinstance(body, dict):
                raise TypeError("body is not an object")
        except (ValueError, TypeError):
            message = "We could not parse the JSON body of your request."
            await conn.send_json(400, _error_body(message), keep_alive=keep_alive)
            return keep_alive

        epoch, script = self._record(body)
        if isinstance(script, str):
            await conn.send_json(400, _error_body(script), keep_alive=keep_alive)
            return keep_alive

        try:
            await conn.pause(script.head_delay_s)
            if script.reject_tools and body.get("tools"):
                message = f"{body.get('model', 'This model')} does not support tools"
                await conn.send_json(400, _error_body(message), keep_alive=keep_alive)
            elif script.status != 200:
                await self._send_error_status(conn, request, body, script)
            elif body.get("stream"):
                await self._send_stream(conn, body, script, keep_alive=keep_alive)
            else:
                await self._send_completion(conn, body, script, keep_alive=keep_alive)
        except _Disconnected:
            self._count(epoch, early=True)
            raise
        self._count(epoch, early=False)
        return keep_alive

    async def _send_error_status(
        self, conn: _Connection, request: _Request, body: dict[str, Any], script: Script
    ) -> None:
        await conn.pause(script.first_delay_s)
        auth = request.headers.get("authorization", "")
        api_key = auth[7:] if auth.lower().startswith("bearer ") else auth
        headers = [("x-request-id", f"req_{uuid.uuid4().hex}")]
        if script.retry_after_ms is not None:
            headers.append(("retry-after-ms", str(script.retry_after_ms)))
        if script.retry_after_s is not None:
            headers.append(("retry-after", f"{script.retry_after_s:g}"))
        payload = _error_payload(script.status, model=str(body.get("model", "")), api_key=api_key)
        await conn.send_json(script.status, payload, keep_alive=request.keep_alive, headers=headers)

    def _answer_chunks(self, body: dict[str, Any], script: Script) -> list[str]:
        if script.empty:
            return []
        if script.after_tool is not None and (results := tool_results(body)):
            return list(script.after_tool(results))
        if script.chunks is not None:
            return list(script.chunks)
        return default_answer(_last_user_text(body), script.answer_tokens)

    async def _send_completion(
        self, conn: _Connection, body: dict[str, Any], script: Script, *, keep_alive: bool
    ) -> None:
        """A non-stream answer: the whole chat.completion as JSON."""
        await conn.pause(script.first_delay_s)
        if script.disconnect_after is not None:
            conn.abort()
            raise _HungUp
        if script.error_after is not None:
            await conn.send_json(500, _error_payload(500, model="", api_key=""), keep_alive=keep_alive)
            return
        if script.gate is not None:
            await conn.wait_gate(script.gate)
        content = "".join(self._answer_chunks(body, script))
        payload: dict[str, Any] = {
            "id": f"chatcmpl-fake{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "fake-model"),
            "system_fingerprint": "fp_fake",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": None},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
        }
        if script.usage is not None:
            prompt, completion = script.usage
            payload["usage"] = _usage(prompt, completion)
        await conn.send_json(200, payload, keep_alive=keep_alive)

    async def _send_stream(self, conn: _Connection, body: dict[str, Any], script: Script, *, keep_alive: bool) -> None:
        chunks = self._answer_chunks(body, script)
        stream_options = body.get("stream_options")
        include_usage = isinstance(stream_options, dict) and stream_options.get("include_usage") is True
        completion_id = f"chatcmpl-fake{next(self._ids)}"
        created = int(time.time())
        model = body.get("model", "fake-model")

        def event(choices: list[dict[str, Any]], usage: dict[str, int] | None = None) -> bytes:
            obj: dict[str, Any] = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_fake",
                "choices": choices,
            }
            if include_usage:
                # With include_usage the real API sends "usage": null on every
                # chunk but the last.
                obj["usage"] = usage
            return b"data: " + json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode() + b"\n\n"

        def choice(delta: dict[str, Any], finish_reason: str | None = None) -> list[dict[str, Any]]:
            return [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}]

        await conn.send_head(
            200,
            [
                ("content-type", "text/event-stream; charset=utf-8"),
                ("cache-control", "no-cache"),
                ("transfer-encoding", "chunked"),
                ("x-request-id", f"req_{uuid.uuid4().hex}"),
            ],
            keep_alive=keep_alive,
        )
        await conn.pause(script.first_delay_s)
        # The real API opens with the role and an empty content.
        await conn.send_chunk(event(choice({"role": "assistant", "content": "", "refusal": None})))
        # Like the real API: no calls when none are offered or `tool_choice` is "none".
        offered = body.get("tools") and body.get("tool_choice") != "none"
        if script.tool_calls and offered and (script.repeat_tool_calls or not tool_results(body)):
            await self._send_tool_calls(conn, script, event, choice)
            if include_usage and script.usage is not None:
                await conn.send_chunk(event([], _usage(*script.usage)))
            await conn.send_chunk(b"data: [DONE]\n\n", last=True)
            return

        # Positions past the last chunk mean "after all content": before the
        # stop chunk and [DONE].
        def at(position: int | None) -> int | None:
            return None if position is None else min(position, len(chunks))

        disconnect_at, error_at = at(script.disconnect_after), at(script.error_after)
        malformed_at = at(script.malformed_after)
        gate_at = at(script.gate_after) if script.gate is not None else None
        for sent in range(len(chunks) + 1):
            if sent == disconnect_at:
                conn.abort()
                raise _HungUp
            if sent == error_at:
                error = _error_payload(500, model=str(model), api_key="")
                await conn.send_chunk(b"data: " + json.dumps(error).encode() + b"\n\n", last=True)
                return
            if sent == malformed_at:
                await conn.send_chunk(b'data: {"id": "chatcmpl-broken", "choices": [{"delta": {"con\n\n', last=True)
                return
            if sent == gate_at:
                assert script.gate is not None
                await conn.wait_gate(script.gate)
            if sent == len(chunks):
                break
            if sent > 0:
                await conn.pause(script.delay_s)
            await conn.send_chunk(event(choice({"content": chunks[sent]})))

        await conn.send_chunk(event(choice({}, "stop")))
        if include_usage and script.usage is not None:
            prompt, completion = script.usage
            await conn.send_chunk(event([], _usage(prompt, completion)))
        await conn.send_chunk(b"data: [DONE]\n\n", last=True)

    async def _send_tool_calls(self, conn: _Connection, script: Script, event, choice) -> None:
        """The calls as the real API streams them: the id and name first, then the
        arguments in small pieces, each delta naming its call's index."""
        assert script.tool_calls is not None
        for index, (name, arguments) in enumerate(script.tool_calls):
            text = arguments if isinstance(arguments, str) else json.dumps(arguments)
            opening = {"index": index, "id": f"call_fake{index}", "type": "function"}
            await conn.send_chunk(
                event(choice({"tool_calls": [{**opening, "function": {"name": name, "arguments": ""}}]}))
            )
            for start in range(0, len(text), 7):
                await conn.pause(script.delay_s)
                piece = {"index": index, "function": {"arguments": text[start : start + 7]}}
                await conn.send_chunk(event(choice({"tool_calls": [piece]})))
        await conn.send_chunk(event(choice({}, "tool_calls")))
