"""PostgreSQL pool settings, and no prepared statements behind a transaction pooler."""

from __future__ import annotations

from finucity import db
from tests.support.live_server import run_async

SUPABASE_TRANSACTION = "postgresql+psycopg://postgres.ref:pw@aws-0-ap-south-1.pooler.supabase.com:6543/postgres"
SUPABASE_SESSION = "postgresql+psycopg://postgres.ref:pw@aws-0-ap-south-1.pooler.supabase.com:5432/postgres"


def test_the_pool_comes_from_settings(settings_env):
    settings_env(DB_POOL_SIZE="3", DB_MAX_OVERFLOW="7", DB_POOL_PRE_PING="true", DB_POOL_TIMEOUT_S="5")
    options = db.postgres_engine_options(SUPABASE_SESSION)
    assert (options["pool_size"], options["max_overflow"], options["pool_pre_ping"], options["pool_timeout"]) == (
        3,
        7,
        True,
        5.0,
    )
    assert "connect_args" not in options  # prepared statements are fine on a session


def test_the_transaction_pooler_gets_no_prepared_statements(settings_env):
    settings_env(DATABASE_POOLER="")
    assert db.postgres_engine_options(SUPABASE_TRANSACTION)["connect_args"] == {"prepare_threshold": None}
    settings_env(DATABASE_POOLER="transaction")
    assert db.postgres_engine_options(SUPABASE_SESSION)["connect_args"] == {"prepare_threshold": None}
    settings_env(DATABASE_POOLER="session")
    assert "connect_args" not in db.postgres_engine_options(SUPABASE_TRANSACTION)


def test_the_app_works_without_prepared_statements(postgres_url, settings_env):
    run_async(_the_app_works_without_prepared_statements(postgres_url, settings_env))


async def _the_app_works_without_prepared_statements(postgres_url, settings_env):
    from sqlalchemy import text

    settings_env(DATABASE_POOLER="transaction", DATABASE_URL=postgres_url)
    db.configure(postgres_url)
    try:
        engine = db.get_engine()
        async with engine.connect() as connection:
            for _ in range(8):  # psycopg would prepare from the 5th run on
                assert (await connection.execute(text("SELECT 1"))).scalar() == 1
            raw = await connection.get_raw_connection()
            assert raw.driver_connection.prepare_threshold is None
    finally:
        await db.dispose()
        db.configure(None)
