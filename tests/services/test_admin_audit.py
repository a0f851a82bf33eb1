"""The audit log in the admin area: newest first, filtered by actor, action, target and day, paged."""

from __future__ import annotations

from datetime import timedelta

import pytest

from finucity.models import AuditLog
from finucity.services.admin import list_audit
from finucity.services.context import unit_of_work
from finucity.services.errors import ValidationError
from tests.support.admin_data import an_admin, days_ago


@pytest.fixture
async def log(database, people):
    """An admin and six audit rows written at known times (the admin's own creation is one more)."""
    _, admin = await people.user("boss@example.com", admin=True)
    rows = [
        ("asha@example.com", "auth.login", "session", "s-1", days_ago(5)),
        ("asha@example.com", "conversation.delete", "conversation", "c-1", days_ago(4)),
        ("boss@example.com", "admin.conversation.read", "conversation", "c-2", days_ago(3)),
        ("boss@example.com", "admin.user.role", "user", "u-1", days_ago(2)),
        (None, "auth.login_failed", "user", None, days_ago(1)),
        ("boss@example.com", "admin_like.other", "user", "c-1", days_ago(1) + timedelta(hours=1)),
    ]
    async with unit_of_work(an_admin()) as uow:
        for email, action, target_type, target_id, at in rows:
            uow.session.add(
                AuditLog(
                    actor_email=email,
                    action=action,
                    target_type=target_type,
                    target_id=target_id,
                    details={"note": action},
                    ip="203.0.113.9",
                    created_at=at,
                )
            )
    return admin


async def _actions(admin, **filters) -> list[str]:
    return [row.action for row in (await list_audit(admin, limit=100, **filters)).items]


async def test_the_log_is_newest_first_with_every_field(log):
    page = await list_audit(log)

    assert [r.action for r in page.items][:3] == ["user.create", "admin_like.other", "auth.login_failed"]
    row = page.items[-1]
    assert (row.actor_email, row.action, row.target_type, row.target_id) == (
        "asha@example.com",
        "auth.login",
        "session",
        "s-1",
    )
    assert row.details == {"note": "auth.login"} and row.ip == "203.0.113.9" and row.created_at == days_ago(5)
    assert isinstance(row.id, int) and page.next_cursor is None


async def test_each_filter_keeps_exactly_the_matching_rows(log):
    assert await _actions(log, actor_email="ASHA") == ["conversation.delete", "auth.login"]
    assert await _actions(log, action="admin.") == ["admin.user.role", "admin.conversation.read"]  # not admin_like
    assert await _actions(log, action="auth.login") == ["auth.login_failed", "auth.login"]
    assert await _actions(log, target="c-1") == ["admin_like.other", "conversation.delete"]
    assert await _actions(log, target="conversation") == ["admin.conversation.read", "conversation.delete"]
    assert await _actions(log, target="conversation:c-1") == ["conversation.delete"]
    assert await _actions(log, since=days_ago(2).date(), until=days_ago(1).date()) == [
        "admin_like.other",
        "auth.login_failed",
        "admin.user.role",
    ]
    assert await _actions(log, actor_email="boss", since=days_ago(3).date(), target="user") == [
        "admin_like.other",
        "admin.user.role",
    ]
    assert await _actions(log, action="100%") == []


async def test_paging_returns_every_row_once(log):
    everything = await _actions(log)
    seen, cursor = [], None
    while True:
        page = await list_audit(log, cursor=cursor, limit=2)
        seen += [r.action for r in page.items]
        if not (cursor := page.next_cursor):
            break
    assert seen == everything and len(seen) == 7


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"cursor": "bogus"}, "cursor"),
        ({"action": "a" * 65}, "action"),
        ({"actor_email": "\x00"}, "actor_email"),
        ({"target": 5}, "target"),
        ({"since": days_ago(1).date(), "until": days_ago(2).date()}, "until"),
        ({"limit": None}, "limit"),
    ],
)
async def test_bad_filters_name_their_field(sqlite_database, filters, field):
    with pytest.raises(ValidationError) as raised:
        await list_audit(an_admin(), **filters)
    assert raised.value.field == field
