"""Database engines: one async engine for the app, sync access for Alembic.

The engine is created lazily per process (Granian workers fork after import),
and `configure()` lets tests and the CLI point it at another database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import event, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from finucity.config import PROJECT_ROOT, get_settings, normalize_database_url
from finucity.telemetry import metrics

_engine: AsyncEngine | None = None
_sessionmaker: async_sessionmaker[AsyncSession] | None = None
_url_override: str | None = None


def configure(database_url: str | None) -> None:
    """Use another database from now on (None: back to DATABASE_URL)."""
    global _engine, _sessionmaker, _url_override
    _url_override = database_url
    _engine = None
    _sessionmaker = None


def current_url(*, asynchronous: bool) -> str:
    url = _url_override or get_settings().database_url
    return normalize_database_url(url, asynchronous=asynchronous)


def _ensure_sqlite_dir(url: str) -> None:
    if url.startswith("sqlite") and ":memory:" not in url:
        path = url.split(":///", 1)[-1]
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)


# hide_parameters: a database error's message would otherwise quote the
# statement's values (questions, answers, hashes) into logs and error reports.
def get_engine() -> AsyncEngine:
    global _engine, _sessionmaker
    if _engine is None:
        url = current_url(asynchronous=True)
        _ensure_sqlite_dir(url)
        if url.startswith("sqlite"):
            engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
            event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        else:
            engine = create_async_engine(url, **postgres_engine_options(url))
        event.listen(engine.sync_engine, "handle_error", _count_error)
        _engine = engine
        _sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    return _engine


def postgres_engine_options(url: str) -> dict:
    """The pool (per worker process) from settings, and what PgBouncer's
    transaction mode (Supabase's pooler on port 6543) needs."""
    settings = get_settings()
    options: dict = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout_s,
        "pool_recycle": settings.db_pool_recycle_s,
        "pool_pre_ping": settings.db_pool_pre_ping,
        "hide_parameters": True,
    }
    if uses_transaction_pooler(url, settings.database_pooler):
        # Each transaction may run on another server connection: a statement
        # prepared on one is unknown on the next. psycopg prepares none.
        options["connect_args"] = {"prepare_threshold": None}
    return options


def uses_transaction_pooler(url: str, pooler: str) -> bool:
    """DATABASE_POOLER wins; unset, port 6543 (Supabase's transaction pooler) means transaction mode."""
    if pooler:
        return pooler == "transaction"
    try:
        return make_url(url).port == 6543
    except ArgumentError:
        return False


def _count_error(_context) -> None:
    metrics.dependency_errors.labels("database").inc()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers (other tabs, other workers) proceed while an answer is
    # being saved; foreign keys make ON DELETE CASCADE real.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@asynccontextmanager
async def session_scope() -> AsyncIterator[AsyncSession]:
    """A session for one unit of work; the caller commits."""
    get_engine()
    assert _sessionmaker is not None
    async with _sessionmaker() as session:
        yield session


async def dispose() -> None:
    global _engine, _sessionmaker
    if _engine is not None:
        await _engine.dispose()
    _engine = None
    _sessionmaker = None


def alembic_config(database_url: str | None = None):
    from alembic.config import Config

    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    # Called from the app and tests: keep their logging configuration.
    cfg.attributes["skip_logging"] = True
    url = normalize_database_url(database_url, asynchronous=False) if database_url else current_url(asynchronous=False)
    _ensure_sqlite_dir(url)
    # ConfigParser treats % as interpolation; passwords may contain it.
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str | None = None, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str | None = None, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(database_url), revision)
