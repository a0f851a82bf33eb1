"""The admin's view of every user's conversations: rows, filters, keyset paging, transcripts, deleting.

Export has its own module (test_admin_export.py).
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import timedelta

import pytest

from finucity.models import AuditLog, Conversation, Message, MessageFeedback
from finucity.services import accounts, chat, conversations
from finucity.services.admin import ConversationFilters, delete_conversations, list_conversations, read_transcript
from finucity.services.admin import conversations as admin_conversations
from finucity.services.context import Actor
from finucity.services.errors import NotFound, ValidationError
from tests.fakes.fake_openai import Script
from tests.support.admin_data import Turn, add_conversation, an_admin, audit_rows, count, days_ago, snapshot


async def _ids(actor, filters: ConversationFilters | None = None, **kwargs) -> list[uuid.UUID]:
    page = await list_conversations(actor, filters or ConversationFilters(), limit=100, **kwargs)
    return [uuid.UUID(row.id) for row in page.items]


async def _all_pages(actor, filters: ConversationFilters, limit: int) -> list[uuid.UUID]:
    seen, cursor = [], None
    while True:
        page = await list_conversations(actor, filters, cursor=cursor, limit=limit)
        assert len(page.items) <= limit
        seen += [uuid.UUID(row.id) for row in page.items]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


# --- the rows ----------------------------------------------------------------------------------


async def test_every_users_conversations_are_listed_with_their_figures(database, people):
    _, admin = await people.user(admin=True)
    asha, _ = await people.user("asha@example.com", name="Asha Verma")
    ravi, _ = await people.user("ravi@example.com", name="Ravi Iyer")
    older = await add_conversation(asha.id, "GST on exports", category="gst", at=days_ago(3))
    newer = await add_conversation(
        ravi.id,
        "Term cover",
        category="insurance",
        at=days_ago(1),
        turns=[Turn(rating="up"), Turn(rating="down"), Turn(rating="up", status="failed", error="Timed out")],
    )

    page = await list_conversations(admin, ConversationFilters())

    assert [row.id for row in page.items] == [str(newer.id), str(older.id)]
    assert page.next_cursor is None
    row = page.items[0]
    assert (row.user_id, row.user_email, row.user_name) == (str(ravi.id), "ravi@example.com", "Ravi Iyer")
    assert (row.title, row.category, row.last_status) == ("Term cover", "insurance", "failed")
    assert (row.message_count, row.thumbs_up, row.thumbs_down) == (6, 2, 1)
    assert row.created_at == days_ago(1) and row.updated_at == days_ago(1) + timedelta(minutes=3)
    assert (page.items[1].message_count, page.items[1].thumbs_up, page.items[1].last_status) == (2, 0, "complete")


# --- filters -------------------------------------------------------------------------------------


@pytest.fixture
async def varied(database, people):
    """An admin and five conversations of two users that differ in every filtered way."""
    _, admin = await people.user(admin=True)
    asha, _ = await people.user("asha.verma@example.com")
    ravi, _ = await people.user("ravi@example.in")
    made = {
        "tax": await add_conversation(
            asha.id, "Old or new regime", category="income_tax", at=days_ago(10), turns=[Turn(rating="up")]
        ),
        "gst": await add_conversation(
            asha.id,
            "GST registration",
            category="gst",
            at=days_ago(5),
            turns=[Turn(question="Do I need GSTIN for 25% of turnover_x?", rating="down")],
        ),
        "stopped": await add_conversation(
            ravi.id, "SIP or lump sum", category="investment", at=days_ago(3), turns=[Turn(status="stopped")]
        ),
        "failed": await add_conversation(
            ravi.id,
            "Claim settlement",
            category="insurance",
            at=days_ago(2),
            turns=[Turn(status="failed", error="Timed out", rating="down")],
        ),
        "recovered": await add_conversation(
            ravi.id,
            "ELSS lock-in",
            category="investment",
            at=days_ago(1),
            turns=[Turn(status="failed", error="Timed out"), Turn(answer="Three years.")],
        ),
    }
    return admin, ravi, {name: m.id for name, m in made.items()}


async def test_each_filter_keeps_exactly_the_matching_conversations(varied):
    admin, ravi, ids = varied
    cases = [
        (ConversationFilters(category="investment"), ["recovered", "stopped"]),
        (ConversationFilters(category="Income Tax"), ["tax"]),  # labels work as in the user's own list
        (ConversationFilters(status="failed"), ["failed"]),  # the last answer counts, not an earlier one
        (ConversationFilters(status="complete"), ["recovered", "gst", "tax"]),
        (ConversationFilters(status="stopped"), ["stopped"]),
        (ConversationFilters(feedback="up"), ["tax"]),
        (ConversationFilters(feedback="down"), ["failed", "gst"]),
        (ConversationFilters(feedback="any"), ["failed", "gst", "tax"]),
        (ConversationFilters(user=str(ravi.id)), ["recovered", "failed", "stopped"]),
        (ConversationFilters(user="ASHA.VERMA"), ["gst", "tax"]),  # part of an email, any case
        (ConversationFilters(user="example.in"), ["recovered", "failed", "stopped"]),
        (ConversationFilters(since=days_ago(3).date()), ["recovered", "failed", "stopped"]),
        (ConversationFilters(until=days_ago(5).date()), ["gst", "tax"]),
        (ConversationFilters(since=days_ago(5).date(), until=days_ago(2).date()), ["failed", "stopped", "gst"]),
        (ConversationFilters(q="regime"), ["tax"]),  # in a title
        (ConversationFilters(q="three YEARS"), ["recovered"]),  # in an answer, any case
        (ConversationFilters(q="25%"), ["gst"]),  # % and _ are literal characters
        (ConversationFilters(q="r_x"), ["gst"]),
        (ConversationFilters(q="5%%"), []),
        (ConversationFilters(category="investment", status="failed"), []),
        (ConversationFilters(user="ravi", feedback="down", q="claim"), ["failed"]),
        (ConversationFilters(q="  ", user="", category="", status="", feedback=""), list(reversed(ids))),
    ]
    for filters, expected in cases:
        assert await _ids(admin, filters) == [ids[name] for name in expected], filters


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        (ConversationFilters(status="done"), "status"),
        (ConversationFilters(feedback="meh"), "feedback"),
        (ConversationFilters(sort="random"), "sort"),
        (ConversationFilters(category="crypto"), "category"),
        (ConversationFilters(q="x" * 201), "q"),
        (ConversationFilters(q="a\x00b"), "q"),
        (ConversationFilters(user="u" * 255), "user"),
        (ConversationFilters(user="\u202eadmin"), "user"),
        (ConversationFilters(since=days_ago(1).date(), until=days_ago(2).date()), "until"),
        (ConversationFilters(since=days_ago(1)), "since"),  # a datetime is not a day
        (ConversationFilters(until="2026-01-01"), "until"),  # type: ignore[arg-type]
    ],
)
async def test_a_bad_filter_names_its_field(sqlite_database, filters, field):
    with pytest.raises(ValidationError) as raised:
        await list_conversations(an_admin(), filters)
    assert raised.value.field == field


# --- paging and sorting -----------------------------------------------------------------------------


@pytest.fixture
async def many(database, people):
    """23 conversations: equal times and equal lengths included, so ties must be broken by id."""
    _, admin = await people.user(admin=True)
    owner, _ = await people.user()
    made = []
    for i in range(23):
        turns = [Turn()] * (i % 4 + 1)
        made.append(await add_conversation(owner.id, f"Conversation {i}", at=days_ago(i % 5), turns=turns))
    return admin, made


@pytest.mark.parametrize("sort", ["recent", "oldest", "longest", "shortest"])
@pytest.mark.parametrize("limit", [1, 5, 100])
async def test_paging_returns_every_row_once_in_the_sort_order(many, sort, limit):
    admin, made = many
    filters = ConversationFilters(sort=sort)

    seen = await _all_pages(admin, filters, limit)

    assert sorted(seen) == sorted(m.id for m in made)  # each once
    assert seen == await _ids(admin, filters)  # in the same order as one big page
    rows = (await list_conversations(admin, filters, limit=100)).items
    keys = [(r.updated_at if sort in ("recent", "oldest") else r.message_count, r.id) for r in rows]
    assert keys == sorted(keys, reverse=sort in ("recent", "longest"))


async def test_longest_and_shortest_sort_by_message_count(many):
    admin, _ = many
    longest = (await list_conversations(admin, ConversationFilters(sort="longest"), limit=100)).items
    shortest = (await list_conversations(admin, ConversationFilters(sort="shortest"), limit=100)).items

    assert [r.message_count for r in longest][:6] == [8] * 5 + [6]
    assert [r.message_count for r in shortest][:7] == [2] * 6 + [4]


async def test_paging_with_a_filter_stays_inside_it(many):
    admin, made = many
    filters = ConversationFilters(q="Conversation 1", sort="longest")  # 1 and 10..19

    seen = await _all_pages(admin, filters, 3)

    assert len(seen) == 11
    assert set(seen) == {m.id for i, m in enumerate(made) if str(i).startswith("1")}


@pytest.mark.parametrize("cursor", ["garbage", "", "eyJ4Ijp9", "WyJyZWNlbnQiLDEsMl0"])
async def test_a_bad_cursor_is_a_validation_error(many, cursor):
    admin, _ = many
    if not cursor:
        assert len(await _ids(admin, cursor=cursor)) == 23  # an empty cursor is the first page
        return
    with pytest.raises(ValidationError) as raised:
        await list_conversations(admin, ConversationFilters(), cursor=cursor)
    assert raised.value.field == "cursor"


async def test_a_cursor_of_another_sort_order_is_refused(many):
    admin, _ = many
    page = await list_conversations(admin, ConversationFilters(sort="recent"), limit=2)

    with pytest.raises(ValidationError) as raised:
        await list_conversations(admin, ConversationFilters(sort="oldest"), cursor=page.next_cursor)
    assert raised.value.field == "cursor"


# --- the transcript ---------------------------------------------------------------------------------


async def test_the_transcript_has_every_figure_and_rating_and_reading_it_is_audited(database, people):
    admin_user, admin = await people.user(admin=True)
    owner, _ = await people.user("owner@example.com")
    made = await add_conversation(
        owner.id,
        "<b>Loan</b>",
        turns=[
            Turn(question="EMI on ₹10 lakh?", tokens_in=120, tokens_out=80, first_token_ms=350, latency_ms=2100),
            Turn(status="failed", error="Timed out", answer="Partial", rating="down", comment="<script>x</script>"),
        ],
    )

    transcript = await read_transcript(admin, str(made.id))

    assert transcript.conversation.id == str(made.id) and transcript.conversation.title == "<b>Loan</b>"
    assert [(m.role, m.content) for m in transcript.messages] == [
        ("user", "EMI on ₹10 lakh?"),
        ("assistant", "Up to ₹1.5 lakh a year."),
        ("user", "How much can I save under 80C?"),
        ("assistant", "Partial"),
    ]
    first, second = transcript.messages[1], transcript.messages[3]
    assert (first.model, first.tokens_in, first.tokens_out, first.first_token_ms, first.latency_ms) == (
        "test-model",
        120,
        80,
        350,
        2100,
    )
    assert (first.status, first.error, first.rating, first.comment) == ("complete", None, None, None)
    assert (second.status, second.error, second.rating, second.comment) == (
        "failed",
        "Timed out",
        "down",
        "<script>x</script>",
    )
    (row,) = await audit_rows("admin.conversation.read")
    assert (row.actor_id, row.target_type, row.target_id) == (admin_user.id, "conversation", str(made.id))
    assert row.details["owner"] == "owner@example.com"


@pytest.mark.parametrize("ident", [uuid.uuid4(), "not-an-id", "", None, 42])
async def test_a_missing_or_malformed_transcript_is_not_found_and_not_audited(database, people, ident):
    _, admin = await people.user(admin=True)
    with pytest.raises(NotFound):
        await read_transcript(admin, ident)
    assert await audit_rows("admin.conversation.read") == []


# --- deleting ---------------------------------------------------------------------------------------------


async def test_deleting_removes_conversations_for_their_owner_with_no_rows_left_behind(database, people):
    admin_user, admin = await people.user(admin=True)
    owner, owner_actor = await people.user("owner@example.com")
    doomed = [await add_conversation(owner.id, f"Doomed {i}", turns=[Turn(rating="up"), Turn()]) for i in range(2)]
    kept = await add_conversation(owner.id, "Kept", turns=[Turn(rating="down")])

    deleted = await delete_conversations(admin, [str(doomed[0].id), str(doomed[1].id), str(doomed[0].id)])

    assert deleted == 2
    gone = [d.id for d in doomed]
    assert await count(Conversation, Conversation.id.in_(gone)) == 0
    assert await count(Message, Message.conversation_id.in_(gone)) == 0
    assert await count(MessageFeedback) == 1  # the kept conversation's rating only
    assert await count(Message, Message.conversation_id == kept.id) == 2
    page = await conversations.list_conversations(owner_actor)
    assert [c.id for c in page.items] == [kept.id]
    for d in doomed:
        with pytest.raises(NotFound):
            await conversations.get_conversation(owner_actor, d.id)
    rows = await audit_rows("admin.conversation.delete")
    assert sorted(r.target_id for r in rows) == sorted(str(i) for i in gone)
    assert all(r.actor_id == admin_user.id and r.details["messages"] == 4 for r in rows)
    assert {r.details["title"] for r in rows} == {"Doomed 0", "Doomed 1"}


async def test_ids_already_gone_are_skipped_and_a_malformed_one_deletes_nothing(database, people):
    _, admin = await people.user(admin=True)
    owner, _ = await people.user()
    made = await add_conversation(owner.id)

    assert await delete_conversations(admin, [str(uuid.uuid4())]) == 0
    before = await snapshot()
    with pytest.raises(NotFound):
        await delete_conversations(admin, [str(made.id), "not-an-id"])
    assert await snapshot() == before
    with pytest.raises(NotFound):
        await admin_conversations.delete_conversation(admin, uuid.uuid4())


@pytest.mark.parametrize("ids", [[], "abc", None, [str(uuid.uuid4())] * 101])
async def test_a_bad_selection_is_a_validation_error(sqlite_database, ids):
    with pytest.raises(ValidationError) as raised:
        await delete_conversations(an_admin(), ids)
    assert raised.value.field == "ids"
    assert await count(AuditLog, AuditLog.action == "admin.conversation.delete") == 0


async def test_deleting_a_conversation_ends_the_answer_still_streaming_in_it(database, people, ai_fake):
    owner, _ = await people.user()
    _, admin = await people.user(admin=True)
    gate = threading.Event()
    ai_fake.enqueue(Script(chunks=["Half an answer", " and the rest"], gate=gate, gate_after=1))
    actor = Actor(channel="ui").as_user(await accounts.get_user(owner.id))
    turn = await chat.send_message(actor, message="Start answering")
    try:
        await asyncio.to_thread(ai_fake.wait_for_requests, 1)

        assert await delete_conversations(admin, [str(turn.conversation.id)]) == 1

        await asyncio.to_thread(ai_fake.wait_closed_early, 1, 10)  # the model is no longer paid for
        await asyncio.wait_for(turn.generation.wait(), 10)
    finally:
        gate.set()
    assert turn.generation.status == "stopped"
    assert await count(Conversation) == 0
    assert await count(Message) == 0  # the writer did not bring the answer back
