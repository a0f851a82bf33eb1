"""Demo rows, made in memory: users, and conversations with their messages and feedback.

Plain dictionaries keyed by column name, ready for a bulk insert: no ORM objects, so a
hundred thousand conversations take seconds to make. Everything random comes from one
`random.Random`, so a seed gives the same texts and shapes (ids are always new, so a second
run with the same seed adds rows instead of colliding).
"""

from __future__ import annotations

import dataclasses
import math
import random
import re
import uuid
from datetime import datetime, timedelta
from functools import cache

from finucity.models import Category, MessageRole, MessageStatus, Rating
from finucity.services.ai.offline.engine import answer_question
from finucity.services.ai.prompts import estimate_tokens, system_prompt
from finucity.services.conversations import make_title
from finucity.services.demo import texts
from finucity.services.generation import INTERRUPTED

WINDOW = timedelta(days=182)
# Not a hash Argon2 can read: demo users exist to be looked at, nobody can sign in as one.
UNUSABLE_PASSWORD_HASH = "!demo-user-no-password"
_OFFLINE_CANNOT = "### I can't answer"
# Share of local (IST) activity by hour of day: quiet at night, busiest in the evening.
_IST_HOURS = (1, 1, 1, 1, 1, 2, 3, 5, 7, 9, 10, 10, 9, 8, 8, 8, 8, 9, 10, 12, 13, 12, 8, 4)
_IST = timedelta(hours=5, minutes=30)
# Milliseconds to the first token (median, spread of the log) and tokens a second, by model.
_SPEED = {
    "openai/gpt-4o-mini": (650, 0.45, 85),
    "openai/gpt-4.1-mini": (800, 0.5, 70),
    "meta/Llama-3.3-70B-Instruct": (1100, 0.55, 45),
    "finucity-offline": (15, 0.4, 220),
}
_SLOT_RE = re.compile(r"\{(\w+)\}")


@dataclasses.dataclass
class Batch:
    conversations: list[dict]
    messages: list[dict]
    feedback: list[dict]


@dataclasses.dataclass(frozen=True)
class _Question:
    text: str
    sections: tuple[str, ...]  # the answer, split at its "### " headings


def _sections(answer: str) -> tuple[str, ...]:
    parts = answer.split("\n\n### ")
    return (parts[0], *(f"### {part}" for part in parts[1:]))


@cache
def _answer_for(question: str) -> str:
    return answer_question(question)


def question_pool(rng: random.Random, variants: int = 6) -> dict[str, list[_Question]]:
    """Concrete questions by category, each with its answer: the offline assistant's when it
    has one, else the hand-written one in `texts`. Templates get up to `variants` fillings."""
    pool: dict[str, list[_Question]] = {}
    for category, entries in texts.QUESTIONS.items():
        questions = []
        for entry in entries:
            template, written = (entry, None) if isinstance(entry, str) else entry
            fillings = variants if _SLOT_RE.search(template) else 1
            seen = set()
            for _ in range(fillings):
                text = _SLOT_RE.sub(lambda m: rng.choice(texts.FILL[m.group(1)]), template)
                if text in seen:
                    continue
                seen.add(text)
                answer = _answer_for(text)
                if answer.startswith(_OFFLINE_CANNOT):
                    if written is None:
                        continue
                    answer = written
                questions.append(_Question(text, _sections(answer)))
        pool[category] = questions
    return pool


class DemoMaker:
    """Makes users and conversations for one run of the seed."""

    def __init__(self, rng: random.Random, now: datetime, turns: tuple[int, int]):
        self.rng = rng
        self.now = now
        self.turns = turns
        self.pool = question_pool(rng)
        self._categories, category_weights = zip(*texts.CATEGORY_WEIGHTS, strict=True)
        self._category_cum = _cumulative(category_weights)
        self._models, model_weights = zip(*texts.MODELS, strict=True)
        self._model_cum = _cumulative(model_weights)
        self._failures, failure_weights = zip(*texts.FAILURES, strict=True)
        self._failure_cum = _cumulative(failure_weights)
        self._hour_cum = _cumulative(_IST_HOURS)
        self._prompt_tokens = {c.value: estimate_tokens(system_prompt(c)) for c in Category}

    # --- when ----------------------------------------------------------------------------

    def start_time(self) -> datetime:
        """A moment in the last six months, busier the more recent (and in Indian evenings)."""
        rng = self.rng
        # A quarter spread evenly, the rest with a density rising linearly towards today.
        fraction = rng.random() if rng.random() < 0.25 else math.sqrt(rng.random())
        day = (self.now - WINDOW + WINDOW * fraction).replace(hour=0, minute=0, second=0, microsecond=0)
        hour = rng.choices(range(24), cum_weights=self._hour_cum)[0]
        moment = day + timedelta(hours=hour, seconds=rng.random() * 3600) - _IST
        return min(moment, self.now - timedelta(minutes=1))

    # --- who -----------------------------------------------------------------------------

    def user_weights(self, count: int) -> list[float]:
        """A few people ask a lot, most ask a little (Zipf-like), in random order."""
        weights = [1 / (rank + 1) ** 0.7 for rank in range(count)]
        self.rng.shuffle(weights)
        return weights

    def name(self) -> tuple[str, str]:
        return self.rng.choice(texts.FIRST_NAMES), self.rng.choice(texts.LAST_NAMES)

    def user(self, first: str, last: str, email: str, active: tuple[datetime, datetime] | None) -> dict:
        """A user who asked between `active` (first, last question), or never asked (None)."""
        rng = self.rng
        first_asked, last_asked = active or (self.start_time(), None)
        joined = first_asked - timedelta(minutes=rng.uniform(2, 60 * 24 * 14))
        return {
            "id": uuid.uuid4(),
            "email": email,
            "password_hash": UNUSABLE_PASSWORD_HASH,
            "first_name": first,
            "full_name": f"{first} {last}",
            "role": "user",
            "is_active": rng.random() > 0.02,
            "created_at": joined,
            "last_login_at": None if last_asked is None else last_asked - timedelta(minutes=rng.uniform(0, 30)),
            "daily_token_quota": rng.choice((20_000, 50_000, 0)) if rng.random() < 0.03 else None,
        }

    # --- what ----------------------------------------------------------------------------

    def conversation(self, batch: Batch, user_id: uuid.UUID, start: datetime) -> datetime:
        """Adds one conversation to `batch`; returns the time of its last message."""
        rng = self.rng
        category = self._categories[_pick(rng, self._category_cum)]
        conversation_id = uuid.uuid4()
        turns = rng.randint(*self.turns)
        model = self._models[_pick(rng, self._model_cum)]
        messages: list[dict] = []
        history_tokens = self._prompt_tokens[category]
        t = start
        for turn in range(turns):
            asked_in = category if turn == 0 or rng.random() < 0.85 else rng.choice(self._categories)
            question = rng.choice(self.pool[asked_in])
            text = question.text
            if rng.random() < 0.15:  # typed quickly: lower case, no question mark
                text = text.lower().rstrip("?")
            if turn:
                text = rng.choice(texts.FOLLOW_UP_OPENERS) + text
            messages.append(_message(conversation_id, MessageRole.user.value, text, category, t, t))
            history_tokens += estimate_tokens(text) + 4
            answer, t = self._answer(conversation_id, category, model, question, history_tokens, t)
            messages.append(answer)
            history_tokens += (answer["tokens_out"] or 0) + 4
            # Reading time, sometimes coming back hours or days later.
            pause = rng.lognormvariate(math.log(70), 0.9) if rng.random() > 0.08 else rng.uniform(3600, 4 * 86400)
            t += timedelta(seconds=pause)
        last = messages[-1]["updated_at"]
        if last > self.now:  # a conversation started recently ends before now
            shift = last - self.now + timedelta(seconds=rng.uniform(5, 600))
            for m in messages:
                m["created_at"] -= shift
                m["updated_at"] -= shift
            last -= shift
        first_question = messages[0]["content"]
        title = rng.choice(texts.RENAMED_TITLES) if rng.random() < 0.05 else make_title(first_question)
        batch.conversations.append(
            {
                "id": conversation_id,
                "user_id": user_id,
                "title": title,
                "category": category,
                "created_at": messages[0]["created_at"],
                "updated_at": last,
            }
        )
        batch.messages.extend(messages)
        for answer in messages[1::2]:
            self._feedback(batch, user_id, answer)
        return last

    def _answer(self, conversation_id, category, model, question: _Question, tokens_in: int, asked: datetime):
        rng = self.rng
        created = asked + timedelta(milliseconds=rng.uniform(20, 250))
        median_first, spread, rate = _SPEED[model]
        first_token_ms: int | None = int(rng.lognormvariate(math.log(median_first), spread))
        content = self._trimmed(question)
        roll = rng.random()
        status, error = MessageStatus.complete.value, None
        if roll < 0.05:  # the user pressed Stop part way through
            status = MessageStatus.stopped.value
            content = content[: int(len(content) * rng.uniform(0.15, 0.8))].rstrip()
        elif roll < 0.09:
            status = MessageStatus.failed.value
            error = self._failures[_pick(rng, self._failure_cum)]
            content = content[: int(len(content) * rng.uniform(0.1, 0.6))].rstrip() if error == INTERRUPTED else ""
        tokens_out = estimate_tokens(content) if content else None
        if content:
            latency_ms = first_token_ms + int(1000 * tokens_out / (rate * rng.uniform(0.7, 1.3)))
        else:  # nothing arrived: no first token, and a timeout waits for the whole timeout
            first_token_ms = None
            latency_ms = 60_000 + rng.randint(0, 900) if "too long" in (error or "") else rng.randint(150, 4000)
        row = _message(conversation_id, MessageRole.assistant.value, content, category, created, created)
        row.update(
            status=status,
            model=model,
            tokens_in=tokens_in if content else None,
            tokens_out=tokens_out,
            first_token_ms=first_token_ms,
            latency_ms=latency_ms,
            error=error,
            updated_at=created + timedelta(milliseconds=latency_ms),
        )
        return row, row["updated_at"]

    def _trimmed(self, question: _Question) -> str:
        """The answer, often only its short part: people mostly get (and models mostly give) brief replies."""
        head, *rest = question.sections
        roll = self.rng.random()
        if not rest or roll < 0.45:
            return head
        if roll < 0.8:
            return "\n\n".join((head, rest[-1] if len(rest) < 3 else rest[2]))
        return "\n\n".join((head, *rest[:2]))

    def _feedback(self, batch: Batch, user_id: uuid.UUID, answer: dict) -> None:
        if answer["status"] == MessageStatus.failed.value:
            return
        roll = self.rng.random()
        if roll < 0.07:
            rating, comment = Rating.up.value, self.rng.choice(texts.UP_COMMENTS) if roll < 0.01 else None
        elif roll < 0.095:
            rating = Rating.down.value
            comment = self.rng.choice(texts.DOWN_COMMENTS) if self.rng.random() < 0.7 else None
        else:
            return
        at = min(answer["updated_at"] + timedelta(seconds=self.rng.uniform(3, 900)), self.now)
        batch.feedback.append(
            {
                "message_id": answer["id"],
                "user_id": user_id,
                "rating": rating,
                "comment": comment,
                "created_at": at,
                "updated_at": at,
            }
        )


def _message(conversation_id, role: str, content: str, category: str, created: datetime, updated: datetime) -> dict:
    return {
        "id": uuid.uuid4(),
        "conversation_id": conversation_id,
        "role": role,
        "content": content,
        "status": MessageStatus.complete.value,
        "category": category,
        "model": None,
        "tokens_in": None,
        "tokens_out": None,
        "first_token_ms": None,
        "latency_ms": None,
        "error": None,
        "created_at": created,
        "updated_at": updated,
    }


def _cumulative(weights) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    return rng.choices(range(len(cumulative)), cum_weights=cumulative)[0]
