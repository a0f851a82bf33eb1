"""Sending messages: a whole answer, or a Server-Sent Events stream."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, StreamingResponse

from finucity.api.deps import current_actor
from finucity.api.schemas import ErrorResponse, SendMessageRequest, SendMessageResponse
from finucity.models import MessageStatus
from finucity.services import calculation_blocks, chat, generation
from finucity.services.context import Actor

router = APIRouter(tags=["chat"])

# Finer than the UI's batching: scripts like their chunks promptly.
SSE_INTERVAL_S = 0.05


@router.post(
    "/send-message",
    response_model=SendMessageResponse,
    responses={502: {"model": ErrorResponse, "description": "The AI provider failed; the question is saved."}},
)
async def send_message(body: SendMessageRequest, actor: Actor = Depends(current_actor)):
    """Ask a question and wait for the whole answer."""
    started = time.perf_counter()
    turn = await chat.send_message(
        actor, message=body.message, conversation_id=body.conversation_id, category=body.category
    )
    await turn.generation.wait()
    g = turn.generation
    elapsed_ms = int((time.perf_counter() - started) * 1000)
    if g.status == MessageStatus.failed.value:
        return JSONResponse(
            {
                "success": False,
                "error": g.error or "The assistant could not answer.",
                "conversation_id": str(turn.conversation.id),
                "message_id": str(turn.answer.id),
            },
            status_code=502,
        )
    return SendMessageResponse(
        response=g.text,
        conversation_id=str(turn.conversation.id),
        message_id=str(turn.answer.id),
        category=turn.answer.category,
        title=turn.conversation.title,
        response_time_ms=elapsed_ms,
        status=g.status,
        cached=g.cached,
        calculations=calculation_blocks.split(g.text)[1],
    )


def _sse(payload: dict) -> str:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"


@router.post(
    "/send-message-stream",
    responses={
        200: {
            # Each event is one `data:` line holding a JSON object.
            "content": {
                "text/event-stream": {
                    "schema": {"type": "object", "required": ["data"], "properties": {"data": {"type": "string"}}}
                }
            },
            "description": 'Events: `data: {"content": "..."}` per chunk, then `data: {"done": true, ...}` '
            'or `data: {"error": "..."}`.',
        },
    },
    response_class=StreamingResponse,
)
async def send_message_stream(body: SendMessageRequest, actor: Actor = Depends(current_actor)):
    """Ask a question and receive the answer as it is written (SSE)."""
    turn = await chat.send_message(
        actor, message=body.message, conversation_id=body.conversation_id, category=body.category
    )

    async def events() -> AsyncIterator[str]:
        # Every event is either content, done or error, exactly as the spec's
        # clients expect (they append `data.content` without looking).
        ids = {"conversation_id": str(turn.conversation.id), "message_id": str(turn.answer.id)}
        finished = False
        try:
            async for update in turn.generation.follow(0, interval=SSE_INTERVAL_S):
                if update.delta:
                    yield _sse({"content": update.delta})
                if update.done:
                    finished = True
                    if update.status == MessageStatus.failed.value:
                        yield _sse({"error": update.error or "The assistant could not answer.", **ids})
                    else:
                        yield _sse(
                            {
                                "done": True,
                                "status": update.status,
                                "title": turn.conversation.title,
                                "category": turn.answer.category,
                                "cached": turn.generation.cached,
                                **ids,
                            }
                        )
        finally:
            if not finished:
                # The client went away: stop paying for tokens nobody reads.
                await generation.request_stop(turn.answer.id)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
