"""Admin area benchmark: the admin pages and searches on 100,000 conversations.

For each database (SQLite and PostgreSQL) it creates a fresh database (a temporary SQLite
file; `finucity_bench` on the local PostgreSQL), fills it with `seed-demo` (by default
1,000 users, 100,000 conversations of 8 to 12 messages: about 1,000,000 messages), and
prints p50 and p95 over --runs runs (after one warm-up run) of:

- the admin conversation list: first page, and a page filtered by category and status;
- admin search (ConversationFilters.q) for text in a few percent of messages, in a third
  of them, and in none;
- the overview for 90 days, and a CSV export of every conversation (time to the last byte);
- the search condition alone across every user (what the admin list filters by);
- the user's sidebar search, for the user with the most conversations and a typical one.

Rows that need finucity.services.admin print "not available yet" while it does not exist.
Each row stops early after --row-seconds; PostgreSQL statements time out after 60 s. Only
loopback databases are used, and both are dropped at the end (unless --keep).

    .venv/bin/python bench/admin_bench.py                       # both databases, 100,000 conversations
    .venv/bin/python bench/admin_bench.py --db sqlite --conversations 2000 --runs 5
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
import sqlalchemy as sa

from finucity import db
from finucity.models import Conversation, User, utcnow
from finucity.services import conversations as sidebar
from finucity.services import quota, search
from finucity.services.context import Actor, read_only
from finucity.services.demo.seed import ADMIN_EMAIL, seed_demo

POSTGRES_ADMIN_URL = os.environ.get("FINUCITY_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
BENCH_DATABASE = "finucity_bench"
LOOPBACK = {"127.0.0.1", "localhost", "::1", ""}
# Text in a few percent of the demo messages, in a third of them, and in none.
TERMS = ("ulip", "tax", "zerodha")
PAGE_MS, OVERVIEW_MS = 100, 300
NOT_YET = "not available yet"


@dataclasses.dataclass
class Row:
    name: str
    target_ms: float | None
    run: Callable[[], Awaitable[object]] | None  # None: needs code that is not there yet
    note: str = ""


@dataclasses.dataclass
class Result:
    row: Row
    times_ms: list[float] = dataclasses.field(default_factory=list)
    error: str | None = None

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]

    def cells(self) -> list[str]:
        if self.row.run is None:
            return [self.row.name, "", NOT_YET, "", self.target(), "needs finucity.services.admin"]
        if self.error:
            return [self.row.name, "", "error", "", self.target(), self.error[:80]]
        p50, p95 = statistics.median(self.times_ms), self.percentile(0.95)
        verdict = "" if self.row.target_ms is None else ("ok" if p95 <= self.row.target_ms else "MISSES")
        return [self.row.name, str(len(self.times_ms)), f"{p50:.1f}", f"{p95:.1f}", self.target(), verdict]

    def target(self) -> str:
        return "" if self.row.target_ms is None else f"{self.row.target_ms:.0f}"


# --- the rows ----------------------------------------------------------------------------------


def _admin_modules():
    """(conversations, stats, users) of finucity.services.admin, or Nones while it is missing."""
    try:
        from finucity.services.admin import conversations, stats, users
    except ImportError:
        return None, None, None
    return conversations, stats, users


async def _people() -> tuple[Actor, Actor, Actor, int, int]:
    """The demo admin, the user with the most conversations, a typical user, and their counts."""
    async with read_only() as session:
        admin = await session.scalar(sa.select(User).where(User.email == ADMIN_EMAIL))
        counts = (
            await session.execute(
                sa.select(Conversation.user_id, sa.func.count())
                .group_by(Conversation.user_id)
                .order_by(sa.func.count().desc())
            )
        ).all()
        heavy_id, heavy_n = counts[0]
        typical_id, typical_n = counts[len(counts) // 2]
        heavy = await session.get(User, heavy_id)
        typical = await session.get(User, typical_id)
    as_admin = Actor(user_id=admin.id, email=admin.email, role="admin", channel="cli")
    return as_admin, Actor(channel="ui").as_user(heavy), Actor(channel="ui").as_user(typical), heavy_n, typical_n


def _condition_page(q: str):
    """The search condition alone over every user's conversations: a first page, newest first."""
    return (
        sa.select(Conversation.id, Conversation.title)
        .where(search.conversation_matches(q))
        .order_by(Conversation.updated_at.desc(), Conversation.id.desc())
        .limit(26)
    )


async def _rows() -> list[Row]:
    conversations, stats, users = _admin_modules()
    admin, heavy, typical, heavy_n, typical_n = await _people()
    rows: list[Row] = []

    def admin_row(name, target, make):
        rows.append(Row(name, target, make if conversations is not None else None))

    filters = conversations.ConversationFilters if conversations else None
    admin_row("admin list, first page", PAGE_MS, lambda: conversations.list_conversations(admin, filters()))
    admin_row(
        "admin list, category gst + status failed",
        PAGE_MS,
        lambda: conversations.list_conversations(admin, filters(category="gst", status="failed")),
    )
    for term in TERMS:
        admin_row(
            f'admin search "{term}"', PAGE_MS, lambda t=term: conversations.list_conversations(admin, filters(q=t))
        )
    rows.append(Row("overview, 90 days", OVERVIEW_MS, (lambda: stats.overview(admin, 90)) if stats else None))
    rows.append(Row("overview, 30 days", OVERVIEW_MS, (lambda: stats.overview(admin, 30)) if stats else None))
    if users is not None:
        rows.append(
            Row(
                "user page with usage by day, model and channel, heaviest user, 90 days",
                PAGE_MS,
                lambda: users.get_user(admin, heavy.user_id, days=90),
            )
        )
    rows.append(Row("daily quota check (before each question), heaviest user", PAGE_MS, lambda: quota.usage(heavy)))

    async def export():
        size = 0
        async for chunk in conversations.export_conversations(admin, filters(), "csv"):
            size += len(chunk)
        return size

    admin_row("CSV export, every conversation", None, export)

    for term in TERMS:

        async def condition(t=term):
            async with read_only() as session:
                return (await session.execute(_condition_page(t))).all()

        rows.append(Row(f'search condition alone "{term}", all users', PAGE_MS, condition))
    for actor, label in ((heavy, f"heaviest user, {heavy_n:,} conversations"), (typical, f"typical user, {typical_n}")):
        for term in TERMS[:2]:
            rows.append(
                Row(
                    f'sidebar search "{term}", {label}',
                    PAGE_MS,
                    lambda a=actor, t=term: sidebar.list_conversations(a, q=t),
                )
            )
    return rows


async def _measure(row: Row, runs: int, budget_s: float) -> Result:
    result = Result(row)
    if row.run is None:
        return result
    try:
        await row.run()  # warm-up: caches, compiled statements
        started = time.perf_counter()
        for _ in range(runs):
            t0 = time.perf_counter()
            await row.run()
            result.times_ms.append((time.perf_counter() - t0) * 1000)
            if time.perf_counter() - started > budget_s:
                break
    except Exception as exc:  # noqa: BLE001  (a row that fails is reported; the rest still run)
        result.error = f"{type(exc).__name__}: {exc}"
    return result


# --- the databases -------------------------------------------------------------------------------


def _check_loopback(url: str) -> None:
    host = urlparse(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"refusing a database that is not on this machine: {host}")


def _create_postgres(replace: bool) -> str:
    _check_loopback(POSTGRES_ADMIN_URL)
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (BENCH_DATABASE,)).fetchone()
        if exists and not replace:
            raise SystemExit(f"database {BENCH_DATABASE} exists (an earlier run?); pass --replace to drop it")
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
        # Bounded: no statement of the benchmark may run away.
        conn.execute(f"ALTER DATABASE \"{BENCH_DATABASE}\" SET statement_timeout = '60s'")
    return f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{BENCH_DATABASE}"


def _drop_postgres() -> None:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')


def _size(url: str) -> str:
    if url.startswith("sqlite"):
        path = Path(url.split(":///", 1)[1])
        total = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    else:
        with psycopg.connect(url) as conn:
            total = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return f"{total / 1e9:.2f} GB"


async def _explain(q: str) -> str:
    """The plan of the search condition's first page, for a row that misses its target."""
    async with read_only() as session:
        dialect = session.bind.dialect
        sql = str(_condition_page(q).compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        prefix = "EXPLAIN QUERY PLAN " if dialect.name == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
        rows = (await session.execute(sa.text(prefix + sql))).all()
    return "\n".join("    " + str(row[-1]) for row in rows)


async def _bench(url: str, args) -> list[Result]:
    db.configure(url)
    try:
        if not args.reuse:
            report = await seed_demo(
                users=args.users, conversations=args.conversations, messages_per=args.messages_per, seed=args.seed
            )
            print(
                f"  seeded {report.conversations:,} conversations, {report.messages:,} messages, "
                f"{report.feedback:,} ratings in {report.seconds:.0f} s; database {_size(url)}",
                flush=True,
            )
        if not url.startswith("sqlite"):
            # Where autovacuum would be after a bulk load; SQLite is measured as the app leaves it (no ANALYZE).
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")
        print(f"  load average before measuring: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
        results = []
        for row in await _rows():
            if any(part in row.name for part in args.skip):
                continue
            result = await _measure(row, args.runs, args.row_seconds)
            print("  " + " | ".join(result.cells()), flush=True)
            results.append(result)
        for result in results:
            if result.row.name.startswith("search condition") and result.times_ms and "MISSES" in result.cells():
                term = result.row.name.split('"')[1]
                print(f"\n  plan of the search condition for {term!r}:\n{await _explain(term)}", flush=True)
        return results
    finally:
        await db.dispose()
        db.configure(None)


def _print_table(name: str, results: list[Result]) -> None:
    print(f"\n### {name}\n")
    print("| measurement | runs | p50 ms | p95 ms | target ms | |")
    print("|---|---:|---:|---:|---:|---|")
    for result in results:
        print("| " + " | ".join(result.cells()) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--messages-per", default="8-12", help="as seed-demo's; 8-12 averages 10")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--row-seconds", type=float, default=90, help="stop a row's runs after this long")
    parser.add_argument("--keep", action="store_true", help="keep the databases (prints where they are)")
    parser.add_argument("--replace", action="store_true", help=f"drop a {BENCH_DATABASE} left by an earlier run")
    parser.add_argument("--reuse", help="measure this already seeded database instead (nothing made or dropped)")
    parser.add_argument(
        "--skip", action="append", default=[], help="leave out the rows whose name contains this (repeatable)"
    )
    args = parser.parse_args()

    tables = []
    if args.reuse:
        if not args.reuse.startswith("sqlite"):
            _check_loopback(args.reuse)
        print(f"{args.reuse}", flush=True)
        tables.append((args.reuse.split(":")[0], asyncio.run(_bench(args.reuse, args))))
    for engine in ("sqlite", "postgres") if not args.reuse else ():
        if args.db not in (engine, "both"):
            continue
        workdir = Path(tempfile.mkdtemp(prefix="finucity_bench-")) if engine == "sqlite" else None
        url = f"sqlite:///{workdir / 'bench.db'}" if workdir else _create_postgres(args.replace)
        print(f"{engine}: {url}", flush=True)
        started = time.perf_counter()
        try:
            db.upgrade(url)
            tables.append((engine, asyncio.run(_bench(url, args))))
        finally:
            if args.keep:
                print(f"  kept {url}")
            elif workdir:
                shutil.rmtree(workdir, ignore_errors=True)
            else:
                _drop_postgres()
        print(f"  {engine} done in {timedelta(seconds=round(time.perf_counter() - started))}", flush=True)
    for name, results in tables:
        _print_table(name, results)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n(at {utcnow():%Y-%m-%d %H:%M} UTC, load average {load} on {os.cpu_count()} CPUs; p95 is nearest-rank)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
