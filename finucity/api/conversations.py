"""Conversations: list, read, rename, delete, export; and the account's own data."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from finucity.api.cookies import clear_session_cookie
from finucity.api.deps import current_actor
from finucity.api.schemas import (
    ConversationDetailResponse,
    ConversationItem,
    ConversationList,
    ConversationOut,
    ConversationResponse,
    DeleteAccountRequest,
    MessageOut,
    Ok,
    PreferencesRequest,
    PreferencesResponse,
    RenameRequest,
    TokenCreated,
    TokenCreateRequest,
    TokenList,
    TokenOut,
)
from finucity.models import ApiToken, Conversation, Message
from finucity.services import account_data, accounts, conversations
from finucity.services.context import Actor

router = APIRouter()


def conversation_out(c: Conversation) -> ConversationOut:
    return ConversationOut(**conversations.conversation_dict(c))


def message_out(m: Message) -> MessageOut:
    return MessageOut(**conversations.message_dict(m), error=m.error, cached=m.cached)


def token_out(t: ApiToken) -> TokenOut:
    return TokenOut(
        id=str(t.id),
        name=t.name,
        prefix=t.prefix,
        created_at=t.created_at.isoformat(),
        last_used_at=t.last_used_at.isoformat() if t.last_used_at else None,
    )


# --- conversations -----------------------------------------------------------------------------


@router.get("/conversations", response_model=ConversationList, tags=["conversations"])
async def list_conversations(
    actor: Actor = Depends(current_actor),
    limit: int = Query(50, ge=1, le=100),
    cursor: str | None = Query(None, max_length=200),
    q: str | None = Query(None, max_length=200),
    category: str | None = Query(None, max_length=40),
):
    """Your conversations, newest first. Search `q` looks in titles and messages."""
    page = await conversations.list_conversations(actor, limit=limit, cursor=cursor, q=q, category=category)
    return ConversationList(
        conversations=[
            ConversationItem(
                id=str(c.id),
                title=c.title,
                category=c.category,
                created_at=c.created_at.isoformat(),
                updated_at=c.updated_at.isoformat(),
                message_count=c.message_count,
                preview=c.preview,
            )
            for c in page.items
        ],
        next_cursor=page.next_cursor,
    )


@router.get("/conversation/{conversation_id}", response_model=ConversationDetailResponse, tags=["conversations"])
async def get_conversation(conversation_id: str, actor: Actor = Depends(current_actor)):
    detail = await conversations.get_conversation(actor, conversation_id)
    return ConversationDetailResponse(
        conversation=conversation_out(detail.conversation), messages=[message_out(m) for m in detail.messages]
    )


@router.patch("/conversation/{conversation_id}", response_model=ConversationResponse, tags=["conversations"])
async def rename_conversation(conversation_id: str, body: RenameRequest, actor: Actor = Depends(current_actor)):
    conversation = await conversations.rename_conversation(actor, conversation_id, body.title)
    return ConversationResponse(conversation=conversation_out(conversation))


@router.delete("/conversation/{conversation_id}", response_model=Ok, tags=["conversations"])
async def delete_conversation(conversation_id: str, actor: Actor = Depends(current_actor)):
    """Delete a conversation and all its messages (recorded in the audit log)."""
    await conversations.delete_conversation(actor, conversation_id)
    return Ok()


@router.get(
    "/conversation/{conversation_id}/export",
    responses={
        200: {
            "content": {
                "text/markdown": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
            }
        },
    },
    tags=["conversations"],
)
async def export_conversation(
    conversation_id: str,
    actor: Actor = Depends(current_actor),
    format: str = Query("md", pattern="^(md|json)$"),
):
    """Download one conversation as Markdown or JSON."""
    filename, media_type, body = await conversations.export_conversation(actor, conversation_id, format)
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- the account -----------------------------------------------------------------------------------


@router.get(
    "/me/export", responses={200: {"content": {"application/json": {"schema": {"type": "object"}}}}}, tags=["account"]
)
async def export_me(actor: Actor = Depends(current_actor)):
    """All of your data as JSON: profile, tokens (not their secrets), conversations."""
    import json

    data = await account_data.export_account(actor)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="finucity-export.json"'},
    )


@router.patch("/me", response_model=PreferencesResponse, tags=["account"])
async def update_me(body: PreferencesRequest, actor: Actor = Depends(current_actor)):
    """Change your preferences: the colour theme every browser you sign in on shows."""
    return PreferencesResponse(theme=await accounts.set_theme(actor, body.theme))


@router.delete("/me", response_model=Ok, tags=["account"])
async def delete_me(body: DeleteAccountRequest, actor: Actor = Depends(current_actor)):
    """Delete your account and everything in it. Needs your password."""
    await account_data.delete_account(actor, password=body.password)
    response = Response(Ok().model_dump_json(), media_type="application/json")
    clear_session_cookie(response)
    return response


@router.post("/tokens", response_model=TokenCreated, status_code=201, tags=["account"])
async def create_token(body: TokenCreateRequest, actor: Actor = Depends(current_actor)):
    """A personal API token for `Authorization: Bearer ...`. The secret is shown once."""
    created = await accounts.create_api_token(actor, body.name)
    return TokenCreated(token=token_out(created.token), secret=created.secret)


@router.get("/tokens", response_model=TokenList, tags=["account"])
async def list_tokens(actor: Actor = Depends(current_actor)):
    return TokenList(tokens=[token_out(t) for t in await accounts.list_api_tokens(actor)])


@router.delete("/tokens/{token_id}", response_model=Ok, tags=["account"])
async def revoke_token(token_id: str, actor: Actor = Depends(current_actor)):
    await accounts.revoke_api_token(actor, conversations.parse_id(token_id, what="Token not found"))
    return Ok()
