"""Streaming under load: N users each stream an answer through the API at once.

Every user streams a 100-token answer at 20 tokens/s through
`POST /api/send-message-stream` (Bearer token) from a lean fake
OpenAI-compatible provider, and beside it, in the same run and against the
same provider, the floor: a bare relay (raw httpx, one `json.loads` per
chunk, no database, no auth) served by the same server (Granian, one worker).
For each it prints: streams complete, p50/p99 time to first content, p99 gap
between content chunks, and wall time; for the app also the worker's CPU per
streamed chunk and per stream start, read from /proc/PID/stat:

- per start: a second run of the same users with 1-token answers,
  worker CPU / streams;
- per chunk: (CPU of the 100-token run - CPU of the 1-token run) / (streams x 99).

Everything is on loopback, bounded in count (--users) and time (--timeout).
The app is the production backend (`reflex run --env prod --backend-only`)
on a scratch SQLite file or a scratch PostgreSQL database (created, migrated
and dropped here). Prints numbers; asserts nothing.

    .venv/bin/python bench/load_bench.py                         # 50, 200, 500 users; SQLite and PostgreSQL
    .venv/bin/python bench/load_bench.py --users 200 --db sqlite --profile /tmp/prof
    .venv/bin/python bench/load_bench.py --workers 2             # needs Redis (REDIS_URL; scale-out work)
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKENS = 100
TOKENS_PER_S = 20.0
PROVIDER_FIRST_TOKEN_S = 0.25
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TOKENS_MARKER = re.compile(rb"\[\[tokens:(\d+)\]\]")
CLK_TCK = os.sysconf("SC_CLK_TCK")
WARM_UP = 5


# --- the fake provider: a lean asyncio HTTP/1.1 server, run in its own process ------------------


def _sse_chunk(payload: dict | str) -> bytes:
    data = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
    event = f"data: {data}\n\n".encode()
    return f"{len(event):x}\r\n".encode() + event + b"\r\n"


def _provider_chunks(tokens: int) -> list[bytes]:
    base = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1, "model": "bench-model"}
    words = ["Section", " 80C", " allows", " up", " to", " ₹1,50,000", " a", " year", " in", " deductions."]
    out = [_sse_chunk({**base, "choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}]})]
    for i in range(tokens):
        delta = {"content": words[i % len(words)]}
        out.append(_sse_chunk({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}))
    return out


def _provider_tail(tokens: int) -> bytes:
    base = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1, "model": "bench-model"}
    return (
        _sse_chunk({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        + _sse_chunk(
            {
                **base,
                "choices": [],
                "usage": {"prompt_tokens": 50, "completion_tokens": tokens, "total_tokens": 50 + tokens},
            }
        )
        + _sse_chunk("[DONE]")
        + b"0\r\n\r\n"
    )


async def _serve_provider(port: int, first_delay: float, interval: float) -> None:
    cache: dict[int, tuple[list[bytes], bytes]] = {}
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in request.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                body = await reader.readexactly(length) if length else b""
                if request.startswith(b"GET"):  # the readiness probe
                    writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
                    await writer.drain()
                    continue
                found = TOKENS_MARKER.search(body)
                tokens = int(found.group(1)) if found else TOKENS
                if tokens not in cache:
                    cache[tokens] = (_provider_chunks(tokens), _provider_tail(tokens))
                chunks, tail = cache[tokens]
                writer.write(head + chunks[0])
                start = time.monotonic() + first_delay
                for i, chunk in enumerate(chunks[1:]):
                    delay = start + i * interval - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    writer.write(chunk)
                    await writer.drain()
                writer.write(tail)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=2048)
    async with server:
        await server.serve_forever()


# --- the floor: a bare relay of the same provider stream, an ASGI app served by Granian ---------

_relay_client = None


async def relay_app(scope, receive, send):
    """POST anything: stream the provider's answer as `data: {"content": ...}` events."""
    global _relay_client
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    if scope["method"] != "POST":  # the readiness probe
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})
        return
    import httpx

    if _relay_client is None:
        _relay_client = httpx.AsyncClient(
            base_url=os.environ["BENCH_PROVIDER_URL"], timeout=60, limits=httpx.Limits(max_connections=None)
        )
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    question = json.loads(body or b"{}").get("message", "")
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/event-stream")]})
    request = {"model": "bench-model", "messages": [{"role": "user", "content": question}], "stream": True}
    async with _relay_client.stream("POST", "/chat/completions", json=request) as response:
        async for line in response.aiter_lines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            chunk = json.loads(line[6:])
            for choice in chunk.get("choices") or ():
                text = (choice.get("delta") or {}).get("content")
                if text:
                    event = "data: " + json.dumps({"content": text}, ensure_ascii=False) + "\n\n"
                    await send({"type": "http.response.body", "body": event.encode(), "more_body": True})
    await send({"type": "http.response.body", "body": b'data: {"done": true}\n\n', "more_body": False})


# --- processes -------------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = collections.defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                tree[ppid].append(int(entry.name))
    return tree


def worker_pids(root: int) -> list[int]:
    """The leaf python processes under `root`: Granian's workers."""
    tree, found, todo = _children(), [], [root]
    while todo:
        pid = todo.pop()
        kids = tree.get(pid, [])
        todo.extend(kids)
        if not kids and pid != root:
            with contextlib.suppress(OSError):
                if b"python" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    found.append(pid)
    return sorted(found)


def cpu_seconds(pid: int, tid: int | None = None) -> float:
    path = f"/proc/{pid}/stat" if tid is None else f"/proc/{pid}/task/{tid}/stat"
    fields = Path(path).read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


@dataclass
class Served:
    url: str
    process: subprocess.Popen
    log: Path

    def workers(self) -> list[int]:
        return worker_pids(self.process.pid)

    def cpu(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.workers())

    def loop_cpu(self) -> float:
        """CPU of the workers' main threads (the event loops), without SQLite's threads."""
        return sum(cpu_seconds(pid, pid) for pid in self.workers())


def _wait_http(url: str, process: subprocess.Popen, log: Path, timeout: float = 900) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code < 500:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def spawn(cmd: list[str], env: dict, log: Path, probe: str) -> Iterator[Served]:
    with log.open("w") as out:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    served = Served(url=probe.rsplit("/", 1)[0] if probe.endswith("/health") else probe, process=process, log=log)
    try:
        _wait_http(probe, process, log)
        yield served
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def _base_env() -> dict:
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
    }


@contextlib.contextmanager
def run_provider(tmp: Path, first_delay: float) -> Iterator[str]:
    port = free_port()
    cmd = [sys.executable, __file__, "--serve-provider", str(port), "--first-delay", str(first_delay)]
    with spawn(cmd, _base_env(), tmp / "provider.log", f"http://127.0.0.1:{port}/models"):
        yield f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def run_relay(tmp: Path, provider_url: str) -> Iterator[Served]:
    port = free_port()
    env = {**_base_env(), "BENCH_PROVIDER_URL": provider_url, "PYTHONPATH": str(ROOT)}
    cmd = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asgi",
        "--workers",
        "1",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-ws",
        "bench.load_bench:relay_app",
    ]
    with spawn(cmd, env, tmp / "relay.log", f"http://127.0.0.1:{port}/") as served:
        served.url = f"http://127.0.0.1:{port}/relay"
        yield served


@contextlib.contextmanager
def run_app(tmp: Path, provider_url: str, database_url: str, workers: int) -> Iterator[Served]:
    port = free_port()
    env = {
        **_base_env(),
        "ENV": "development",
        "SECRET_KEY": "load-bench-secret-" + uuid.uuid4().hex,
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0") if workers > 1 else "",
        "GRANIAN_WORKERS": str(workers),
        "AI_BASE_URL": provider_url,
        "AI_API_KEY": "sk-load-bench",
        "GITHUB_TOKEN": "",
        "OPENAI_API_KEY": "",
        "AI_TIMEOUT_S": "60",
        "RATE_LIMIT": "100000/minute",
        "LOGIN_LIMIT_IP": "100000/minute",
        "DEFAULT_DAILY_TOKEN_QUOTA": "0",
        # Every user asks the same first question: the answer cache would answer
        # all but the first from memory (and, on Redis, across runs and databases).
        "ANSWER_CACHE_ENABLED": "false",
        "ALLOWED_ORIGINS": f"http://127.0.0.1:{port}",
    }
    migrate = subprocess.run(
        [sys.executable, "-m", "finucity", "migrate"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if migrate.returncode:
        raise RuntimeError(f"migrations failed:\n{migrate.stderr}")
    # The production backend `make run` serves, without building the pages
    # (rxconfig sets a frontend port, which --backend-only refuses: 0 unsets it).
    env["REFLEX_FRONTEND_PORT"] = "0"
    cmd = [sys.executable, "-m", "reflex", "run", "--env", "prod", "--backend-only", "--backend-port", str(port)]
    with spawn(cmd, env, tmp / "app.log", f"http://127.0.0.1:{port}/health") as served:
        served.url = f"http://127.0.0.1:{port}/api/send-message-stream"
        yield served


@contextlib.contextmanager
def scratch_postgres() -> Iterator[str]:
    import psycopg

    name = f"loadbench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed_users(database_url: str, count: int) -> list[str]:
    """`count` users with one API token each, written straight to the database."""
    from finucity import db
    from finucity.models import ApiToken, User
    from finucity.services import security

    async def seed() -> list[str]:
        db.configure(database_url)
        try:
            password_hash = await security.hash_password(uuid.uuid4().hex)
            secrets = []
            async with db.session_scope() as session:
                users = [
                    User(email=f"load{i}-{uuid.uuid4().hex[:6]}@example.com", password_hash=password_hash)
                    for i in range(count)
                ]
                session.add_all(users)
                await session.flush()
                for user in users:
                    secret = security.new_api_token()
                    session.add(
                        ApiToken(
                            user_id=user.id, name="bench", token_hash=security.hash_token(secret), prefix=secret[:10]
                        )
                    )
                    secrets.append(secret)
                await session.commit()
            return secrets
        finally:
            await db.dispose()
            db.configure(None)

    return asyncio.run(seed())


# --- the load ------------------------------------------------------------------------------------


@dataclass
class StreamResult:
    ok: bool = False
    first: float | None = None
    gaps: list[float] = field(default_factory=list)
    chunks: int = 0
    error: str | None = None


async def _one(client, url: str, token: str | None, question: str, t0: float) -> StreamResult:
    result = StreamResult()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    last = None
    try:
        async with client.stream("POST", url, json={"message": question}, headers=headers) as response:
            if response.status_code != 200:
                result.error = f"HTTP {response.status_code}"
                await response.aread()
                return result
            async for data in response.aiter_raw():
                now = time.perf_counter()
                pieces = data.count(b'{"content"')
                if pieces:
                    if result.first is None:
                        result.first = now - t0
                    else:
                        result.gaps.append(now - last)
                    last = now
                    result.chunks += pieces
                if b'"done": true' in data:
                    result.ok = True
                elif b'"error"' in data:
                    result.error = "error event"
    except Exception as exc:  # noqa: BLE001 - a benchmark counts failures, it does not stop
        result.error = type(exc).__name__
    return result


async def _load(url: str, tokens: list[str | None], answer_tokens: int, timeout: float) -> tuple[list, float]:
    import httpx

    limits = httpx.Limits(max_connections=len(tokens) + 10, max_keepalive_connections=len(tokens) + 10)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(timeout, connect=30)) as client:
        t0 = time.perf_counter()
        tasks = [
            asyncio.create_task(
                _one(client, url, token, f"Question {i}: how much can I save under 80C? [[tokens:{answer_tokens}]]", t0)
            )
            for i, token in enumerate(tokens)
        ]
        done, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:
            task.cancel()
        wall = time.perf_counter() - t0
        results = [t.result() if t in done else StreamResult(error="timeout") for t in tasks]
    return results, wall


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def summarize(results: list[StreamResult], wall: float) -> dict:
    firsts = [r.first for r in results if r.first is not None]
    gaps = [g for r in results for g in r.gaps]
    errors = collections.Counter(r.error for r in results if r.error)
    return {
        "complete": sum(r.ok for r in results),
        "n": len(results),
        "p50_first": _pct(firsts, 0.5),
        "p99_first": _pct(firsts, 0.99),
        "p99_gap_ms": _pct(gaps, 0.99) * 1000,
        "wall": wall,
        "chunks": sum(r.chunks for r in results),
        "errors": dict(errors),
    }


def measure(served: Served, tokens: list, answer_tokens: int, timeout: float) -> dict:
    cpu_before, loop_before = served.cpu(), served.loop_cpu()
    results, wall = asyncio.run(_load(served.url, tokens, answer_tokens, timeout))
    time.sleep(0.5)  # the final saves after the last byte
    row = summarize(results, wall)
    row["cpu"] = served.cpu() - cpu_before
    row["loop_cpu"] = served.loop_cpu() - loop_before
    return row


@contextlib.contextmanager
def profiling(served: Served, out: Path | None, label: str) -> Iterator[None]:
    if out is None:
        yield
        return
    out.mkdir(parents=True, exist_ok=True)
    pid = served.workers()[0]
    target = out / f"{label}.txt"
    spy = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "py-spy"),
            "record",
            "--pid",
            str(pid),
            "--format",
            "raw",
            "-o",
            str(target),
            "--rate",
            "500",
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1.0)
        yield
    finally:
        spy.send_signal(signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            spy.wait(timeout=30)
        if target.exists():
            print_profile(target)


def print_profile(path: Path, top: int = 15) -> None:
    """Self and inclusive sample counts per function from py-spy's collapsed stacks."""
    own: collections.Counter = collections.Counter()
    total: collections.Counter = collections.Counter()
    samples = threads = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        frames = [re.sub(r" \(.*?/(site-packages|python3\.11|wt-[^/]+)/", " (", f) for f in stack.split(";")]
        frames = [f for f in frames if not f.startswith(("process ", "thread "))]
        if not frames:
            continue
        if any(f.startswith(("Thread._bootstrap ", "_connection_worker_thread ")) for f in frames[:3]):
            threads += n  # aiosqlite's threads running SQLite, reported apart
            continue
        samples += n
        own[frames[-1]] += n
        for frame in set(frames):
            total[frame] += n
    print(f"\n  profile {path}: {samples} samples in the event loop's thread, {threads} in other threads")
    print("  top by own time:")
    for frame, n in own.most_common(top):
        print(f"    {100 * n / samples:5.1f}%  {frame}")
    print("  our code, by inclusive time:")
    ours = [(frame, n) for frame, n in total.most_common() if "(finucity/" in frame or "(bench/" in frame]
    for frame, n in ours[:top]:
        print(f"    {100 * n / samples:5.1f}%  {frame}")


def print_log_errors(served: Served, seen: set) -> None:
    """New error lines in the server's log (what the HTTP 500s were)."""
    lines = [line for line in served.log.read_text(errors="replace").splitlines() if "Error" in line]
    fresh = collections.Counter(line[:200] for line in lines if line[:200] not in seen)
    for line, count in fresh.most_common(5):
        print(f"|   log x{count}: {line}")
    seen.update(fresh)


def print_row(label: str, row: dict) -> None:
    errors = f"  errors {row['errors']}" if row["errors"] else ""
    print(
        f"| {label:<28} | {row['complete']:>4}/{row['n']:<4} | {row['p50_first']:6.2f} s | {row['p99_first']:6.2f} s "
        f"| {row['p99_gap_ms']:5.0f} ms | {row['wall']:5.1f} s |{errors}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, nargs="+", default=[50, 200, 500])
    parser.add_argument("--db", choices=["sqlite", "postgres"], nargs="+", default=["sqlite", "postgres"])
    parser.add_argument(
        "--workers", type=int, default=1, help="Granian workers for the app (2+: Redis, scale-out work)"
    )
    parser.add_argument(
        "--first-delay", type=float, default=PROVIDER_FIRST_TOKEN_S, help="provider time to first token"
    )
    parser.add_argument("--timeout", type=float, default=120, help="seconds one load may take")
    parser.add_argument("--no-cpu", action="store_true", help="skip the 1-token runs that split CPU per start/chunk")
    parser.add_argument("--profile", type=Path, help="py-spy the app worker during each load; raw stacks here")
    parser.add_argument("--serve-provider", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.serve_provider:
        asyncio.run(_serve_provider(args.serve_provider, args.first_delay, 1 / TOKENS_PER_S))
        return 0

    print(
        f"{TOKENS} tokens at {TOKENS_PER_S:.0f}/s per stream, provider first token after {args.first_delay} s, "
        f"app workers: {args.workers}, load average {os.getloadavg()[0]:.2f}"
    )
    print("| run                          | complete  | p50 first | p99 first | p99 gap  | wall    |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="loadbench-") as tmp_name:
        tmp = Path(tmp_name)
        with run_provider(tmp, args.first_delay) as provider_url, run_relay(tmp, provider_url) as relay:
            for kind in args.db:
                with contextlib.ExitStack() as stack:
                    if kind == "sqlite":
                        database_url = f"sqlite:///{tmp / f'load-{uuid.uuid4().hex[:6]}.db'}"
                    else:
                        database_url = stack.enter_context(scratch_postgres())
                    app = stack.enter_context(run_app(tmp, provider_url, database_url, args.workers))
                    seen_errors: set = set()
                    secrets = seed_users(database_url, max(args.users) * (1 if args.no_cpu else 2) + WARM_UP)
                    # First requests pay for imports, connection pools, caches: not measured.
                    measure(relay, [None] * WARM_UP, 1, args.timeout)
                    measure(app, secrets[-WARM_UP:], 1, args.timeout)
                    for users in args.users:
                        floor = measure(relay, [None] * users, TOKENS, args.timeout)
                        print_row(f"floor (bare relay), {users}", floor)
                        print(
                            f"|   relay worker CPU: {floor['cpu']:.2f} s -> "
                            f"{floor['cpu'] / (users * TOKENS) * 1e6:.0f} us per chunk, start included"
                        )
                        label = f"app {kind} {args.workers}w {users}"
                        with profiling(app, args.profile, label.replace(" ", "-")):
                            row = measure(app, secrets[:users], TOKENS, args.timeout)
                        print_row(f"app {kind}, {args.workers} worker(s), {users}", row)
                        print(f"|   load average {os.getloadavg()[0]:.1f}")
                        if row["errors"]:
                            print_log_errors(app, seen_errors)
                        ratio = row["p99_first"] / floor["p99_first"] if floor["p99_first"] else float("nan")
                        print(f"|   p99 first content / floor  {ratio:.2f}x")
                        if not args.no_cpu:
                            with profiling(app, args.profile, label.replace(" ", "-") + "-starts"):
                                starts = measure(app, secrets[users : 2 * users], 1, args.timeout)
                            for key, what in (("cpu", "worker CPU"), ("loop_cpu", "event-loop thread")):
                                per_start = starts[key] / users
                                per_chunk = (row[key] - starts[key]) / (users * (TOKENS - 1))
                                print(
                                    f"|   {what}: {row[key]:.2f} s for {users} x {TOKENS} tokens, "
                                    f"{starts[key]:.2f} s for {users} x 1 token -> "
                                    f"{per_start * 1000:.2f} ms per start, {per_chunk * 1e6:.0f} us per chunk"
                                )
                        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
