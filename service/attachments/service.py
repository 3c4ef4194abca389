"""Anlagen of papers and measures: stored with their SHA-256, audited, read like their item."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from service.actor import Actor
from service.attachments.detect import detect
from service.attachments.models import Attachment
from service.audit.service import record
from service.errors import NotFound
from service.measures import service as measures
from service.papers import service as papers
from service.records import insert_audited
from service.runtime import Runtime

attachments = Attachment.__table__  # type: ignore[attr-defined]
OWNER_LABELS = {"measure": "Maßnahme", "paper": "Vorlage"}
# Everything but the bytes: what lists show and what the audit trail records.
_DESCRIBED = (
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
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\\\]")


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    sha256: str
    content: bytes


def owner(connection: Connection, owner_type: str, owner_id: int) -> Any:
    """The paper or measure an attachment belongs to (``NotFound`` if it does not exist)."""
    if owner_type == "measure":
        return measures.get_measure(connection, owner_id)
    return papers.get_paper(connection, owner_id)


def clean_filename(name: str) -> str:
    """The last path component, without control characters; what a browser would save."""
    base = re.split(r"[/\\\\]", name)[-1]
    base = _UNSAFE.sub("", base).strip().strip(".")
    return base[-255:] or "anlage"


def attach(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    owner_type: str,
    owner_id: int,
    *,
    filename: str,
    content: bytes,
) -> Any:
    owner(connection, owner_type, owner_id)
    name = clean_filename(filename)
    kind = detect(name, content)
    values = {
        "owner_type": owner_type,
        "owner_id": owner_id,
        "filename": name,
        "content_type": kind.content_type,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "uploaded_by": actor.user_id,
        "uploaded_at": runtime.now(),
    }
    attachment_id = insert_audited(
        connection,
        runtime.chain_key,
        attachments,
        {**values, "content": content},
        actor=actor,
        now=runtime.now(),
        entity_type="attachment",
        audited_values=values,
    )
    return _described(connection, owner_type, owner_id, attachment_id)


def list_of(connection: Connection, owner_type: str, owner_id: int) -> list[Any]:
    columns = [attachments.c[name] for name in _DESCRIBED]
    return list(
        connection.execute(
            select(*columns)
            .where(attachments.c.owner_type == owner_type, attachments.c.owner_id == owner_id)
            .order_by(attachments.c.id)
        )
    )


def download(
    connection: Connection, owner_type: str, owner_id: int, attachment_id: int
) -> Download:
    row = connection.execute(
        select(
            attachments.c.filename,
            attachments.c.content_type,
            attachments.c.sha256,
            attachments.c.content,
        ).where(*_of(owner_type, owner_id, attachment_id))
    ).first()
    if row is None:
        raise NotFound("Anlage", attachment_id)
    return Download(row.filename, row.content_type, row.sha256, bytes(row.content))


def remove(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    owner_type: str,
    owner_id: int,
    attachment_id: int,
) -> None:
    """Deletes the file for good (its bytes may be personal data); the audit keeps its hash."""
    row = _described(connection, owner_type, owner_id, attachment_id)
    connection.execute(delete(attachments).where(attachments.c.id == attachment_id))
    record(
        connection,
        runtime.chain_key,
        actor=actor,
        now=runtime.now(),
        action="attachment.delete",
        entity_type="attachment",
        entity_id=attachment_id,
        changes={
            name: (value if isinstance(value, str | int) else str(value), None)
            for name, value in row._mapping.items()
            if name != "id" and value is not None
        },
    )


def _of(owner_type: str, owner_id: int, attachment_id: int) -> tuple[Any, ...]:
    return (
        attachments.c.id == attachment_id,
        attachments.c.owner_type == owner_type,
        attachments.c.owner_id == owner_id,
    )


def _described(connection: Connection, owner_type: str, owner_id: int, attachment_id: int) -> Any:
    columns = [attachments.c[name] for name in _DESCRIBED]
    row = connection.execute(
        select(*columns).where(*_of(owner_type, owner_id, attachment_id))
    ).first()
    if row is None:
        raise NotFound("Anlage", attachment_id)
    return row
