"""The admin API for users, the overview and the audit log."""

from __future__ import annotations

import uuid

import pytest

from tests.api.conftest import assert_error, sign_in_admin
from tests.support.admin_data import Turn, add_conversation, days_ago, snapshot


async def _patch(admin, user_id: str, body: dict):
    return await admin.client.patch(f"/api/admin/users/{user_id}", json=body, headers=admin.csrf_headers)


# --- users --------------------------------------------------------------------------------------------


async def test_an_admin_lists_searches_and_opens_users(database, api, admin_user):
    asha = await api.signup("asha@example.com", full_name="Asha Verma")
    await api.signup("ravi@example.in", full_name="Ravi Iyer")
    await add_conversation(asha.uuid, at=days_ago(1), turns=[Turn(tokens_in=40, tokens_out=60, model="gpt-a")])
    client = admin_user.client

    everyone = (await client.get("/api/admin/users")).json()
    assert [u["email"] for u in everyone["users"]] == ["ravi@example.in", "asha@example.com", "boss@example.com"]
    assert (await client.get("/api/admin/users", params={"q": "verma"})).json()["users"][0]["id"] == asha.id
    admins = (await client.get("/api/admin/users", params={"role": "admin"})).json()["users"]
    assert [u["email"] for u in admins] == ["boss@example.com"]
    first = (await client.get("/api/admin/users", params={"limit": 2})).json()
    rest = (await client.get("/api/admin/users", params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert [u["email"] for u in first["users"] + rest["users"]] == [u["email"] for u in everyone["users"]]
    assert rest["next_cursor"] is None

    detail = (await client.get(f"/api/admin/users/{asha.id}", params={"days": 7})).json()
    assert detail["user"]["conversation_count"] == 1 and detail["days"] == 7 and len(detail["usage_by_day"]) == 7
    day = next(d for d in detail["usage_by_day"] if d["day"] == days_ago(1).date().isoformat())
    assert (day["messages"], day["tokens_in"], day["tokens_out"]) == (2, 40, 60)
    assert detail["usage_by_model"] == [{"model": "gpt-a", "answers": 1, "tokens_in": 40, "tokens_out": 60}]
    assert [c["user_id"] for c in detail["recent_conversations"]] == [asha.id]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/admin/users", {"role": "root"}, "role"),
        ("/api/admin/users", {"active": "maybe"}, "active"),
        ("/api/admin/users", {"cursor": "zzz"}, "cursor"),
        ("/api/admin/users/{id}", {"days": "14"}, "days"),
        ("/api/admin/users/{id}", {"days": "week"}, "days"),
        ("/api/admin/stats", {"days": "365"}, "days"),
        ("/api/admin/audit", {"since": "2026-13-01"}, "since"),
        ("/api/admin/audit", {"cursor": "zzz"}, "cursor"),
    ],
)
async def test_bad_input_is_a_422_naming_the_field(database, api, admin_user, path, params, field):
    response = await admin_user.client.get(path.replace("{id}", admin_user.id), params=params)
    assert_error(response, 422, field=field)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "root"}, "role"),
        ({"role": None}, "role"),
        ({"is_active": None}, "is_active"),
        ({"is_active": "sometimes"}, "is_active"),
        ({"daily_token_quota": -1}, "daily_token_quota"),
        ({"daily_token_quota": "lots"}, "daily_token_quota"),
    ],
)
async def test_a_bad_change_is_a_422_naming_the_field_and_changes_nothing(database, api, admin_user, body, field):
    asha = await api.signup()
    before = await snapshot()

    assert_error(await _patch(admin_user, asha.id, body), 422, field=field)

    assert await snapshot() == before


async def test_an_unknown_user_is_404(database, api, admin_user):
    for ident in (str(uuid.uuid4()), "nobody"):
        assert_error(await admin_user.client.get(f"/api/admin/users/{ident}"), 404, error="User not found")
        assert_error(await _patch(admin_user, ident, {"daily_token_quota": 5}), 404, error="User not found")


async def test_role_quota_and_the_guards_on_ones_own_account(database, api, admin_user):
    asha = await api.signup()

    promoted = await _patch(admin_user, asha.id, {"role": "admin", "daily_token_quota": 50_000})
    assert promoted.status_code == 200, promoted.text
    assert (promoted.json()["user"]["role"], promoted.json()["user"]["daily_token_quota"]) == ("admin", 50_000)
    cleared = (await _patch(admin_user, asha.id, {"daily_token_quota": None})).json()["user"]
    assert (cleared["role"], cleared["daily_token_quota"]) == ("admin", None)  # only the fields sent change
    assert (await asha.client.get("/api/admin/stats")).status_code == 200  # an admin now, at once

    for body, field in (({"role": "user"}, "role"), ({"is_active": False}, "is_active")):
        assert_error(await _patch(admin_user, admin_user.id, body), 409, field=field)

    demoted = await _patch(admin_user, asha.id, {"role": "user"})
    assert demoted.json()["user"]["role"] == "user"
    assert_error(await asha.client.get("/api/admin/stats"), 403, error="Administrators only.")
    audit = (
        await admin_user.client.get("/api/admin/audit", params={"action": "admin.user.", "target": asha.id})
    ).json()
    # Newest first: the demotion, the cleared quota, then the promotion's two changes.
    actions = [(e["action"], e["details"].get("new")) for e in audit["entries"]]
    assert actions == [
        ("admin.user.role", "user"),
        ("admin.user.quota", None),
        ("admin.user.quota", 50_000),
        ("admin.user.role", "admin"),
    ]


async def test_a_demoted_admin_loses_the_admin_api_at_once(database, api, admin_user):
    other = await sign_in_admin(api)
    assert (await _patch(admin_user, other.id, {"role": "user"})).status_code == 200

    # `other` was demoted: their next request is no longer an admin's, so the last admin stays.
    assert_error(await _patch(other, admin_user.id, {"role": "user"}), 403)
    users = (await admin_user.client.get("/api/admin/users", params={"role": "admin", "active": "true"})).json()
    assert [u["id"] for u in users["users"]] == [admin_user.id]


async def test_deactivating_ends_the_users_sessions_and_tokens_at_once(database, api, admin_user):
    asha = await api.signup()
    second_tab = await api.login(asha)
    bearer = await api.bearer(asha)
    for client in (asha.client, second_tab.client, bearer):
        assert (await client.get("/api/conversations")).status_code == 200

    response = await _patch(admin_user, asha.id, {"is_active": False})

    assert response.json()["user"]["is_active"] is False
    for client in (asha.client, second_tab.client, bearer):
        assert_error(await client.get("/api/conversations"), 401)
    login = await api.client().post("/api/auth/login", json={"email": asha.email, "password": asha.password})
    assert_error(login, 401)

    assert (await _patch(admin_user, asha.id, {"is_active": True})).json()["user"]["is_active"] is True
    assert (await api.login(asha)).csrf  # signs in again; the old sessions and token stay ended
    assert_error(await asha.client.get("/api/conversations"), 401)
    assert_error(await bearer.get("/api/conversations"), 401)


# --- stats ---------------------------------------------------------------------------------------------------


async def test_stats_with_no_data_say_so(database, api, admin_user):
    body = (await admin_user.client.get("/api/admin/stats", params={"days": 7})).json()

    assert body["has_data"] is False and body["days"] == 7
    assert len(body["messages_per_day"]) == 7 and {d["count"] for d in body["messages_per_day"]} == {0}
    assert body["first_token_p50_ms"] is None and body["answer_p95_ms"] is None
    assert (body["thumbs_up"], body["thumbs_down"], body["tokens_by_model"]) == (0, 0, [])


async def test_stats_count_what_was_written(database, api, admin_user):
    asha = await api.signup()
    ravi = await api.signup()
    await add_conversation(
        asha.uuid,
        category="gst",
        at=days_ago(1),
        turns=[
            Turn(first_token_ms=100, latency_ms=900, rating="up", tokens_in=5, tokens_out=7),
            Turn(first_token_ms=300, latency_ms=1100, rating="up", tokens_in=5, tokens_out=7),
        ],
    )
    await add_conversation(
        ravi.uuid,
        category="insurance",
        at=days_ago(0),
        turns=[Turn(status="failed", error="Timed out", first_token_ms=200, model=None, rating="down")],
    )

    body = (await admin_user.client.get("/api/admin/stats", params={"days": 30})).json()

    assert body["has_data"] is True and len(body["messages_per_day"]) == 30
    per_day = {d["day"]: d["count"] for d in body["messages_per_day"]}
    assert per_day[days_ago(1).date().isoformat()] == 4 and per_day[days_ago(0).date().isoformat()] == 2
    assert sum(d["count"] for d in body["active_users_per_day"]) == 2
    assert body["conversations_by_category"] == [{"label": "GST", "count": 1}, {"label": "Insurance", "count": 1}]
    assert body["answers_by_status"] == [
        {"label": "complete", "count": 2},
        {"label": "stopped", "count": 0},
        {"label": "failed", "count": 1},
    ]
    # From the usage ledger's latency histograms: within 5% of the exact values.
    timings = ("first_token_p50_ms", "first_token_p95_ms", "answer_p50_ms", "answer_p95_ms")
    for name, exact in zip(timings, (200, 290, 1000, 1090), strict=True):
        assert abs(body[name] - exact) <= 0.05 * exact, (name, body[name])
    assert body["tokens_by_model"] == [{"model": "test-model", "answers": 2, "tokens_in": 10, "tokens_out": 14}]
    assert (body["thumbs_up"], body["thumbs_down"]) == (2, 1)
    assert body["failure_reasons"] == [{"label": "Timed out", "count": 1}]


# --- audit ---------------------------------------------------------------------------------------------------


async def test_the_audit_log_is_filtered_and_paged(database, api, admin_user):
    asha = await api.signup("asha@example.com")
    await _patch(admin_user, asha.id, {"daily_token_quota": 10})
    await _patch(admin_user, asha.id, {"daily_token_quota": 20})
    client = admin_user.client

    mine = (await client.get("/api/admin/audit", params={"actor_email": "boss@"})).json()["entries"]
    assert [e["action"] for e in mine][:2] == ["admin.user.quota", "admin.user.quota"]
    assert mine[0]["details"]["new"] == 20 and mine[0]["target_type"] == "user" and mine[0]["target_id"] == asha.id
    today = days_ago(0).date().isoformat()
    seen, cursor = [], None
    while True:
        params = {"limit": 1, "since": today, "until": today} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/api/admin/audit", params=params)).json()
        seen += [e["id"] for e in page["entries"]]
        if not (cursor := page["next_cursor"]):
            break
    everything = (await client.get("/api/admin/audit", params={"limit": 100})).json()["entries"]
    assert seen == [e["id"] for e in everything] and len(seen) == len(set(seen)) >= 5
    assert (await client.get("/api/admin/audit", params={"target": f"user:{asha.id}"})).json()["entries"][-1][
        "action"
    ] == "user.signup"
