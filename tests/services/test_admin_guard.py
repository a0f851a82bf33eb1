"""Every admin service function refuses anyone but an admin before touching data.

The list of calls is checked against the admin modules themselves, so a new
public function that is not listed here fails this test until it is.
"""

from __future__ import annotations

import inspect
import uuid

import pytest

from finucity.services import admin
from finucity.services.context import Actor
from finucity.services.errors import AuthenticationError, PermissionDenied
from tests.support.admin_data import Turn, add_conversation, snapshot

MODULES = (admin.conversations, admin.users, admin.stats, admin.audit)


def _calls(conversation_id: uuid.UUID, user_id: uuid.UUID) -> dict[str, object]:
    filters = admin.ConversationFilters()
    return {
        "list_conversations": lambda a: admin.list_conversations(a, filters),
        "read_transcript": lambda a: admin.read_transcript(a, conversation_id),
        "delete_conversations": lambda a: admin.delete_conversations(a, [str(conversation_id)]),
        "delete_conversation": lambda a: admin.delete_conversation(a, conversation_id),
        "export_conversations": lambda a: anext(admin.export_conversations(a, filters, "csv")),
        "list_users": lambda a: admin.list_users(a),
        "get_user": lambda a: admin.get_user(a, user_id),
        "update_user": lambda a: admin.update_user(a, user_id, role="admin", active=False, quota=5),
        "set_role": lambda a: admin.set_role(a, user_id, "admin"),
        "set_active": lambda a: admin.set_active(a, user_id, False),
        "set_quota": lambda a: admin.set_quota(a, user_id, 100),
        "overview": lambda a: admin.overview(a, 7),
        "list_audit": lambda a: admin.list_audit(a),
    }


def test_every_public_admin_function_is_checked_here():
    public = {
        name
        for module in MODULES
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.iscoroutinefunction(value) or inspect.isasyncgenfunction(value))
        and value.__module__ == module.__name__
    }
    assert public == set(_calls(uuid.uuid4(), uuid.uuid4()))


@pytest.mark.parametrize("who", ["user", "signed out"])
async def test_a_non_admin_gets_nothing_and_changes_nothing(database, people, who):
    owner, actor = await people.user()
    made = await add_conversation(owner.id, turns=[Turn(rating="down", comment="Wrong")])
    if who == "signed out":
        actor, error = Actor.anonymous(channel="api"), AuthenticationError
    else:
        error = PermissionDenied
    before = await snapshot()

    for name, call in _calls(made.id, owner.id).items():
        with pytest.raises(error) as raised:
            await call(actor)
        if error is PermissionDenied:
            assert raised.value.message == "Administrators only.", name

    assert await snapshot() == before  # no row changed, no audit row written


async def test_an_admin_is_let_through(database, people):
    _, admin_actor = await people.user(admin=True)

    page = await admin.list_users(admin_actor)

    assert len(page.items) == 1
