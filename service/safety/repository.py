"""The one read the start-up check needs: the stored password hashes of named logins."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from service.auth.models import User
from service.bodies.models import Body

users = User.__table__  # type: ignore[attr-defined]
bodies = Body.__table__  # type: ignore[attr-defined]


def active_hashes(connection: Connection, usernames: Iterable[str]) -> list[Any]:
    """(body slug, username, password hash) of every active login so named, in any body."""
    return list(
        connection.execute(
            select(bodies.c.slug, users.c.username, users.c.password_hash)
            .join(bodies, bodies.c.id == users.c.body_id)
            .where(
                users.c.username.in_(sorted(set(usernames))),
                users.c.active.is_(True),
                users.c.password_hash.is_not(None),
            )
            .order_by(bodies.c.slug, users.c.username)
        )
    )
