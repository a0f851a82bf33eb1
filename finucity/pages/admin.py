"""/admin, /admin/conversations, /admin/users and /admin/audit."""

from __future__ import annotations

from finucity.components.admin.audit import audit_page
from finucity.components.admin.conversations import conversations_page
from finucity.components.admin.overview import overview_page
from finucity.components.admin.users import users_page

__all__ = ["audit_page", "conversations_page", "overview_page", "users_page"]
