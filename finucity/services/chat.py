"""Asking questions: a turn saves the question, then starts the answer.

The order matters and is the same for every door (UI, API): check the input,
the daily token quota and the rate limit, save the user's message and an
empty assistant message marked `streaming` in one transaction, and only then
call the model. A question is never lost to a failing model, and a failing
answer is stored as failed with a reason, never dropped.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import uuid
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from finucity.config import get_settings
from finucity.models import Category, Conversation, Message, MessageRole, MessageStatus, utcnow
from finucity.services import answer_cache, calculation_blocks, generation, group_commit, quota, ratelimit, usage_ledger
from finucity.services.ai import prompts
from finucity.services.ai.categories import detect_category, parse_category
from finucity.services.ai.factory import get_provider
from finucity.services.context import Actor, read_only, unit_of_work
from finucity.services.conversations import NOT_FOUND, get_owned, make_title, parse_id, read_owned
from finucity.services.errors import Busy, NotFound, ValidationError
from finucity.services.validation import require_encodable

# The assistant's placeholder is stamped just after the question so the two
# always sort question-first, even when both are written in the same instant.
_AFTER = timedelta(microseconds=1000)


@dataclasses.dataclass(frozen=True)
class Turn:
    conversation: Conversation
    question: Message
    answer: Message
    generation: generation.Generation
    created_conversation: bool


def validate_message(text: object) -> str:
    """The rules for a question, in one place for the UI and the API."""
    if not isinstance(text, str):
        raise ValidationError("The message must be text.", field="message")
    if "\x00" in text:
        raise ValidationError("The message contains a NUL character, which is not allowed.", field="message")
    require_encodable(text, field="message", label="the message")
    if not text.strip():
        raise ValidationError("Type a question before sending.", field="message")
    limit = get_settings().max_message_chars
    if len(text) > limit:
        raise ValidationError(f"The message is {len(text):,} characters long; the limit is {limit:,}.", field="message")
    return text.strip()


def _history(messages: list[Message]) -> list[tuple[str, str]]:
    """Earlier turns worth sending to the model: answered text only."""
    kept = []
    for m in messages:
        if m.role == MessageRole.assistant.value and (m.status == MessageStatus.failed.value or not m.content.strip()):
            continue
        kept.append((m.role, calculation_blocks.for_history(m.content)))
    return kept


async def _busy_guard(session, conversation_id: uuid.UUID) -> None:
    streaming = await session.scalar(
        select(Message).where(
            Message.conversation_id == conversation_id, Message.status == MessageStatus.streaming.value
        )
    )
    if streaming is None:
        return
    if generation.is_abandoned(streaming.id, streaming.updated_at):
        streaming.status = MessageStatus.failed.value
        streaming.error = generation.INTERRUPTED
        # Written now, before the new answer's row meets the unique index.
        await session.flush()
        await usage_ledger.record_reaped(session, [streaming.id])
        return
    raise _busy()


def _busy() -> Busy:
    return Busy("An answer is still being written in this conversation. Wait for it or press Stop.")


@contextlib.asynccontextmanager
async def _one_answer_at_a_time():
    """The unique index on streaming answers settles races the guard cannot see."""
    try:
        yield
    except IntegrityError as exc:
        if "uq_messages_one_streaming" in str(exc.orig) or "messages.conversation_id" in str(exc.orig):
            raise _busy() from None
        raise


def _begin_answer(
    conversation: Conversation,
    question: Message,
    history: list[Message],
    category: Category,
    *,
    cached: bool = False,
) -> tuple[Message, list[dict]]:
    provider = get_provider()
    answer = Message(
        conversation_id=conversation.id,
        role=MessageRole.assistant.value,
        content="",
        status=MessageStatus.streaming.value,
        category=category.value,
        model=provider.model,
        cached=cached,
        created_at=question.created_at + _AFTER,
        updated_at=question.created_at + _AFTER,
    )
    conversation.updated_at = answer.created_at
    prompt = prompts.build_messages(
        question.content,
        _history(history),
        category,
        budget_tokens=get_settings().ai_history_tokens,
    )
    return answer, prompt


@dataclasses.dataclass(frozen=True)
class _CacheLookup:
    """A question that starts a conversation: its cache key, and the answer found (None: a miss)."""

    key: str
    text: str | None


def _launch(
    actor: Actor,
    conversation: Conversation,
    answer: Message,
    prompt: list[dict],
    *,
    cache: _CacheLookup | None = None,
) -> generation.Generation:
    provider = get_provider()
    hit = cache is not None and cache.text is not None
    on_complete = None
    if hit:
        # A hit streams through the same generation as any answer, from the stored text.
        provider = answer_cache.Replay(cache.text, model=provider.model)
    elif cache is not None:
        # A miss: the model's answer, once complete, is stored for the next one to ask.
        on_complete = functools.partial(answer_cache.store, cache.key)
    return generation.start(
        message_id=answer.id,
        conversation_id=conversation.id,
        prompt=prompt,
        provider=provider,
        spender=usage_ledger.Spender.of(actor, answer),
        cached=hit,
        on_complete=on_complete,
    )


async def _look_up_first_question(text: str, category: Category) -> tuple[list[dict], _CacheLookup | None]:
    """The prompt of a question that starts a conversation, and what the answer cache holds for it.

    Looked up before the transaction opens, so a slow Redis never holds the database.
    """
    prompt = prompts.build_messages(text, [], category, budget_tokens=get_settings().ai_history_tokens)
    key = answer_cache.key_for(prompt, category=category, provider=get_provider())
    if key is None:
        return prompt, None
    return prompt, _CacheLookup(key, await answer_cache.lookup(key))


async def send_message(
    actor: Actor,
    *,
    message: object,
    conversation_id: object | None = None,
    category: object | None = None,
) -> Turn:
    """Save the question and start its answer. Returns at once; the answer streams."""
    user_id = actor.require_user()
    text = validate_message(message)
    chosen = parse_category(category)
    await quota.check_quota(actor)
    await ratelimit.hit_send_message(user_id)
    resolved = detect_category(text) if chosen == Category.general else chosen
    created = conversation_id in (None, "")
    # Only a question that starts a conversation is looked up in (and stored to) the answer cache.
    first_prompt, cache = await _look_up_first_question(text, resolved) if created else (None, None)
    hit = cache is not None and cache.text is not None

    if created:
        conversation = Conversation(user_id=user_id, title=make_title(text), category=resolved.value)
        earlier: list[Message] = []
        refiled = False
    else:
        conversation, earlier = await _open_for_question(actor, conversation_id)
        # A General conversation is filed under the first topic it gets.
        refiled = conversation.category == Category.general.value and resolved != Category.general
        if refiled:
            conversation.category = resolved.value
    question = Message(
        conversation_id=conversation.id,
        role=MessageRole.user.value,
        content=text,
        status=MessageStatus.complete.value,
        category=resolved.value,
        created_at=utcnow(),
    )
    answer, prompt = _begin_answer(conversation, question, earlier, resolved, cached=hit)
    if first_prompt is not None:
        prompt = first_prompt  # the very prompt the cache key was made of

    async def write(batch: group_commit.Batch) -> None:
        if created:
            batch.session.add(conversation)
            batch.audit(actor, "conversation.create", target_type="conversation", target_id=conversation.id)
        else:
            changes = {"updated_at": answer.created_at}
            if refiled:
                changes["category"] = conversation.category
            found = await batch.session.execute(
                update(Conversation)
                .execution_options(synchronize_session=False)
                .where(Conversation.id == conversation.id, Conversation.user_id == user_id)
                .values(**changes)
            )
            if not found.rowcount:  # deleted since it was read
                raise NotFound(NOT_FOUND)
        batch.session.add_all([question, answer])
        batch.tally.question(
            question.created_at.date(), user_id, answer.model, usage_ledger.channel_of(actor), question.category
        )

    def launched(_written: None) -> Turn:
        running = _launch(actor, conversation, answer, prompt, cache=cache)
        return Turn(conversation, question, answer, running, created)

    # Written with the other questions of this moment (services/group_commit.py); the
    # answer starts once the question is committed, even if the caller left meanwhile.
    async with _one_answer_at_a_time():
        return await group_commit.run(write, then=launched)


async def _open_for_question(actor: Actor, conversation_id: object) -> tuple[Conversation, list[Message]]:
    """The caller's conversation and its messages, if no answer is being written in it.

    Read before the write; the unique index on streaming answers settles a race with
    another question sent meanwhile (`_one_answer_at_a_time`)."""
    conversation, messages = await read_owned(actor, conversation_id)
    if any(m.status == MessageStatus.streaming.value for m in messages):
        raise _busy()
    return conversation, messages


async def regenerate(actor: Actor, conversation_id: object, *, new_question: object | None = None) -> Turn:
    """Answer the last question again; with `new_question`, edit it first.

    The previous answer to that question is replaced. Counts against the
    daily quota and the sending rate limit, since it calls the model again.
    Never from the answer cache, and never stored in it: Regenerate and edits
    exist to get another answer than the one given.
    """
    user_id = actor.require_user()
    edited = validate_message(new_question) if new_question is not None else None
    await quota.check_quota(actor)
    await ratelimit.hit_send_message(user_id)
    async with _one_answer_at_a_time(), unit_of_work(actor) as uow:
        conversation = await get_owned(uow.session, actor, conversation_id)
        await _busy_guard(uow.session, conversation.id)
        messages = list(
            await uow.session.scalars(
                select(Message)
                .where(Message.conversation_id == conversation.id)
                .order_by(Message.created_at, Message.id)
            )
        )
        last_question_index = max((i for i, m in enumerate(messages) if m.role == MessageRole.user.value), default=None)
        if last_question_index is None:
            raise NotFound("There is no question to answer again in this conversation.")
        question = messages[last_question_index]
        later = [m.id for m in messages[last_question_index + 1 :]]
        if later:
            await uow.session.execute(delete(Message).where(Message.id.in_(later)))
        if edited is not None and edited != question.content:
            question.content = edited
            # An edit can change the subject: detect it again, keep the old one if unclear.
            detected = detect_category(edited)
            if detected != Category.general:
                question.category = detected.value
            uow.audit("message.edit", target_type="message", target_id=question.id)
        category = parse_category(question.category)
        answer, prompt = _begin_answer(conversation, question, messages[:last_question_index], category)
        uow.session.add(answer)
        # The new answer is "now", after the question, whatever the question's age.
        answer.created_at = answer.updated_at = max(utcnow(), question.created_at + _AFTER)
        conversation.updated_at = answer.created_at
    running = _launch(actor, conversation, answer, prompt)
    return Turn(conversation, question, answer, running, False)


async def stop_answer(actor: Actor, message_id: object) -> bool:
    """Stop the caller's streaming answer; the partial text is kept."""
    answer = await answer_for_owner(actor, message_id)
    return await generation.request_stop(answer.id)


async def answer_for_owner(actor: Actor, message_id: object) -> Message:
    """The caller's message by id (NotFound if not theirs)."""
    user_id = actor.require_user()
    ident = parse_id(message_id, what="Message not found")
    async with read_only() as session:
        row = (
            await session.execute(
                select(Message, Conversation.user_id)
                .join(Conversation, Conversation.id == Message.conversation_id)
                .where(Message.id == ident)
            )
        ).first()
    if row is None or row[1] != user_id:
        raise NotFound("Message not found")
    return row[0]
