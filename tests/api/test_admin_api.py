"""The admin API: nobody but an admin gets in, and an admin manages every user's conversations.

Users, stats and the audit log are in test_admin_users_api.py.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid

import pytest

from finucity.models import MessageFeedback
from tests.api.conftest import NOT_FOUND, assert_error, audit_actions, count_rows
from tests.support.admin_data import Turn, add_conversation, days_ago, snapshot

ADMINS_ONLY = "Administrators only."


def _admin_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every admin route in the OpenAPI schema: a new one is covered at once."""
    paths = app.openapi()["paths"]
    return sorted((m.upper(), p) for p, item in paths.items() if p.startswith("/api/admin/") for m in item)


def _call(client, method: str, path: str, *, conversation_id: str, user_id: str, headers=None, params=None):
    url = path.replace("{conversation_id}", conversation_id).replace("{user_id}", user_id)
    bodies = {
        "/api/admin/conversations/delete": {"ids": [conversation_id]},
        "/api/admin/users/{user_id}": {"role": "admin", "is_active": False, "daily_token_quota": 5},
    }
    body = bodies.get(path) if method in ("POST", "PATCH") else None
    return client.request(method, url, json=body, headers=headers or {}, params=params)


# --- who gets in -------------------------------------------------------------------------------------


@pytest.mark.parametrize("auth", ["cookie", "bearer"])
async def test_a_normal_user_gets_403_on_every_admin_route_and_nothing_changes(database, api, auth):
    user = await api.signup()
    made = await add_conversation(user.uuid, turns=[Turn(rating="down")])
    client = user.client if auth == "cookie" else await api.bearer(user)
    routes = _admin_routes(api.app)
    assert len(routes) == 10
    before = await snapshot()

    for method, path in routes:
        for params in (None, {"status": "bogus", "days": "14", "limit": "0", "format": "xlsx"}):
            response = await _call(
                client,
                method,
                path,
                conversation_id=str(made.id),
                user_id=user.id,
                headers=user.csrf_headers,
                params=params,
            )
            # 403 before any input is looked at: a non-admin learns nothing from a 422.
            assert_error(response, 403, error=ADMINS_ONLY)

    assert await snapshot() == before


async def test_signed_out_callers_get_401_on_every_admin_route(database, api):
    client = api.client()
    for method, path in _admin_routes(api.app):
        response = await _call(client, method, path, conversation_id=str(uuid.uuid4()), user_id=str(uuid.uuid4()))
        assert_error(response, 401)


async def test_an_admin_with_the_cookie_still_needs_the_csrf_token_to_change_anything(database, api, admin_user):
    owner = await api.signup()
    made = await add_conversation(owner.uuid)

    response = await admin_user.client.delete(f"/api/admin/conversations/{made.id}")

    assert_error(response, 403)
    assert (await admin_user.client.get(f"/api/admin/conversations/{made.id}")).status_code == 200


# --- listing -----------------------------------------------------------------------------------------


async def _listed(client, **params) -> list[str]:
    response = await client.get("/api/admin/conversations", params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    return [c["title"] for c in response.json()["conversations"]]


async def test_an_admin_filters_by_category_status_feedback_user_date_and_text(database, api, admin_user):
    asha = await api.signup("asha@example.com")
    ravi = await api.signup("ravi@example.in")
    await add_conversation(asha.uuid, "Regime", category="income_tax", at=days_ago(6), turns=[Turn(rating="up")])
    await add_conversation(asha.uuid, "GSTIN", category="gst", at=days_ago(4), turns=[Turn(question="Is 20% due?")])
    await add_conversation(
        ravi.uuid, "Claim", category="insurance", at=days_ago(2), turns=[Turn(status="failed", rating="down")]
    )
    await add_conversation(ravi.uuid, "SIP", category="investment", at=days_ago(0), turns=[Turn(status="stopped")])
    client = admin_user.client

    assert await _listed(client) == ["SIP", "Claim", "GSTIN", "Regime"]
    assert await _listed(client, category="gst") == ["GSTIN"]
    assert await _listed(client, status="failed") == ["Claim"]
    assert await _listed(client, status="stopped") == ["SIP"]
    assert await _listed(client, feedback="up") == ["Regime"]
    assert await _listed(client, feedback="any") == ["Claim", "Regime"]
    assert await _listed(client, user=ravi.id) == ["SIP", "Claim"]
    assert await _listed(client, user="asha@") == ["GSTIN", "Regime"]
    assert await _listed(client, since=days_ago(4).date().isoformat(), until=days_ago(2).date().isoformat()) == [
        "Claim",
        "GSTIN",
    ]
    assert await _listed(client, q="20%") == ["GSTIN"]
    assert await _listed(client, q="claim", feedback="down", user="ravi") == ["Claim"]
    body = (await client.get("/api/admin/conversations", params={"category": "insurance"})).json()
    (row,) = body["conversations"]
    assert (row["user_email"], row["last_status"], row["message_count"], row["thumbs_down"]) == (
        "ravi@example.in",
        "failed",
        2,
        1,
    )
    assert body["next_cursor"] is None and body["success"] is True


async def test_paging_by_cursor_returns_every_row_once_and_sorts_by_length(database, api, admin_user):
    owner = await api.signup()
    for i in range(9):
        await add_conversation(owner.uuid, f"C{i}", at=days_ago(i % 3), turns=[Turn()] * (i % 4 + 1))

    for sort in ("recent", "oldest", "longest", "shortest"):
        seen, cursor = [], None
        while True:
            params = {"limit": 2, "sort": sort} | ({"cursor": cursor} if cursor else {})
            body = (await admin_user.client.get("/api/admin/conversations", params=params)).json()
            assert len(body["conversations"]) <= 2
            seen += body["conversations"]
            if not (cursor := body["next_cursor"]):
                break
        assert sorted(c["title"] for c in seen) == [f"C{i}" for i in range(9)], sort
        if sort in ("longest", "shortest"):
            counts = [c["message_count"] for c in seen]
            assert counts == sorted(counts, reverse=sort == "longest"), sort
            assert counts[0] == (8 if sort == "longest" else 2)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "done"}, "status"),
        ({"feedback": "meh"}, "feedback"),
        ({"sort": "random"}, "sort"),
        ({"category": "crypto"}, "category"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-05-02", "until": "2026-05-01"}, "until"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"q": "x" * 201}, "q"),
    ],
)
async def test_bad_input_is_a_422_naming_the_field(database, api, admin_user, params, field):
    response = await admin_user.client.get("/api/admin/conversations", params=params)
    assert_error(response, 422, field=field)


# --- one conversation -----------------------------------------------------------------------------------


async def test_reading_a_transcript_is_audited(database, api, admin_user):
    owner = await api.signup("owner@example.com")
    made = await add_conversation(
        owner.uuid,
        "<img src=x onerror=alert(1)>",
        turns=[Turn(first_token_ms=250, latency_ms=1200, rating="down", comment="Wrong rate")],
    )

    response = await admin_user.client.get(f"/api/admin/conversations/{made.id}")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["conversation"]["title"] == "<img src=x onerror=alert(1)>"
    answer = body["messages"][1]
    assert (answer["model"], answer["tokens_in"], answer["first_token_ms"], answer["latency_ms"]) == (
        "test-model",
        10,
        250,
        1200,
    )
    assert (answer["rating"], answer["comment"], answer["status"]) == ("down", "Wrong rate", "complete")
    audit = (await admin_user.client.get("/api/admin/audit", params={"action": "admin.conversation.read"})).json()
    (entry,) = audit["entries"]
    assert (entry["actor_email"], entry["target_id"]) == ("boss@example.com", str(made.id))


@pytest.mark.parametrize("ident", [str(uuid.uuid4()), "not-a-uuid", "1%20OR%201=1"])
async def test_a_missing_or_malformed_id_is_404_on_read_and_delete(database, api, admin_user, ident):
    client = admin_user.client
    assert_error(await client.get(f"/api/admin/conversations/{ident}"), 404, error=NOT_FOUND["error"])
    response = await client.delete(f"/api/admin/conversations/{ident}", headers=admin_user.csrf_headers)
    assert_error(response, 404, error=NOT_FOUND["error"])
    response = await client.post(
        "/api/admin/conversations/delete", json={"ids": [ident]}, headers=admin_user.csrf_headers
    )
    if ident == "not-a-uuid" or "%" in ident:
        assert_error(response, 404)
    else:
        assert response.json() == {"success": True, "deleted": 0}
    assert await audit_actions("admin.conversation.read") == []


async def test_deleting_removes_the_conversation_for_its_owner(database, api, admin_user):
    owner = await api.signup()
    one = await add_conversation(owner.uuid, "One", turns=[Turn(rating="up")])
    two = await add_conversation(owner.uuid, "Two")
    three = await add_conversation(owner.uuid, "Three")
    assert (await owner.client.get(f"/api/conversation/{one.id}")).status_code == 200

    response = await admin_user.client.delete(f"/api/admin/conversations/{one.id}", headers=admin_user.csrf_headers)
    assert response.json() == {"success": True}
    response = await admin_user.client.post(
        "/api/admin/conversations/delete",
        json={"ids": [str(two.id), str(uuid.uuid4())]},
        headers=admin_user.csrf_headers,
    )
    assert response.json() == {"success": True, "deleted": 1}

    assert_error(await owner.client.get(f"/api/conversation/{one.id}"), 404)
    assert_error(await owner.client.get(f"/api/conversation/{two.id}"), 404)
    mine = (await owner.client.get("/api/conversations")).json()["conversations"]
    assert [c["id"] for c in mine] == [str(three.id)]
    assert await count_rows(MessageFeedback) == 0
    assert sorted(e.target_id for e in await audit_actions("admin.conversation.delete")) == sorted(
        [str(one.id), str(two.id)]
    )


@pytest.mark.parametrize(
    ("body", "field"), [({"ids": "abc"}, "ids"), ({"ids": []}, "ids"), ({}, "ids"), ({"ids": ["x"] * 101}, "ids")]
)
async def test_a_bad_selection_is_a_422_naming_ids(database, api, admin_user, body, field):
    response = await admin_user.client.post(
        "/api/admin/conversations/delete", json=body, headers=admin_user.csrf_headers
    )
    assert_error(response, 422, field=field)


# --- export -------------------------------------------------------------------------------------------------


async def test_the_csv_export_parses_and_holds_exactly_the_filtered_rows(database, api, admin_user):
    mallory = await api.signup("mallory@example.com", full_name="@SUM(1+1)")
    for title in ('=HYPERLINK("http://x")', "+49 30 1234", "-1+2", "@A1", 'Plain, "quoted"'):
        await add_conversation(mallory.uuid, title, category="gst")
    await add_conversation(mallory.uuid, "Not GST", category="insurance")

    response = await admin_user.client.get(
        "/api/admin/conversations/export", params={"format": "csv", "category": "gst"}
    )

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert re.fullmatch(r'attachment; filename="finucity-conversations-\d{8}-\d{4}\.csv"', disposition), disposition
    rows = list(csv.DictReader(io.StringIO(response.text, newline="")))
    assert sorted(r["title"] for r in rows) == sorted(
        ['\'=HYPERLINK("http://x")', "'+49 30 1234", "'-1+2", "'@A1", 'Plain, "quoted"']
    )
    assert {r["user_name"] for r in rows} == {"'@SUM(1+1)"} and {r["category"] for r in rows} == {"gst"}
    listed = (await admin_user.client.get("/api/admin/conversations", params={"category": "gst"})).json()
    assert [r["id"] for r in rows] == [c["id"] for c in listed["conversations"]]
    (entry,) = await audit_actions("admin.conversations.export")
    assert entry.details["filters"] == {"category": "gst", "sort": "recent"} and entry.details["format"] == "csv"


async def test_the_json_export_holds_the_messages(database, api, admin_user):
    owner = await api.signup()
    made = await add_conversation(owner.uuid, "Loan", turns=[Turn(rating="up")])

    response = await admin_user.client.get("/api/admin/conversations/export", params={"format": "json"})

    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"].endswith('.json"')
    (item,) = json.loads(response.text)
    assert item["id"] == str(made.id) and [m["rating"] for m in item["messages"]] == [None, "up"]


@pytest.mark.parametrize(("params", "field"), [({"format": "xlsx"}, "format"), ({"status": "gone"}, "status")])
async def test_a_bad_export_is_a_json_422_and_not_audited(database, api, admin_user, params, field):
    response = await admin_user.client.get("/api/admin/conversations/export", params=params)
    assert_error(response, 422, field=field)
    assert await audit_actions("admin.conversations.export") == []
