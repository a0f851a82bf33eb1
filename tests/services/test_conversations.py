"""A user's conversations: listing and paging, search, renaming, deleting, export, ownership.

Most conversations here are written straight to the database (with chosen
`updated_at` values, so the order is known); one test goes through
`chat.send_message` with the fake OpenAI server.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from finucity.models import AuditLog, Conversation, Message, MessageRole, MessageStatus, utcnow
from finucity.services import chat, conversations
from finucity.services.context import Actor, read_only, unit_of_work
from finucity.services.errors import NotFound, ValidationError
from tests.fakes.fake_openai import Script

NOT_FOUND = "Conversation not found"


# --- helpers --------------------------------------------------------------------------------


async def _make(
    user_id: uuid.UUID,
    title: str,
    *,
    updated_at: datetime | None = None,
    category: str = "general",
    messages: list[tuple[str, str]] = (),
    status: str = MessageStatus.complete.value,
) -> uuid.UUID:
    """A conversation with `messages` ((role, content), oldest first), written directly."""
    updated_at = updated_at or utcnow()
    async with unit_of_work(Actor(channel="system")) as uow:
        conversation = Conversation(
            user_id=user_id,
            title=title,
            category=category,
            created_at=updated_at - timedelta(minutes=5),
            updated_at=updated_at,
        )
        uow.session.add(conversation)
        await uow.session.flush()
        for i, (role, content) in enumerate(messages):
            stamp = updated_at - timedelta(minutes=4) + timedelta(seconds=i)
            uow.session.add(
                Message(
                    conversation_id=conversation.id,
                    role=role,
                    content=content,
                    status=status if role == MessageRole.assistant.value else MessageStatus.complete.value,
                    category=category,
                    created_at=stamp,
                    updated_at=stamp,
                )
            )
    return conversation.id


async def _make_many(specs: list[tuple[uuid.UUID, str, datetime]]) -> list[uuid.UUID]:
    """Many empty conversations in one transaction: (user_id, title, updated_at)."""
    async with unit_of_work(Actor(channel="system")) as uow:
        rows = [
            Conversation(user_id=user_id, title=title, created_at=stamp, updated_at=stamp)
            for user_id, title, stamp in specs
        ]
        uow.session.add_all(rows)
    return [r.id for r in rows]


def _turn(question: str, answer: str) -> list[tuple[str, str]]:
    return [(MessageRole.user.value, question), (MessageRole.assistant.value, answer)]


async def _count(model, *where) -> int:
    async with read_only() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def _snapshot() -> dict:
    """Everything a change could touch: every conversation and message, and the audit count."""
    async with read_only() as session:
        convs = sorted(
            (str(c.id), c.title, c.category, c.updated_at.isoformat())
            for c in await session.scalars(select(Conversation))
        )
        msgs = sorted((str(m.id), m.content, m.status) for m in await session.scalars(select(Message)))
    return {"conversations": convs, "messages": msgs, "audit": await _count(AuditLog)}


async def _audit(action: str) -> list[AuditLog]:
    async with read_only() as session:
        return list(await session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


async def _title(conversation_id: uuid.UUID) -> str:
    async with read_only() as session:
        return (await session.get(Conversation, conversation_id)).title


async def _ids(actor, **kwargs) -> list[uuid.UUID]:
    return [c.id for c in (await conversations.list_conversations(actor, **kwargs)).items]


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


# --- listing ------------------------------------------------------------------------------------


async def test_listing_shows_only_my_conversations_newest_first_with_counts_and_previews(database, people):
    me, actor = await people.user()
    other, _ = await people.user()
    now = utcnow()
    oldest = await _make(
        me.id, "Oldest", updated_at=now - timedelta(hours=3), messages=_turn("What is GST?", "A tax on supply.")
    )
    empty = await _make(me.id, "Nothing yet", updated_at=now - timedelta(hours=2))
    long_answer = "**Short answer:** " + "invest regularly in index funds " * 20
    newest = await _make(
        me.id,
        "Newest",
        updated_at=now - timedelta(hours=1),
        messages=_turn("Where to invest?", "Index funds.") + _turn("And how much?", long_answer),
    )
    await _make(other.id, "Not mine", updated_at=now, messages=_turn("Secret?", "Secret answer."))

    page = await conversations.list_conversations(actor)

    assert [c.id for c in page.items] == [newest, empty, oldest]
    assert page.next_cursor is None
    by_id = {c.id: c for c in page.items}
    assert [by_id[i].message_count for i in (newest, empty, oldest)] == [4, 0, 2]
    assert by_id[oldest].preview == "A tax on supply."  # the latest message
    assert by_id[empty].preview == ""
    preview = by_id[newest].preview
    assert preview.startswith("Short answer: invest regularly")  # markdown markers removed
    assert "**" not in preview
    assert len(preview) <= conversations.PREVIEW_CHARS and preview.endswith("…")
    assert "Not mine" not in [c.title for c in page.items]


async def test_a_new_question_moves_its_conversation_to_the_top(database, people, ai_fake):
    _, actor = await people.user()
    ids = []
    for question in ("About GST", "About PPF", "About ELSS"):
        ai_fake.enqueue(Script(chunks=[f"Answer {question}."]))
        turn = await chat.send_message(actor, message=question)
        await turn.generation.wait()
        ids.append(turn.conversation.id)
    assert await _ids(actor) == ids[::-1]

    ai_fake.enqueue(Script(chunks=["Follow-up answer."]))
    turn = await chat.send_message(actor, message="More on GST", conversation_id=ids[0])
    await turn.generation.wait()

    page = await conversations.list_conversations(actor)
    assert [c.id for c in page.items] == [ids[0], ids[2], ids[1]]
    assert page.items[0].message_count == 4
    assert page.items[0].preview == "Follow-up answer."


@pytest.mark.parametrize("limit", [None, 7])
async def test_paging_returns_every_conversation_exactly_once_in_order(database, people, limit):
    me, actor = await people.user()
    other, _ = await people.user()
    base = datetime(2025, 3, 31, 18, 30, 0, tzinfo=UTC)  # whole second: no microseconds at all
    tie = base - timedelta(hours=1)
    specs = []
    # 45 newest with distinct times, then 10 with the very same time (straddling
    # the 50th row, where the first page of 50 ends), then 75 older ones.
    specs += [(me.id, f"Recent {i}", base - timedelta(seconds=i, microseconds=7 * i)) for i in range(45)]
    specs += [(me.id, f"Tied {i}", tie) for i in range(10)]
    specs += [(me.id, f"Older {i}", tie - timedelta(minutes=1 + i, microseconds=i)) for i in range(75)]
    # Another user's conversations at the same moments must never show up.
    specs += [(other.id, f"Theirs {i}", stamp) for i, (_, _, stamp) in enumerate(specs[40:60])]
    ids = await _make_many(specs)
    mine = {i: spec for i, spec in zip(ids, specs, strict=True) if spec[0] == me.id}
    expected = sorted(mine, key=lambda i: (mine[i][2], str(i)), reverse=True)
    assert [mine[i][2] for i in expected[45:55]] == [tie] * 10

    seen: list[uuid.UUID] = []
    sizes = []
    cursor = None
    kwargs = {} if limit is None else {"limit": limit}
    for _ in range(100):
        page = await conversations.list_conversations(actor, cursor=cursor, **kwargs)
        seen += [c.id for c in page.items]
        sizes.append(len(page.items))
        cursor = page.next_cursor
        if cursor is None:
            break

    assert len(seen) == len(set(seen)) == 130
    assert set(seen) == set(mine)
    assert [mine[i][1] for i in seen] == [mine[i][1] for i in expected]  # newest first, ties by id
    page_size = limit or conversations.PAGE_SIZE
    assert all(size == page_size for size in sizes[:-1]) and 0 < sizes[-1] <= page_size


async def test_a_page_is_never_larger_than_the_maximum(database, people):
    me, actor = await people.user()
    now = utcnow()
    await _make_many([(me.id, f"C{i}", now - timedelta(seconds=i)) for i in range(conversations.MAX_PAGE_SIZE + 5)])

    page = await conversations.list_conversations(actor, limit=10_000)

    assert len(page.items) == conversations.MAX_PAGE_SIZE
    assert page.next_cursor is not None
    rest = await conversations.list_conversations(actor, limit=10_000, cursor=page.next_cursor)
    assert len(rest.items) == 5 and rest.next_cursor is None


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!",
        "é",
        _cursor("yesterday|" + str(uuid.uuid4())),
        _cursor("2025-01-01T00:00:00|" + str(uuid.uuid4())),  # no time zone
        _cursor("2025-01-01T00:00:00+00:00|not-a-uuid"),
        _cursor("2025-01-01T00:00:00+00:00"),
        base64.urlsafe_b64encode(b"\xff\xfe\x00").decode(),
    ],
)
async def test_an_invalid_cursor_is_a_validation_error(database, people, cursor):
    me, actor = await people.user()
    await _make(me.id, "Something")
    with pytest.raises(ValidationError) as raised:
        await conversations.list_conversations(actor, cursor=cursor)
    assert raised.value.field == "cursor"


# --- search and filter ------------------------------------------------------------------------


async def test_search_matches_titles_and_messages_case_insensitively(database, people):
    me, actor = await people.user()
    other, _ = await people.user()
    now = utcnow()
    by_title = await _make(me.id, "Home Loan EMI plan", updated_at=now - timedelta(minutes=1))
    by_question = await _make(
        me.id,
        "Untitled",
        updated_at=now - timedelta(minutes=2),
        messages=_turn("Should I prepay my HOME LOAN?", "Perhaps."),
    )
    by_answer = await _make(
        me.id,
        "Another",
        updated_at=now - timedelta(minutes=3),
        messages=_turn("What next?", "Prepaying a home-loan... no, a Home Loan, saves interest."),
    )
    await _make(me.id, "Unrelated", updated_at=now - timedelta(minutes=4), messages=_turn("GST?", "A tax."))
    await _make(other.id, "My home loan too", updated_at=now, messages=_turn("home loan", "home loan"))

    assert await _ids(actor, q="home loan") == [by_title, by_question, by_answer]
    assert await _ids(actor, q="  HOME LOAN  ") == [by_title, by_question, by_answer]
    assert await _ids(actor, q="emi PLAN") == [by_title]
    assert await _ids(actor, q="saves interest") == [by_answer]
    assert await _ids(actor, q="nothing like this") == []
    assert len(await _ids(actor, q="   ")) == 4  # a blank search is no search


async def test_search_treats_percent_and_underscore_literally(database, people):
    me, actor = await people.user()
    now = utcnow()
    percent = await _make(me.id, "Save 10% tax", updated_at=now - timedelta(minutes=1))
    hundred = await _make(me.id, "Save 100 tax", updated_at=now - timedelta(minutes=2))
    underscore = await _make(
        me.id, "Notes", updated_at=now - timedelta(minutes=3), messages=_turn("Field gst_in?", "It is gst_in.")
    )
    lookalike = await _make(
        me.id, "Other notes", updated_at=now - timedelta(minutes=4), messages=_turn("Field gstxin?", "It is gstXin.")
    )
    backslash = await _make(me.id, r"Path C:\tax\2025", updated_at=now - timedelta(minutes=5))

    assert await _ids(actor, q="10%") == [percent]
    assert await _ids(actor, q="%") == [percent]
    assert await _ids(actor, q="gst_in") == [underscore]
    assert await _ids(actor, q="_") == [underscore]
    assert await _ids(actor, q=r"C:\tax") == [backslash]
    assert hundred not in await _ids(actor, q="10%")
    assert lookalike not in await _ids(actor, q="gst_in")


async def test_the_category_filter_shows_only_that_category(database, people):
    me, actor = await people.user()
    other, _ = await people.user()
    now = utcnow()
    gst = await _make(me.id, "GST 1", category="gst", updated_at=now - timedelta(minutes=1))
    tax = await _make(me.id, "Tax", category="income_tax", updated_at=now - timedelta(minutes=2))
    gst_old = await _make(
        me.id, "GST 2", category="gst", updated_at=now - timedelta(minutes=3), messages=_turn("home loan?", "no")
    )
    await _make(other.id, "Their GST", category="gst", updated_at=now)

    assert await _ids(actor, category="gst") == [gst, gst_old]
    assert await _ids(actor, category="Income Tax") == [tax]  # the label works too
    assert await _ids(actor, category="insurance") == []
    assert len(await _ids(actor, category="")) == 3
    assert await _ids(actor, category="gst", q="home loan") == [gst_old]
    with pytest.raises(ValidationError) as raised:
        await conversations.list_conversations(actor, category="crypto")
    assert raised.value.field == "category"


# --- renaming -----------------------------------------------------------------------------------


async def test_rename_changes_the_title_and_is_audited(database, people):
    me, actor = await people.user()
    cid = await _make(me.id, "How is my salary taxed?")

    renamed = await conversations.rename_conversation(actor, str(cid), "  Salary   tax\n2025  ")

    assert renamed.title == "Salary tax 2025"
    assert await _title(cid) == "Salary tax 2025"
    assert [c.title for c in (await conversations.list_conversations(actor)).items] == ["Salary tax 2025"]
    (row,) = await _audit("conversation.rename")
    assert row.actor_id == me.id and row.actor_email == me.email
    assert row.target_type == "conversation" and row.target_id == str(cid)
    assert row.details["old"] == "How is my salary taxed?" and row.details["new"] == "Salary tax 2025"

    exact = "x" * conversations.MAX_TITLE
    await conversations.rename_conversation(actor, cid, exact)
    assert await _title(cid) == exact


@pytest.mark.parametrize(
    "title",
    [
        pytest.param("", id="empty"),
        pytest.param("  \n\t ", id="whitespace"),
        pytest.param("x" * 121, id="too-long"),
        pytest.param("bad\x00title", id="nul"),
        pytest.param(None, id="none"),
        pytest.param(123, id="number"),
    ],
)
async def test_an_invalid_title_is_refused_and_nothing_changes(database, people, title):
    me, actor = await people.user()
    cid = await _make(me.id, "Original title")
    before = await _snapshot()

    with pytest.raises(ValidationError) as raised:
        await conversations.rename_conversation(actor, cid, title)

    assert raised.value.field == "title"
    assert await _title(cid) == "Original title"
    assert await _snapshot() == before
    assert await _audit("conversation.rename") == []


# --- deleting -----------------------------------------------------------------------------------


async def test_delete_removes_the_conversation_and_its_messages_and_is_audited(database, people):
    me, actor = await people.user()
    cid = await _make(me.id, "To delete", messages=_turn("Q1", "A1") + _turn("Q2", "A2"))
    kept = await _make(me.id, "To keep", messages=_turn("Keep me", "Kept."))

    await conversations.delete_conversation(actor, str(cid))

    assert await _count(Conversation, Conversation.id == cid) == 0
    assert await _count(Message, Message.conversation_id == cid) == 0
    assert await _count(Message, Message.conversation_id == kept) == 2
    assert await _ids(actor) == [kept]
    with pytest.raises(NotFound):
        await conversations.get_conversation(actor, cid)
    (row,) = await _audit("conversation.delete")
    assert row.actor_id == me.id and row.actor_email == me.email and row.ip == actor.ip
    assert row.target_type == "conversation" and row.target_id == str(cid)
    assert row.details["messages"] == 4 and row.details["title"] == "To delete"
    # Deleting it again finds nothing.
    with pytest.raises(NotFound):
        await conversations.delete_conversation(actor, cid)


# --- ownership ---------------------------------------------------------------------------------


def _other_ids(theirs: uuid.UUID) -> list[object]:
    return [
        theirs,
        str(theirs),
        str(theirs).upper(),
        str(uuid.uuid4()),
        "not-a-uuid",
        "' OR '1'='1",
        "",
        None,
        12345,
        ["list"],
    ]


@pytest.mark.parametrize("operation", ["get", "rename", "delete", "export-md", "export-json"])
async def test_someone_elses_or_a_garbage_id_is_not_found_and_nothing_changes(database, people, operation):
    owner, _ = await people.user()
    _, intruder = await people.user()
    theirs = await _make(owner.id, "Private", messages=_turn("My salary is 20 lakh", "Noted."))
    calls = {
        "get": lambda ident: conversations.get_conversation(intruder, ident),
        "rename": lambda ident: conversations.rename_conversation(intruder, ident, "Hijacked"),
        "delete": lambda ident: conversations.delete_conversation(intruder, ident),
        "export-md": lambda ident: conversations.export_conversation(intruder, ident, "md"),
        "export-json": lambda ident: conversations.export_conversation(intruder, ident, "json"),
    }
    before = await _snapshot()

    for ident in _other_ids(theirs):
        with pytest.raises(NotFound) as raised:
            await calls[operation](ident)
        assert raised.value.message == NOT_FOUND, ident

    assert await _snapshot() == before
    assert await _title(theirs) == "Private"


# --- export -----------------------------------------------------------------------------------


async def test_export_as_markdown_has_both_sides_of_the_conversation(database, people):
    me, actor = await people.user()
    cid = await _make(
        me.id,
        "Salary & tax: FY 2024-25",
        category="income_tax",
        messages=_turn("How is my salary taxed?", "Under the **new regime**, up to ₹7 lakh is tax-free.")
        + _turn("And 80C?", "Only in the old regime."),
    )

    filename, media_type, body = await conversations.export_conversation(actor, str(cid), "md")

    assert filename.endswith(".md") and "/" not in filename
    assert media_type.startswith("text/markdown")
    assert body.startswith("# Salary & tax: FY 2024-25")
    assert "Income Tax" in body
    headings = [line for line in body.splitlines() if line.startswith("## ")]
    assert [h.split(" ·")[0] for h in headings] == ["## You", "## AI Assistant", "## You", "## AI Assistant"]
    for text in (
        "How is my salary taxed?",
        "Under the **new regime**, up to ₹7 lakh is tax-free.",
        "And 80C?",
        "Only in the old regime.",
    ):
        assert text in body
    assert body.index("How is my salary taxed?") < body.index("And 80C?")


async def test_export_marks_answers_that_did_not_complete(database, people):
    me, actor = await people.user()
    cid = await _make(me.id, "Broken", messages=_turn("Question?", "Half an ans"), status=MessageStatus.failed.value)

    _, _, body = await conversations.export_conversation(actor, cid, "md")

    assert "## AI Assistant (failed)" in body
    assert "Half an ans" in body


async def test_export_as_json_round_trips_the_messages(database, people):
    me, actor = await people.user()
    cid = await _make(
        me.id,
        "बचत / savings",
        category="investment",
        messages=_turn("SIP या FD?", "Both: ₹5,000 SIP + FD.\n\n```\ncode\n```") + _turn('Quote "this"', "Done."),
    )
    stored = (await conversations.get_conversation(actor, cid)).messages

    filename, media_type, body = await conversations.export_conversation(actor, cid, "json")

    assert filename.endswith(".json")
    assert media_type == "application/json"
    data = json.loads(body)
    assert data["conversation"]["id"] == str(cid)
    assert data["conversation"]["title"] == "बचत / savings"
    assert data["conversation"]["category"] == "investment"
    assert [
        (
            uuid.UUID(m["id"]),
            m["role"],
            m["content"],
            m["status"],
            m["category"],
            datetime.fromisoformat(m["created_at"]),
        )
        for m in data["messages"]
    ] == [(m.id, m.role, m.content, m.status, m.category, m.created_at) for m in stored]
    assert [m["role"] for m in data["messages"]] == ["user", "assistant", "user", "assistant"]


@pytest.mark.parametrize("fmt", ["pdf", "MD", "", None, "json "])
async def test_an_unknown_export_format_is_a_validation_error(database, people, fmt):
    me, actor = await people.user()
    cid = await _make(me.id, "Something", messages=_turn("Q", "A"))
    with pytest.raises(ValidationError) as raised:
        await conversations.export_conversation(actor, cid, fmt)
    assert raised.value.field == "format"
