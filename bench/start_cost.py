"""What one stream start costs, piece by piece, in this process (no HTTP, no load).

Times each step the API's `POST /api/send-message-stream` takes before the
model is called, then the final save, then the whole request through the API
in this process (FastAPI and the middlewares included), N times in a row against a scratch
SQLite file or PostgreSQL database, and prints the median wall time and the
CPU time per step. The model is a stub that answers one word, so only our
code and the database are measured. Prints numbers; asserts nothing.

    .venv/bin/python bench/start_cost.py [--db sqlite postgres] [-n 200]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("RATE_LIMIT", "100000/minute")
os.environ.setdefault("AI_API_KEY", "sk-start-cost")
os.environ.setdefault("AI_BASE_URL", "http://127.0.0.1:9/v1")

from bench.load_bench import scratch_postgres, seed_users


class OneWord:
    model = "stub"
    offline = False

    async def stream(self, messages, *, max_tokens, temperature, usage):
        yield "Namaste"


async def measure(database_url: str, secrets: list[str], n: int) -> dict[str, list[tuple[float, float]]]:
    from finucity import db
    from finucity.services import accounts, chat, quota, ratelimit
    from finucity.services.ai import factory
    from finucity.services.context import Actor

    db.configure(database_url)
    stub = OneWord()
    factory.get_provider = chat.get_provider = quota.get_provider = lambda: stub
    steps: dict[str, list[tuple[float, float]]] = {}

    @contextlib.asynccontextmanager
    async def step(name: str):
        wall, cpu = time.perf_counter(), time.thread_time()
        yield
        steps.setdefault(name, []).append((time.perf_counter() - wall, time.thread_time() - cpu))

    try:
        for i in range(n + 10):
            secret = secrets[i % len(secrets)]
            async with step("token lookup (accounts.resolve_api_token)"):
                user = await accounts.resolve_api_token(secret)
            actor = Actor(channel="api").as_user(user)
            async with step("daily quota (quota.check_quota)"):
                await quota.check_quota(actor)
            async with step("rate limit (ratelimit.hit_send_message)"):
                await ratelimit.hit_send_message(user.id)
            # send_message repeats the two checks above; their cost is subtracted below.
            async with step("send_message (checks + inserts + audit + launch)"):
                turn = await chat.send_message(actor, message=f"How much can I save under 80C? {i}")
            async with step("answer to the final save (generation)"):
                await turn.generation.wait()
        # The whole request as a client makes it, in this process (no server, no socket):
        # FastAPI's routing, body parsing and dependencies, the middlewares, the SSE to its end.
        import httpx

        from finucity.api.main import create_api

        transport = httpx.ASGITransport(app=create_api())
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for i in range(n + 10):
                headers = {"Authorization": f"Bearer {secrets[i % len(secrets)]}"}
                async with step("the whole POST /api/send-message-stream, in-process"):
                    reply = await client.post(
                        "/api/send-message-stream", json={"message": f"Is ELSS better than PPF? {i}"}, headers=headers
                    )
                    assert reply.status_code == 200 and '"done": true' in reply.text, reply.text[:200]
        return {name: values[10:] for name, values in steps.items()}  # the first ten warm caches
    finally:
        await db.dispose()
        db.configure(None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("-n", type=int, default=200)
    args = parser.parse_args()
    from finucity import db

    for kind in args.db:
        with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
            if kind == "sqlite":
                url = f"sqlite:///{Path(tmp) / f'start-{uuid.uuid4().hex[:6]}.db'}"
            else:
                url = stack.enter_context(scratch_postgres())
            db.upgrade(url)
            secrets = seed_users(url, 50)
            steps = asyncio.run(measure(url, secrets, args.n))
        print(f"\n{kind}, {args.n} starts one after another (median wall, median CPU of the thread):")
        for name, values in steps.items():
            wall = statistics.median(v[0] for v in values) * 1000
            cpu = statistics.median(v[1] for v in values) * 1000
            print(f"  {name:<52} {wall:6.2f} ms  {cpu:6.2f} ms CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
