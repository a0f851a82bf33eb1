"""The admin area's services: plain Python, each function checked by `guard.require_admin` first.

conversations: every user's conversations (list, transcript, delete, export);
users: accounts, their usage, role, active, quota; stats: the overview;
audit: the audit log.
"""

from finucity.services.admin import audit, conversations, guard, stats, users
from finucity.services.admin.audit import AuditPage, AuditRow, list_audit
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
from finucity.services.admin.stats import Overview, overview
from finucity.services.admin.usage import ModelUsage, UsageDay
from finucity.services.admin.users import (
    AdminUserDetail,
    AdminUserPage,
    AdminUserRow,
    get_user,
    list_users,
    set_active,
    set_quota,
    set_role,
    update_user,
)

__all__ = [
    "AdminConversationPage",
    "AdminConversationRow",
    "AdminMessage",
    "AdminTranscript",
    "AdminUserDetail",
    "AdminUserPage",
    "AdminUserRow",
    "AuditPage",
    "AuditRow",
    "ConversationFilters",
    "ModelUsage",
    "Overview",
    "UsageDay",
    "audit",
    "conversations",
    "delete_conversation",
    "delete_conversations",
    "export_conversations",
    "get_user",
    "guard",
    "list_audit",
    "list_conversations",
    "list_users",
    "overview",
    "read_transcript",
    "require_admin",
    "set_active",
    "set_quota",
    "set_role",
    "stats",
    "update_user",
    "users",
]
