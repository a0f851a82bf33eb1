"""The one check in front of the admin area: every admin function calls it first."""

from __future__ import annotations

import uuid

from finucity.services.context import Actor


def require_admin(actor: Actor) -> uuid.UUID:
    """The acting admin's user id. Signed out: AuthenticationError; anyone else:
    PermissionDenied("Administrators only."), before any data is touched.

    The actor is made from the session on every request and event, so the role
    is the one the database holds now, not the one at sign-in.
    """
    return actor.require_admin()
