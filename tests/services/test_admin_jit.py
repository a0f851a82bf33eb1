"""The admin area's reads run with PostgreSQL's JIT off, for their own transaction only
(SET LOCAL: nothing leaks to the next user of a pooled connection)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from finucity.services.admin.query import reading
from finucity.services.context import read_only


async def test_admin_reads_turn_jit_off_for_their_transaction_only(database):
    if database != "postgres":
        pytest.skip("JIT is PostgreSQL's")
    async with reading() as session:
        assert await session.scalar(text("SHOW jit")) == "off"
        pid = await session.scalar(text("SELECT pg_backend_pid()"))
    async with read_only() as session:
        # The pool hands back the same connection: its setting is the server's again.
        assert await session.scalar(text("SELECT pg_backend_pid()")) == pid
        assert await session.scalar(text("SHOW jit")) == "on"
