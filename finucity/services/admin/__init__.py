"""The admin area's services: plain Python, each function checked by `guard.require_admin` first.

conversations: every user's conversations (list, transcript, delete, export).
"""

from finucity.services.admin import conversations, guard
from finucity.services.admin.conversations import (
    AdminConversationPage,
    AdminConversationRow,
    AdminMessage,
    AdminTranscript,
    ConversationFilters,
    delete_conversation,
    delete_conversations,
    export_conversations,
    list_conversations,
    read_transcript,
)
from finucity.services.admin.guard import require_admin

__all__ = [
    "AdminConversationPage",
    "AdminConversationRow",
    "AdminMessage",
    "AdminTranscript",
    "ConversationFilters",
    "conversations",
    "delete_conversation",
    "delete_conversations",
    "export_conversations",
    "guard",
    "list_conversations",
    "read_transcript",
    "require_admin",
]
