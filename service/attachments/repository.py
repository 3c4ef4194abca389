"""The attachments table: descriptions without the bytes for lists, the bytes on download."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete as sql_delete
from sqlalchemy import select
from sqlalchemy.engine import Connection

from service.attachments.models import Attachment

attachments = Attachment.__table__  # type: ignore[attr-defined]
# Everything but the bytes: what lists show and what the audit trail records.
DESCRIBED = (
    "id",
    "owner_type",
    "owner_id",
    "filename",
    "content_type",
    "size",
    "sha256",
    "uploaded_by",
    "uploaded_at",
)


def _of(body_id: int, owner_type: str, owner_id: int, attachment_id: int) -> tuple[Any, ...]:
    return (
        attachments.c.id == attachment_id,
        attachments.c.body_id == body_id,
        attachments.c.owner_type == owner_type,
        attachments.c.owner_id == owner_id,
    )


def described(
    connection: Connection, body_id: int, owner_type: str, owner_id: int, attachment_id: int
) -> Any:
    """One attachment of this owner in the body without its bytes, or None."""
    columns = [attachments.c[name] for name in DESCRIBED]
    return connection.execute(
        select(*columns).where(*_of(body_id, owner_type, owner_id, attachment_id))
    ).first()


def of_owner(connection: Connection, owner_type: str, owner_id: int) -> list[Any]:
    columns = [attachments.c[name] for name in DESCRIBED]
    return list(
        connection.execute(
            select(*columns)
            .where(attachments.c.owner_type == owner_type, attachments.c.owner_id == owner_id)
            .order_by(attachments.c.id)
        )
    )


def content(
    connection: Connection, body_id: int, owner_type: str, owner_id: int, attachment_id: int
) -> Any:
    """Name, type, hash and bytes of one attachment of this owner in the body, or None."""
    return connection.execute(
        select(
            attachments.c.filename,
            attachments.c.content_type,
            attachments.c.sha256,
            attachments.c.content,
        ).where(*_of(body_id, owner_type, owner_id, attachment_id))
    ).first()


def delete(connection: Connection, attachment_id: int) -> None:
    connection.execute(sql_delete(attachments).where(attachments.c.id == attachment_id))
