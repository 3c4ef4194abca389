"""Erasing a person's readable values beside the chain (DSGVO Art. 17), on the owner
connection: the hashed events keep only ids and salted digests, so the chain still
verifies, and without the salt a digest no longer leads back to the value."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.engine import Connection

from service.audit.repository.chain import details


def clear_values_of(connection: Connection, person_id: int, now: datetime) -> int:
    """How many detail rows of the person held a value that is now cleared, salt and all."""
    return int(
        connection.execute(
            update(details)
            .where(details.c.person_id == person_id, details.c.value.is_not(None))
            .values(value=None, salt=None, erased_at=now)
        ).rowcount
    )
