"""Exporting the filtered conversations: CSV safe for spreadsheets, JSON with messages, streamed in batches."""

from __future__ import annotations

import csv
import io
import json

import pytest

from finucity.services.admin import ConversationFilters, export_conversations, list_conversations
from finucity.services.admin import conversations as admin_conversations
from finucity.services.admin.export_format import CSV_COLUMNS, safe_cell
from finucity.services.errors import ValidationError
from tests.support.admin_data import Turn, add_conversation, an_admin, audit_rows, days_ago


async def _export(actor, filters: ConversationFilters, fmt: str) -> list[str]:
    return [chunk async for chunk in export_conversations(actor, filters, fmt)]


@pytest.fixture
async def data(database, people):
    _, admin = await people.user(admin=True)
    mallory, _ = await people.user("mallory@example.com", name='=HYPERLINK("http://evil")')
    asha, _ = await people.user("asha@example.com", name="Asha Verma")
    made = [
        await add_conversation(mallory.id, "=1+2", category="gst", at=days_ago(4), turns=[Turn(rating="down")]),
        await add_conversation(mallory.id, "+SUM(A1)", category="gst", at=days_ago(3)),
        await add_conversation(mallory.id, "-2+3", category="income_tax", at=days_ago(2)),
        await add_conversation(asha.id, "@cmd", category="gst", at=days_ago(1), turns=[Turn(), Turn(rating="up")]),
        await add_conversation(asha.id, 'Plain "quoted", with comma\nand a line', category="gst", at=days_ago(0)),
    ]
    return admin, made


async def test_csv_holds_exactly_the_filtered_rows_with_formulas_defused(data):
    admin, made = data
    filters = ConversationFilters(category="gst")

    text = "".join(await _export(admin, filters, "csv"))

    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    listed = (await list_conversations(admin, filters, limit=100)).items
    assert (
        [r["id"] for r in rows]
        == [row.id for row in listed]
        == [str(m.id) for m in (made[4], made[3], made[1], made[0])]
    )
    by_id = {r["id"]: r for r in rows}
    assert by_id[str(made[0].id)]["title"] == "'=1+2"
    assert by_id[str(made[1].id)]["title"] == "'+SUM(A1)"
    assert by_id[str(made[3].id)]["title"] == "'@cmd"
    assert by_id[str(made[4].id)]["title"] == 'Plain "quoted", with comma\nand a line'
    assert by_id[str(made[0].id)]["user_name"] == '\'=HYPERLINK("http://evil")'
    assert (by_id[str(made[3].id)]["message_count"], by_id[str(made[3].id)]["thumbs_up"]) == ("4", "1")
    assert by_id[str(made[0].id)]["thumbs_down"] == "1"
    assert list(rows[0]) == list(CSV_COLUMNS)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=cmd", "'=cmd"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
        (5, 5),
    ],
)
def test_cells_that_a_spreadsheet_would_run_start_with_a_quote(value, cell):
    assert safe_cell(value) == cell


async def test_json_holds_the_filtered_conversations_with_their_messages(data):
    admin, made = data

    text = "".join(await _export(admin, ConversationFilters(user="asha"), "json"))

    items = json.loads(text)
    assert [item["id"] for item in items] == [str(made[4].id), str(made[3].id)]
    assert items[1]["title"] == "@cmd"  # JSON is not a spreadsheet: text as typed
    assert [(m["role"], m["rating"]) for m in items[1]["messages"]] == [
        ("user", None),
        ("assistant", None),
        ("user", None),
        ("assistant", "up"),
    ]
    assert items[1]["messages"][1]["tokens_out"] == 20 and items[1]["created_at"] == days_ago(1).isoformat()


async def test_an_empty_export_is_still_a_valid_file(data):
    admin, _ = data
    filters = ConversationFilters(q="nothing matches this")

    assert json.loads("".join(await _export(admin, filters, "json"))) == []
    assert list(csv.reader(io.StringIO("".join(await _export(admin, filters, "csv"))))) == [list(CSV_COLUMNS)]


@pytest.mark.parametrize("fmt", ["csv", "json"])
async def test_the_export_is_read_and_sent_in_batches_and_audited_once(data, monkeypatch, fmt):
    admin, made = data
    monkeypatch.setattr(admin_conversations, "EXPORT_BATCH", 2)

    chunks = await _export(admin, ConversationFilters(sort="oldest"), fmt)

    assert len(chunks) >= 4  # a head, three batches of at most two (and JSON's closing bracket)
    text = "".join(chunks)
    ids = [r["id"] for r in csv.DictReader(io.StringIO(text, newline=""))] if fmt == "csv" else None
    ids = ids if ids is not None else [item["id"] for item in json.loads(text)]
    assert ids == [str(m.id) for m in made]
    (row,) = await audit_rows("admin.conversations.export")
    assert row.details["format"] == fmt and row.details["filters"] == {"sort": "oldest"}


@pytest.mark.parametrize(
    ("fmt", "filters", "field"),
    [
        ("xlsx", ConversationFilters(), "format"),
        ("csv", ConversationFilters(status="bogus"), "status"),
        ("json", ConversationFilters(since=days_ago(1).date(), until=days_ago(3).date()), "until"),
    ],
)
async def test_bad_input_is_refused_before_anything_is_sent_or_audited(sqlite_database, fmt, filters, field):
    stream = export_conversations(an_admin(), filters, fmt)
    with pytest.raises(ValidationError) as raised:
        await anext(stream)
    assert raised.value.field == field
    assert await audit_rows("admin.conversations.export") == []
