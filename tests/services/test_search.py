"""Search (services/search.py) on both databases: what matches, and that the indexes of
migration 0004 follow every insert, edit and delete.

Results are read both through the user's list (`conversations.list_conversations`) and
through the bare condition over every user's conversations, as the admin area uses it.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, select, text, update

from finucity.models import Conversation, Message, MessageRole, User, utcnow
from finucity.services import conversations, search
from finucity.services.context import Actor, read_only, unit_of_work

TRICKY = "He said \"NEAR(80C OR 80D)\" - see: a*b {x} [y] 10% x_y C:\\tax ^up + AND NOT 'quoted'"


async def _conversation(user_id: uuid.UUID, title: str, *texts: str, updated_at: datetime | None = None) -> uuid.UUID:
    """A conversation whose messages alternate question and answer, oldest first."""
    now = updated_at or utcnow()
    async with unit_of_work(Actor(channel="system")) as uow:
        conversation = Conversation(user_id=user_id, title=title, created_at=now, updated_at=now)
        uow.session.add(conversation)
        await uow.session.flush()
        for i, content in enumerate(texts):
            role = MessageRole.user.value if i % 2 == 0 else MessageRole.assistant.value
            uow.session.add(
                Message(conversation_id=conversation.id, role=role, content=content, created_at=now, updated_at=now)
            )
    return conversation.id


async def _mine(actor, q: str) -> set[uuid.UUID]:
    return {c.id for c in (await conversations.list_conversations(actor, q=q)).items}


async def _anyone(q: str) -> set[uuid.UUID]:
    """The bare condition across every user's conversations (the admin area's use)."""
    async with read_only() as session:
        return set(await session.scalars(select(Conversation.id).where(search.conversation_matches(q))))


@pytest.fixture
async def scene(database, people):
    me, actor = await people.user()
    other, _ = await people.user()
    ids = {
        "title": await _conversation(me.id, "Should I buy a term plan or a ULIP?"),
        "question": await _conversation(me.id, "Untitled", "I am a Freelancer with GST questions", "Sure."),
        "answer": await _conversation(me.id, "Another", "What next?", "Invest in ELSS for section 80C."),
        "tricky": await _conversation(me.id, "Symbols", TRICKY, "Noted."),
        "other": await _conversation(other.id, "Their ULIP", "freelancer too", "ELSS"),
    }
    return actor, ids


async def test_matches_titles_and_questions_and_answers(scene):
    actor, ids = scene
    assert await _mine(actor, "ulip") == {ids["title"]}
    assert await _mine(actor, "freelancer") == {ids["question"]}
    assert await _mine(actor, "elss for section") == {ids["answer"]}
    assert await _mine(actor, "nothing like this") == set()
    # The same condition across users, as the admin area filters by it.
    assert await _anyone("ulip") == {ids["title"], ids["other"]}
    assert await _anyone("freelancer") == {ids["question"], ids["other"]}


async def test_case_does_not_matter(scene):
    actor, ids = scene
    for q in ("ULIP", "Ulip", "uLiP", "FREELANCER", "elss FOR Section"):
        assert await _mine(actor, q), q
    assert await _mine(actor, "TERM PLAN") == {ids["title"]}


async def test_the_beginning_of_a_word_finds_the_word_and_so_does_any_part(scene):
    actor, ids = scene
    assert await _mine(actor, "freelanc") == {ids["question"]}
    assert await _mine(actor, "with GST quest") == {ids["question"]}
    # A substring anywhere, as before the index: the meaning did not change.
    assert await _mine(actor, "reelance") == {ids["question"]}
    assert await _mine(actor, "lss") == {ids["answer"]}
    # Words must be in the order typed: this is a substring search, not a bag of words.
    assert await _mine(actor, "section ELSS") == set()


@pytest.mark.parametrize(
    "q",
    [
        '"NEAR(80C OR 80D)"',
        "NEAR(80C",
        "OR 80D",
        '80D)"',
        "- see:",
        "see:",
        "a*b",
        "{x} [y]",
        "10%",
        "%",
        "x_y",
        "_",
        "C:\\tax",
        "\\",
        "^up",
        "+ AND NOT",
        "'quoted'",
        '"',
        "'",
        ":",
        "*",
        "-",
        "(",
        ")",
    ],
)
async def test_special_characters_are_text(scene, q):
    actor, ids = scene
    assert q in TRICKY  # each of these is in the tricky message, and nowhere else
    assert await _mine(actor, q) == {ids["tricky"]}
    assert await _anyone(q) == {ids["tricky"]}


@pytest.mark.parametrize(
    "q", ['"unbalanced', "80C AND 80E", "NEAR(tax gst)", "content: tax", "tax*", "-tax", "(", '""""', "a OR b"]
)
async def test_query_syntax_never_raises_and_is_never_obeyed(scene, q):
    actor, ids = scene
    expected = {ids["tricky"]} if q in TRICKY else set()
    assert await _mine(actor, q) == expected
    assert await _anyone(q) == expected


async def test_wildcards_are_not_wildcards(database, people):
    me, actor = await people.user()
    percent = await _conversation(me.id, "Save 10% tax")
    await _conversation(me.id, "Save 100 tax")
    underscore = await _conversation(me.id, "Notes", "Field gst_in?", "It is gst_in.")
    await _conversation(me.id, "Other notes", "Field gstxin?", "It is gstXin.")
    assert await _mine(actor, "10%") == {percent}
    assert await _mine(actor, "0% t") == {percent}
    assert await _mine(actor, "gst_in") == {underscore}


async def test_rupees_and_indian_scripts(database, people):
    me, actor = await people.user()
    rupees = await _conversation(me.id, "80C", "Can I invest ₹1,50,000 in PPF?", "Yes.")
    hindi = await _conversation(me.id, "आयकर", "आयकर रिटर्न कब तक भरें?", "31 जुलाई तक।")
    assert await _mine(actor, "₹1,50,000") == {rupees}
    assert await _mine(actor, "₹1,5") == {rupees}
    assert await _mine(actor, "आयकर रिटर्न") == {hindi}
    assert await _mine(actor, "जुलाई") == {hindi}


async def test_deleted_messages_and_conversations_no_longer_match(scene):
    actor, ids = scene
    async with unit_of_work(Actor(channel="system")) as uow:
        await uow.session.execute(delete(Message).where(Message.content == "I am a Freelancer with GST questions"))
    assert await _mine(actor, "freelancer") == set()
    assert await _anyone("freelancer") == {ids["other"]}

    await conversations.delete_conversation(actor, ids["answer"])
    assert await _mine(actor, "elss") == set()
    assert await _anyone("elss") == {ids["other"]}


async def test_edited_text_matches_by_its_new_words_only(scene):
    actor, ids = scene
    async with unit_of_work(Actor(channel="system")) as uow:
        # As a streaming answer is saved: the same row, growing.
        await uow.session.execute(
            update(Message)
            .where(Message.content == "Invest in ELSS for section 80C.")
            .values(content="Invest in a tax-saver fund instead.")
        )
    assert await _mine(actor, "elss") == set()
    assert await _mine(actor, "tax-saver") == {ids["answer"]}

    await conversations.rename_conversation(actor, ids["title"], "Insurance choices")
    assert await _mine(actor, "ulip") == set()
    assert await _mine(actor, "insurance choices") == {ids["title"]}


@pytest.mark.parametrize(
    ("common_above", "recent_sample"),
    [(0, 1000), (1_000_000, 1000), (1_000_000, 100)],
    ids=["walked-as-common", "listed-as-rare", "walked-as-common-among-the-newest"],
)
async def test_the_index_list_and_the_walk_agree(database, people, monkeypatch, common_above, recent_sample):
    """Rare text is listed from the index, common text walked with LIKE: the same rows either way,
    old matches included (the list's floor on updated_at must not cut them off)."""
    monkeypatch.setattr(search, "COMMON_MATCHES", common_above)
    monkeypatch.setattr(search, "RECENT_SAMPLE", recent_sample)  # PostgreSQL: 1% of 100 is one hit
    me, actor = await people.user()
    long_ago = utcnow() - timedelta(days=150)
    ids = {
        "title": await _conversation(me.id, "Term plan or ULIP?"),
        "answer": await _conversation(me.id, "x", "What next?", "A ULIP locks in for five years."),
        "old": await _conversation(me.id, "Old", "ulip?", "Yes.", updated_at=long_ago),
    }
    await _conversation(me.id, "Unrelated", "GST?", "A tax.")
    assert await _mine(actor, "ulip") == {ids["title"], ids["answer"], ids["old"]}
    assert await _anyone("ulip") == {ids["title"], ids["answer"], ids["old"]}
    assert await _mine(actor, "LOCKS IN") == {ids["answer"]}
    assert await _mine(actor, '"ULIP') == set()
    assert await _anyone("nowhere at all") == set()


async def test_sqlite_search_reads_the_fts_index(sqlite_database):
    statement = select(Conversation.id).where(search.conversation_matches("freelancer"))
    async with read_only() as session:
        compiled = statement.compile(dialect=session.bind.dialect, compile_kwargs={"literal_binds": True})
        plan = (await session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))).all()
    details = " | ".join(row[-1] for row in plan)
    assert "messages_fts VIRTUAL TABLE" in details
    assert "conversations_fts VIRTUAL TABLE" in details


async def test_contains_takes_wildcards_literally(database, people):
    """search.contains, the admin area's filter on a single column (an email, a name)."""
    await people.user("asha_10%@example.com")
    await people.user("ashax10x@example.com")
    async with read_only() as session:
        emails = set(await session.scalars(select(User.email).where(search.contains(User.email, "HA_10%"))))
    assert emails == {"asha_10%@example.com"}
