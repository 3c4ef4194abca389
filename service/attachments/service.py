"""Anlagen of papers and measures: stored with their SHA-256, audited, read like their item.

Whoever may see the item may list and download its attachments (the public: those of
public items); a hidden item's attachments are reported as not found, like the item. The
API, the web pages and the demo all go through the functions here, which check access; the
console's operator (``SYSTEM``) acts without a login and passes every check.

Reading an attachment of a non-public item is logged (``attachment.read``), and so is
listing the attachments of one (the owner's ``measure.read`` / ``paper.read``): their names
and contents are as internal as the item.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from service import access, texts
from service.actor import SYSTEM, Actor
from service.attachments import repository
from service.attachments.detect import detect, fitting_name
from service.audit.repository import lock_chain
from service.audit.service import log_read, record
from service.errors import AccessDenied, Conflict, NotFound
from service.lifecycle import repository as lifecycle_repository
from service.measures import service as measures
from service.papers import service as papers
from service.records import insert_audited
from service.runtime import Runtime

OWNER_LABELS = {"measure": "Maßnahme", "paper": "Vorlage"}
# The problem type of a deletion refused because the item is decided.
KEPT_SLUGS = {
    "measure": "anlage-einer-entschiedenen-massnahme",
    "paper": "anlage-einer-entschiedenen-vorlage",
}
ADDED_EVENT, DELETED_EVENT = "anlage_hinzugefuegt", "anlage_geloescht"
ATTACHING_ROLES = (
    access.PERMISSIONS["attachment.create"] | access.PERMISSIONS["attachment.create_own"]
)
# None is visible in a name, and bidi ones make ``rechnung\u202egpj.hta`` look like
# ``...ath.jpg``.
_INVISIBLE = texts.INVISIBLE_CATEGORIES


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    sha256: str
    content: bytes


def owner(connection: Connection, owner_type: str, owner_id: int, body_id: int) -> Any:
    """The body's paper or measure an attachment belongs to (``NotFound`` if it does not
    exist or is another body's)."""
    if owner_type == "measure":
        return measures.get_measure(connection, owner_id, body_id)
    item = papers.get_paper(connection, owner_id)
    if item.body_id != body_id:
        raise NotFound(OWNER_LABELS[owner_type], owner_id)
    return item


def visible_owner(
    runtime: Runtime, connection: Connection, actor: Actor | None, owner_type: str, owner_id: int
) -> Any:
    """The owner if it is the body's and ``actor`` may see it; else it looks missing."""
    item = owner(connection, owner_type, owner_id, runtime.body_id_in(connection))
    if actor == SYSTEM or access.may_see(actor, item):
        return item
    # A council member reads the Anlagen of the papers of their committees, like the paper.
    if owner_type == "paper" and papers.in_own_committee(runtime, connection, actor, item):
        return item
    raise NotFound(OWNER_LABELS[owner_type], owner_id)


def clean_filename(name: str) -> str:
    """The last path component, without invisible characters; what a browser would save."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]
    base = "".join(c for c in base if unicodedata.category(c) not in _INVISIBLE)
    base = base.strip().strip(".").strip()
    return base[-255:] or "anlage"


def _require_attach(actor: Actor, owner_type: str, item: Any) -> None:
    if actor != SYSTEM and not access.may_attach(actor, owner_type, item):
        raise AccessDenied(
            f"Sie dürfen dieser {OWNER_LABELS[owner_type]} keine Anlagen hinzufügen."
        )


def check_upload(runtime: Runtime, actor: Actor, owner_type: str, owner_id: int) -> None:
    """Who may upload, settled before a byte of the (possibly large) body is read."""
    with runtime.read() as connection:
        item = visible_owner(runtime, connection, actor, owner_type, owner_id)
    _require_attach(actor, owner_type, item)


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
    """Stores a file for an item the actor may attach to; its type is judged by content."""
    item = visible_owner(runtime, connection, actor, owner_type, owner_id)
    _require_attach(actor, owner_type, item)
    name = clean_filename(filename)
    kind = detect(name, content)
    name = fitting_name(name, kind.content_type)
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
    body_id = runtime.body_id_in(connection)
    attachment_id = insert_audited(
        connection,
        runtime.chain_key,
        repository.attachments,
        {**values, "body_id": body_id, "content": content},
        actor=actor,
        now=runtime.now(),
        entity_type="attachment",
        audited_values=values,
    )
    _write_history(
        runtime,
        connection,
        actor,
        item,
        owner_type,
        owner_id,
        event=ADDED_EVENT,
        label=f"Anlage „{name}“ hinzugefügt",
        permitted=ATTACHING_ROLES,
    )
    return _described(connection, body_id, owner_type, owner_id, attachment_id)


def upload(
    runtime: Runtime, actor: Actor, owner_type: str, owner_id: int, filename: str, content: bytes
) -> Any:
    """``attach`` in a transaction of its own: the upload of the API and the web form."""
    with runtime.write() as connection:
        return attach(
            runtime, connection, actor, owner_type, owner_id, filename=filename, content=content
        )


def list_of(connection: Connection, owner_type: str, owner_id: int) -> list[Any]:
    """Descriptions of an item's attachments, for the page of an item already shown."""
    return repository.of_owner(connection, owner_type, owner_id)


def list_attachments(
    runtime: Runtime, actor: Actor | None, owner_type: str, owner_id: int
) -> list[Any]:
    """The attachments of an item the actor may see; of a non-public item, logged."""
    with runtime.read() as connection:
        item = visible_owner(runtime, connection, actor, owner_type, owner_id)
        rows = repository.of_owner(connection, owner_type, owner_id)
    if not item.public:
        log_read(runtime, actor, owner_type, owner_id, persons=_persons(owner_type, item))
    return rows


def describe_for_deletion(
    runtime: Runtime, actor: Actor, owner_type: str, owner_id: int, attachment_id: int
) -> Any:
    """Name, type and size of one file the actor may delete, to ask before it is deleted;
    refused as the deletion itself would be, so nobody is asked what they may not do. Of a
    non-public item, logged like its list."""
    with runtime.read() as connection:
        item = visible_owner(runtime, connection, actor, owner_type, owner_id)
        _require_deleter(actor)
        row = _described(connection, item.body_id, owner_type, owner_id, attachment_id)
        _require_undecided(connection, owner_type, item, row.filename)
    if not item.public:
        log_read(runtime, actor, owner_type, owner_id, persons=_persons(owner_type, item))
    return row


def _require_deleter(actor: Actor) -> None:
    if actor != SYSTEM and not access.holds(actor, "attachment.delete"):
        raise AccessDenied("Anlagen löschen dürfen AG-Leitung und Sitzungsdienst.")


def kept_because(connection: Connection, owner_type: str, item: Any) -> str | None:
    """Why the item's Anlagen can no longer be deleted, for the refusal and the page that
    offers no deletion (None: they can be). What was decided on stays as it was."""
    if owner_type == "paper" and papers.is_decided(connection, item):
        return (
            f"Über die Vorlage {item.reference} ist abgestimmt worden; ihre Anlagen bleiben "
            f"als Grundlage der Entscheidung erhalten."
        )
    if owner_type == "measure" and measures.is_decided(item):
        return (
            f"Die Maßnahme {item.code} steht nicht mehr vor dem Beschluss des Stadtrats; "
            f"ihre Anlagen bleiben als Teil der Akte erhalten."
        )
    return None


def _require_undecided(connection: Connection, owner_type: str, item: Any, filename: str) -> None:
    reason = kept_because(connection, owner_type, item)
    if reason is not None:
        raise Conflict(
            KEPT_SLUGS[owner_type],
            f"Anlage einer entschiedenen {OWNER_LABELS[owner_type]}",
            f"{reason} „{filename}“ wurde nicht gelöscht.",
        )


def read_attachment(
    runtime: Runtime, actor: Actor | None, owner_type: str, owner_id: int, attachment_id: int
) -> Download:
    """One file of an item the actor may see; a file of a non-public item is logged."""
    with runtime.read() as connection:
        item = visible_owner(runtime, connection, actor, owner_type, owner_id)
        row = repository.content(connection, item.body_id, owner_type, owner_id, attachment_id)
    if row is None:
        raise NotFound("Anlage", attachment_id)
    if not item.public:
        log_read(runtime, actor, "attachment", attachment_id, persons=_persons(owner_type, item))
    # Cleaned again: a name stored before names were cleaned leaves as a safe one.
    name = fitting_name(clean_filename(row.filename), row.content_type)
    return Download(name, row.content_type, row.sha256, bytes(row.content))


def remove(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    owner_type: str,
    owner_id: int,
    attachment_id: int,
) -> None:
    """Deletes the file for good (its bytes may be personal data); the audit keeps its hash.

    The chain lock comes before the row is touched, as for every audited write.
    """
    item = visible_owner(runtime, connection, actor, owner_type, owner_id)
    _require_deleter(actor)
    lock_chain(connection, runtime.chain_key)
    row = _described(connection, item.body_id, owner_type, owner_id, attachment_id)
    _require_undecided(connection, owner_type, item, row.filename)
    repository.delete(connection, attachment_id)
    _write_history(
        runtime,
        connection,
        actor,
        item,
        owner_type,
        owner_id,
        event=DELETED_EVENT,
        label=f"Anlage „{row.filename}“ gelöscht",
        permitted=access.PERMISSIONS["attachment.delete"],
    )
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


def _write_history(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    item: Any,
    owner_type: str,
    owner_id: int,
    *,
    event: str,
    label: str,
    permitted: frozenset[str],
) -> None:
    """The business record of the item says so too, not only the audit trail: a file
    added or deleted is a step of the item that leaves its state as it is."""
    lifecycle_repository.insert_history(
        connection,
        entity_type=owner_type,
        entity_id=owner_id,
        at=runtime.now(),
        recorded_at=runtime.now(),
        event=event,
        label=label,
        from_state=item.state,
        to_state=item.state,
        actor_user_id=actor.user_id,
        actor_role=min(actor.roles & permitted, default=None),
        comment=None,
        data={},
    )


def _persons(owner_type: str, item: Any) -> list[int | None]:
    return [item.responsible_person_id] if owner_type == "measure" else []


def _described(
    connection: Connection, body_id: int, owner_type: str, owner_id: int, attachment_id: int
) -> Any:
    row = repository.described(connection, body_id, owner_type, owner_id, attachment_id)
    if row is None:
        raise NotFound("Anlage", attachment_id)
    return row
