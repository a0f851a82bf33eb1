"""Users in the admin area: listing, one user's usage, role, active and quota, and the guards on them."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest

from finucity.models import utcnow
from finucity.services import accounts
from finucity.services.admin import get_user, list_users, set_active, set_quota, set_role, update_user
from finucity.services.context import Actor
from finucity.services.errors import Conflict, NotFound, ValidationError
from tests.support.admin_data import Turn, add_conversation, an_admin, audit_rows, days_ago, snapshot

PASSWORD = "correct horse battery"


async def _emails(actor, **kwargs) -> list[str]:
    return [row.email for row in (await list_users(actor, limit=100, **kwargs)).items]


# --- listing ---------------------------------------------------------------------------------------


async def test_users_are_listed_newest_first_with_counts_and_filters(database, people):
    _, admin = await people.user("boss@example.com", name="Meera Boss", admin=True)
    asha, _ = await people.user("asha@example.com", name="Asha Verma")
    ravi, _ = await people.user("ravi@example.in", name="Ravi Iyer")
    await add_conversation(asha.id)
    await add_conversation(asha.id)
    await set_active(admin, ravi.id, False)
    await set_quota(admin, asha.id, 5000)

    page = await list_users(admin)

    assert [row.email for row in page.items] == ["ravi@example.in", "asha@example.com", "boss@example.com"]
    asha_row = page.items[1]
    assert (asha_row.id, asha_row.full_name, asha_row.role, asha_row.is_active) == (
        str(asha.id),
        "Asha Verma",
        "user",
        True,
    )
    assert (asha_row.conversation_count, asha_row.daily_token_quota, page.items[0].conversation_count) == (2, 5000, 0)
    assert asha_row.created_at == asha.created_at
    assert await _emails(admin, q="IYER") == ["ravi@example.in"]  # names, any case
    assert await _emails(admin, q="example.com") == ["asha@example.com", "boss@example.com"]
    assert await _emails(admin, role="admin") == ["boss@example.com"]
    assert await _emails(admin, active=False) == ["ravi@example.in"]
    assert await _emails(admin, active=True, role="user") == ["asha@example.com"]


async def test_paging_users_returns_each_once(database, people):
    _, admin = await people.user(admin=True)
    for _ in range(6):
        await people.user()
    everyone = await _emails(admin)

    seen, cursor = [], None
    while True:
        page = await list_users(admin, cursor=cursor, limit=2)
        seen += [row.email for row in page.items]
        if not (cursor := page.next_cursor):
            break

    assert seen == everyone and len(seen) == 7


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"role": "owner"}, "role"),
        ({"active": "yes"}, "active"),
        ({"q": "x" * 255}, "q"),
        ({"cursor": "bogus"}, "cursor"),
        ({"limit": "10"}, "limit"),
    ],
)
async def test_bad_list_input_names_its_field(sqlite_database, kwargs, field):
    with pytest.raises(ValidationError) as raised:
        await list_users(an_admin(), **kwargs)
    assert raised.value.field == field


# --- one user -----------------------------------------------------------------------------------------


async def test_a_users_page_has_their_usage_by_day_and_model_and_their_newest_conversations(database, people):
    _, admin = await people.user(admin=True)
    asha, _ = await people.user()
    other, _ = await people.user()
    await add_conversation(asha.id, at=days_ago(0), turns=[Turn(tokens_in=100, tokens_out=50, model="gpt-a")] * 2)
    await add_conversation(asha.id, at=days_ago(2), turns=[Turn(tokens_in=7, tokens_out=3, model="gpt-b")])
    await add_conversation(asha.id, at=days_ago(45), turns=[Turn(tokens_in=1000, model="gpt-a")])  # before 30 days
    await add_conversation(other.id, at=days_ago(0), turns=[Turn(tokens_in=999, model="gpt-a")])  # someone else
    for i in range(21):
        await add_conversation(asha.id, f"Empty {i}", at=days_ago(5) + timedelta(minutes=i), turns=[])

    detail = await get_user(admin, str(asha.id), days=7)

    assert detail.user.email == asha.email and detail.user.conversation_count == 24 and detail.days == 7
    assert [d.day for d in detail.usage_by_day] == [days_ago(n).date() for n in range(6, -1, -1)]
    figures = {d.day: (d.messages, d.tokens_in, d.tokens_out) for d in detail.usage_by_day}
    assert figures[days_ago(0).date()] == (4, 200, 100)
    assert figures[days_ago(2).date()] == (2, 7, 3)
    assert sum(d.messages for d in detail.usage_by_day) == 6  # the others are zeros
    assert [(m.model, m.answers, m.tokens_in, m.tokens_out) for m in detail.usage_by_model] == [
        ("gpt-a", 2, 200, 100),
        ("gpt-b", 1, 7, 3),
    ]
    by_channel = [(c.model, c.answers, c.tokens_in, c.tokens_out) for c in detail.usage_by_channel]
    assert by_channel == [("Web app", 3, 207, 103)]
    assert len(detail.recent_conversations) == 20
    assert detail.recent_conversations[0].updated_at == max(c.updated_at for c in detail.recent_conversations)
    assert {c.user_id for c in detail.recent_conversations} == {str(asha.id)}
    longer = await get_user(admin, asha.id, days=90)
    assert len(longer.usage_by_day) == 90 and sum(d.tokens_in for d in longer.usage_by_day) == 1207


@pytest.mark.parametrize("days", [0, 1, 14, 365, True, "30", None])
async def test_a_users_period_is_7_30_or_90_days(sqlite_database, days):
    with pytest.raises(ValidationError) as raised:
        await get_user(an_admin(), uuid.uuid4(), days=days)
    assert raised.value.field == "days"


@pytest.mark.parametrize("ident", [uuid.uuid4(), "nope", None])
async def test_an_unknown_user_is_not_found(database, people, ident):
    _, admin = await people.user(admin=True)
    with pytest.raises(NotFound):
        await get_user(admin, ident)
    with pytest.raises(NotFound):
        await set_quota(admin, ident, 10)


# --- role -------------------------------------------------------------------------------------------------


async def test_promoting_and_demoting_is_audited(database, people):
    boss, admin = await people.user(admin=True)
    asha, _ = await people.user()

    promoted = await set_role(admin, str(asha.id), "admin")
    again = await set_role(admin, asha.id, "admin")  # no change, nothing to record
    demoted = await set_role(admin, asha.id, "user")

    assert (promoted.role, again.role, demoted.role) == ("admin", "admin", "user")
    rows = await audit_rows("admin.user.role")
    assert [(r.details["old"], r.details["new"]) for r in rows] == [("user", "admin"), ("admin", "user")]
    assert all(r.actor_id == boss.id and r.target_id == str(asha.id) for r in rows)


async def test_an_admin_cannot_demote_or_deactivate_themself(database, people):
    boss, admin = await people.user(admin=True)
    await people.user(admin=True)  # another admin exists: the rule is about oneself
    before = await snapshot()

    for call, field in ((set_role(admin, boss.id, "user"), "role"), (set_active(admin, boss.id, False), "is_active")):
        with pytest.raises(Conflict) as raised:
            await call
        assert raised.value.field == field

    assert await snapshot() == before
    assert (await set_quota(admin, boss.id, 10)).daily_token_quota == 10  # the rest of one's own row is fine


async def test_the_last_active_admin_is_never_removed(database, people):
    first, first_actor = await people.user(admin=True)
    second, _ = await people.user(admin=True)
    await set_active(first_actor, second.id, False)  # an inactive admin does not count
    # Not being allowed to demote oneself covers the usual case; this rule catches an
    # admin whose own rights ended meanwhile (a request already under way, another worker).
    ended = Actor(channel="api", user_id=second.id, email=second.email, role="admin")
    before = await snapshot()

    for call in (set_role(ended, first.id, "user"), set_active(ended, first.id, False)):
        with pytest.raises(Conflict) as raised:
            await call
        assert "last active admin" in raised.value.message

    assert await snapshot() == before


async def test_two_admins_demoting_each_other_at_once_leave_one(database, people):
    a, a_actor = await people.user(admin=True)
    b, b_actor = await people.user(admin=True)

    results = await asyncio.gather(
        set_role(a_actor, b.id, "user"), set_role(b_actor, a.id, "user"), return_exceptions=True
    )

    assert sorted(type(r).__name__ for r in results) == ["AdminUserRow", "Conflict"]
    assert len(await _emails(an_admin(), role="admin", active=True)) == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"role": "root"}, "role"),
        ({"role": None}, "role"),
        ({"role": ""}, "role"),
        ({"active": None}, "is_active"),
        ({"active": 1}, "is_active"),
        ({"quota": -1}, "daily_token_quota"),
        ({"quota": 1.5}, "daily_token_quota"),
        ({"quota": True}, "daily_token_quota"),
        ({"quota": 10**12}, "daily_token_quota"),
    ],
)
async def test_bad_changes_name_their_field(sqlite_database, kwargs, field):
    with pytest.raises(ValidationError) as raised:
        await update_user(an_admin(), uuid.uuid4(), **kwargs)
    assert raised.value.field == field


async def test_changes_in_one_call_all_happen_or_none_do(database, people):
    boss, admin = await people.user(admin=True)
    before = await snapshot()

    with pytest.raises(Conflict):
        await update_user(admin, boss.id, quota=50, active=False)

    assert await snapshot() == before


# --- active -----------------------------------------------------------------------------------------------


async def test_deactivating_ends_every_session_and_token_at_once(database, people):
    _, admin = await people.user(admin=True)
    asha, asha_actor = await people.user()
    signed_in = await accounts.sign_in(Actor(channel="ui"), email=asha.email, password=PASSWORD)
    token = await accounts.create_api_token(asha_actor, "script")
    assert await accounts.resolve_session(signed_in.token) is not None

    row = await set_active(admin, asha.id, False)

    assert row.is_active is False
    assert await accounts.resolve_session(signed_in.token) is None
    assert await accounts.resolve_api_token(token.secret) is None
    (audited,) = await audit_rows("admin.user.active")
    assert (audited.details["old"], audited.details["new"]) == (True, False)

    await set_active(admin, asha.id, True)
    again = await accounts.sign_in(Actor(channel="ui"), email=asha.email, password=PASSWORD)
    assert await accounts.resolve_session(again.token) is not None  # back in with a new sign-in
    assert await accounts.resolve_session(signed_in.token) is None  # the old session stays ended
    assert await accounts.resolve_api_token(token.secret) is None


# --- quota -----------------------------------------------------------------------------------------------


async def test_the_quota_is_set_cleared_and_audited(database, people):
    _, admin = await people.user(admin=True)
    asha, _ = await people.user()

    assert (await set_quota(admin, asha.id, 20_000)).daily_token_quota == 20_000
    assert (await set_quota(admin, asha.id, 0)).daily_token_quota == 0
    assert (await set_quota(admin, asha.id, None)).daily_token_quota is None

    rows = await audit_rows("admin.user.quota")
    assert [(r.details.get("old"), r.details.get("new")) for r in rows] == [(None, 20_000), (20_000, 0), (0, None)]
    assert utcnow() - rows[-1].created_at < timedelta(minutes=1)
