"""The usage ledger: what was asked and spent, counted once, when it happens, and kept.

Two tables (finucity.models): `usage_ledger`, one row per UTC day, user, model, channel
and category with the questions asked, the answers finished by status and the tokens
spent (per-user figures and quotas); and `usage_counters`, per UTC day, the same totals
summed over users, the users active that day, the latency histograms and the failure
reasons (the overview reads only these: a few hundred rows a day instead of thousands).
Both are only ever added to, in the same transaction as the write they count:

- a question, when `chat.send_message` saves it (`Tally.question`);
- an answer, when `generation` saves its final state (`count_answer`); if the row is
  gone by then (its conversation was deleted mid-answer) or was already ended by the
  reaper, only its tokens are added: they were spent all the same;
- an answer the reaper marks failed because its worker died (`record_reaped`).

Deleting or regenerating an answer later changes nothing here. Quotas (services/quota.py)
and the admin overview and usage pages read these tables instead of scanning messages.

Latency histograms: values under 20 ms have a bucket each; above that the buckets grow
by 5% (bucket k covers [20 * 1.05^(k-20), 20 * 1.05^(k-19)) ms), so a median or p95 read
from them (`percentile`, which interpolates inside the bucket) is within 5% of the exact
value, and exact below 20 ms.

Migration 0005 fills both tables from the messages already there (`backfill`), with the
channel "unknown", since messages do not record it.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from finucity.models import Conversation, Message, MessageRole, MessageStatus, UsageCounter, UsageLedger

FIRST_TOKEN, ANSWER, FAILURE = "first_token", "answer", "failure"
# Per-day totals for the overview, summed over users (a few rows a day, not one per user):
# "questions" (key ""), "active" (key: a user id that asked that day), and per model (key:
# the model, "" when none): "complete", "stopped", "failed", "tokens_in", "tokens_out".
QUESTIONS, ACTIVE, TOKENS_IN, TOKENS_OUT = "questions", "active", "tokens_in", "tokens_out"
PER_MODEL = (
    *(s.value for s in (MessageStatus.complete, MessageStatus.stopped, MessageStatus.failed)),
    TOKENS_IN,
    TOKENS_OUT,
)
EXACT_BELOW_MS = 20
GROWTH = 1.05
UNKNOWN_CHANNEL = "unknown"
_STATUS_COLUMN = {
    MessageStatus.complete.value: "answers_complete",
    MessageStatus.stopped.value: "answers_stopped",
    MessageStatus.failed.value: "answers_failed",
}
_COUNTS = ("questions", "answers_complete", "answers_stopped", "answers_failed", "tokens_in", "tokens_out")
_LEDGER_KEY = ("day", "user_id", "model", "channel", "category")
_COUNTER_KEY = ("day", "metric", "key")


# --- who spent it --------------------------------------------------------------------------------


def channel_of(actor) -> str:
    """Where a request came from, as the ledger keys it: web, api, token:<id>, cli, system."""
    token_id = getattr(actor, "api_token_id", None)
    if token_id is not None:
        return f"token:{token_id}"
    return {"ui": "web"}.get(actor.channel, actor.channel)


def token_of(channel: str) -> uuid.UUID | None:
    """The API token id in a "token:<id>" channel, else None."""
    if not channel.startswith("token:"):
        return None
    try:
        return uuid.UUID(channel.removeprefix("token:"))
    except ValueError:
        return None


@dataclasses.dataclass(frozen=True)
class Spender:
    """Whose answer a generation writes, fixed when it starts (its row may be gone at the end)."""

    user_id: uuid.UUID
    channel: str
    category: str
    day: date  # the UTC day of the answer's created_at

    @classmethod
    def of(cls, actor, answer: Message) -> Spender:
        return cls(actor.require_user(), channel_of(actor), answer.category, answer.created_at.date())


# --- histograms ----------------------------------------------------------------------------------


def bucket_of(ms: int) -> int:
    if ms < EXACT_BELOW_MS:
        return max(ms, 0)
    return EXACT_BELOW_MS + math.floor(math.log(ms / EXACT_BELOW_MS) / math.log(GROWTH))


def bucket_bounds(bucket: int) -> tuple[float, float]:
    """[low, high) in ms of a bucket."""
    if bucket < EXACT_BELOW_MS:
        return float(bucket), float(bucket)  # one whole-millisecond value
    low = EXACT_BELOW_MS * GROWTH ** (bucket - EXACT_BELOW_MS)
    return low, low * GROWTH


def percentile(histogram: dict[int, int], fraction: float) -> int | None:
    """The value at `fraction` as percentile_cont computes it (linear between the values at
    ranks floor and ceil of fraction * (n - 1)), each value read from the histogram
    {bucket: count} as if a bucket's values were evenly spread over it."""
    total = sum(histogram.values())
    if total == 0:
        return None
    ordered = sorted((b, n) for b, n in histogram.items() if n > 0)

    def value_at(rank: int) -> float:
        seen = 0
        for bucket, count in ordered:
            if rank < seen + count:
                low, high = bucket_bounds(bucket)
                return low + (high - low) * (rank - seen + 0.5) / count
            seen += count
        return bucket_bounds(ordered[-1][0])[1]

    position = fraction * (total - 1)
    below, above = math.floor(position), math.ceil(position)
    low_value = value_at(below)
    return round(low_value + (value_at(above) - low_value) * (position - below))


# --- adding up ---------------------------------------------------------------------------------


@dataclasses.dataclass
class Tally:
    """Increments to add to the ledger, summed in memory first (one upsert per key)."""

    ledger: dict[tuple, dict[str, int]] = dataclasses.field(default_factory=lambda: defaultdict(dict))
    counters: dict[tuple, int] = dataclasses.field(default_factory=lambda: defaultdict(int))

    def _add(self, key: tuple, **counts: int) -> None:
        row = self.ledger[key]
        for name, n in counts.items():
            row[name] = row.get(name, 0) + n

    def question(self, day: date, user_id: uuid.UUID, model: str | None, channel: str, category: str) -> None:
        self._add((day, user_id, model or "", channel, category), questions=1)
        self.counters[(day, QUESTIONS, "")] += 1
        self.counters[(day, ACTIVE, str(user_id))] += 1

    def answer(
        self,
        day: date,
        user_id: uuid.UUID,
        model: str | None,
        channel: str,
        category: str,
        *,
        status: str | None,
        tokens_in: int | None,
        tokens_out: int | None,
        first_token_ms: int | None = None,
        latency_ms: int | None = None,
        error: str | None = None,
    ) -> None:
        """`status` None: only the tokens (the answer itself was counted elsewhere, or is gone)."""
        counts = {"tokens_in": tokens_in or 0, "tokens_out": tokens_out or 0}
        for metric, n in ((TOKENS_IN, tokens_in), (TOKENS_OUT, tokens_out)):
            if n:
                self.counters[(day, metric, model or "")] += n
        if status in _STATUS_COLUMN:
            counts[_STATUS_COLUMN[status]] = 1
            self.counters[(day, status, model or "")] += 1
            if first_token_ms is not None:
                self.counters[(day, FIRST_TOKEN, str(bucket_of(first_token_ms)))] += 1
            if status == MessageStatus.complete.value and latency_ms is not None:
                self.counters[(day, ANSWER, str(bucket_of(latency_ms)))] += 1
            if status == MessageStatus.failed.value and error:
                self.counters[(day, FAILURE, error[:300])] += 1
        self._add((day, user_id, model or "", channel, category), **counts)

    def message(self, row, user_id: uuid.UUID, channel: str, question_model: str | None = None) -> None:
        """Count a stored message (a Message, or a row with its columns) as the writers would have.
        A question is counted under `question_model` (the writer uses the model that answers it)."""
        day = row.created_at.date()
        if row.role == MessageRole.user.value:
            self.question(day, user_id, question_model or row.model, channel, row.category)
        elif row.status in _STATUS_COLUMN:
            self.answer(
                day,
                user_id,
                row.model,
                channel,
                row.category,
                status=row.status,
                tokens_in=row.tokens_in,
                tokens_out=row.tokens_out,
                first_token_ms=row.first_token_ms,
                latency_ms=row.latency_ms,
                error=row.error,
            )

    def statements(self, dialect: str) -> list[tuple[object, list[dict]]]:
        """Upserts that add this tally to the tables: (statement, parameter rows)."""
        found = []
        ledger_rows = [
            {**dict(zip(_LEDGER_KEY, key, strict=True)), **{c: counts.get(c, 0) for c in _COUNTS}}
            for key, counts in self.ledger.items()
        ]
        counter_rows = [{**dict(zip(_COUNTER_KEY, key, strict=True)), "n": n} for key, n in self.counters.items()]
        for table, rows in ((UsageLedger.__table__, ledger_rows), (UsageCounter.__table__, counter_rows)):
            if rows:
                found.append((_upsert(dialect, table.name), rows))
        return found


@functools.cache
def _upsert(dialect: str, table_name: str):
    """The statement that adds counts to one of the two tables, built once: building it
    (`excluded` copies the table's columns) cost more than running it, before every question."""
    table, key, columns = {
        UsageLedger.__tablename__: (UsageLedger.__table__, _LEDGER_KEY, _COUNTS),
        UsageCounter.__tablename__: (UsageCounter.__table__, _COUNTER_KEY, ("n",)),
    }[table_name]
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    return insert.on_conflict_do_update(
        index_elements=list(key), set_={c: table.c[c] + insert.excluded[c] for c in columns}
    )


def of_rows(rows: Sequence[dict], owners: dict[uuid.UUID, uuid.UUID], channel: str = "web") -> Tally:
    """A tally of message rows as dictionaries (bulk inserts: seed-demo), `owners` mapping each
    conversation to its user; questions go under the model of their conversation's answers."""
    models = {r["conversation_id"]: r.get("model") for r in rows if r["role"] == MessageRole.assistant.value}
    tally = Tally()
    for r in rows:
        row = _Row(**{name: r.get(name) for name in _Row.__dataclass_fields__})
        tally.message(row, owners[r["conversation_id"]], channel, models.get(r["conversation_id"]))
    return tally


@dataclasses.dataclass(frozen=True)
class _Row:
    role: str
    status: str
    model: str | None
    category: str
    tokens_in: int | None
    tokens_out: int | None
    first_token_ms: int | None
    latency_ms: int | None
    error: str | None
    created_at: datetime


async def apply(session: AsyncSession | AsyncConnection, tally: Tally) -> None:
    """Add `tally` inside the caller's transaction."""
    dialect = session.get_bind().dialect.name if isinstance(session, AsyncSession) else session.dialect.name
    for stmt, rows in tally.statements(dialect):
        for start in range(0, len(rows), 1000):
            await session.execute(stmt, rows[start : start + 1000])


# --- the writers' hooks --------------------------------------------------------------------------


def count_answer(
    tally: Tally,
    spender: Spender,
    *,
    saved: bool,
    model: str | None,
    status: str,
    tokens_in: int | None,
    tokens_out: int | None,
    first_token_ms: int | None,
    latency_ms: int | None,
    error: str | None,
) -> None:
    """The final save of an answer; `saved` False when its row was not updated (gone, or reaped).
    (A question is counted by `Tally.question` when `chat.send_message` writes it.)"""
    tally.answer(
        spender.day,
        spender.user_id,
        model,
        spender.channel,
        spender.category,
        status=status if saved else None,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        first_token_ms=first_token_ms,
        latency_ms=latency_ms,
        error=error,
    )


async def record_reaped(session: AsyncSession, message_ids: Sequence[uuid.UUID]) -> None:
    """Answers just marked failed by the reaper (their worker died): counted as failed."""
    if not message_ids:
        return
    rows = (
        await session.execute(
            select(*_MESSAGE_COLUMNS, Conversation.user_id)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(Message.id.in_(list(message_ids)))
        )
    ).all()
    tally = Tally()
    for row in rows:
        tally.message(row, row.user_id, UNKNOWN_CHANNEL)
    await apply(session, tally)


# --- from the messages already stored ----------------------------------------------------------

_MESSAGE_COLUMNS = (
    Message.role,
    Message.status,
    Message.model,
    Message.category,
    Message.tokens_in,
    Message.tokens_out,
    Message.first_token_ms,
    Message.latency_ms,
    Message.error,
    Message.created_at,
)


def tally_of(rows: Iterable, channel: str = UNKNOWN_CHANNEL) -> Tally:
    """A tally of stored messages, each row with the message columns and `user_id`."""
    tally = Tally()
    for row in rows:
        tally.message(row, row.user_id, channel)
    return tally


def backfill(connection: Connection, since: datetime | None = None) -> int:
    """Add every stored message (created at or after `since`) to the ledger; synchronous,
    for migrations. Returns the number of messages read."""
    stmt = select(*_MESSAGE_COLUMNS, Conversation.user_id).join(
        Conversation, Conversation.id == Message.conversation_id
    )
    if since is not None:
        stmt = stmt.where(Message.created_at >= since)
    read = 0
    tally = Tally()
    for row in connection.execute(stmt.execution_options(yield_per=20_000)):
        tally.message(row, row.user_id, UNKNOWN_CHANNEL)
        read += 1
    for statement, rows in tally.statements(connection.dialect.name):
        for start in range(0, len(rows), 5000):
            connection.execute(statement, rows[start : start + 5000])
    return read
