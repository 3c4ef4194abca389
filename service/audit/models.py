from datetime import datetime

from sqlmodel import Field, Index, SQLModel, UniqueConstraint

from service.columns import utc_field

# Actions that only read: their events are "zugriff" for retention (service.audit.retention).
QUERY = "audit.query"
EXPORT = "audit.export"
DISCLOSURE = "audit.disclosure"
READ_SUFFIX = ".read"
# What erasure of a person records (service.people.erasure): the one reason a detail's value
# may be empty, and only for that person's details in events before it.
ERASE = "person.erase"


class AuditEvent(SQLModel, table=True):
    """A Protokolleintrag; append-only (database triggers refuse UPDATE and DELETE).

    ``payload`` is exactly the canonical JSON text that was hashed; it holds ids and, for
    personal values and free text, only salted digests. The readable values sit in
    ``audit_details``, so erasing a person never breaks the chain.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        UniqueConstraint("chain_key", "seq"),
        Index("ix_audit_actor_ts", "actor_id", "ts"),
        Index("ix_audit_entity_ts", "entity_type", "entity_id", "ts"),
        Index("ix_audit_ts", "ts"),
    )

    id: int | None = Field(default=None, primary_key=True)
    chain_key: str = Field(max_length=64)
    seq: int
    ts: datetime = utc_field()
    actor_id: int | None = None
    actor_role: str | None = Field(default=None, max_length=50)
    action: str = Field(max_length=50)
    entity_type: str = Field(max_length=30)
    entity_id: int | None = None
    request_id: str | None = Field(default=None, max_length=100)
    payload: str
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditEventPerson(SQLModel, table=True):
    """Persons an event affected, by surrogate id, for "everything about person Y"."""

    __tablename__ = "audit_event_persons"

    event_id: int = Field(foreign_key="audit_events.id", primary_key=True)
    person_id: int = Field(primary_key=True, index=True)


class AuditDetail(SQLModel, table=True):
    """The readable value behind a digest in an event, with its own random salt.

    Erasure sets ``value`` and ``salt`` to NULL: the digest in the chain stays, but can no
    longer be linked to the erased value, not even by guessing.
    """

    __tablename__ = "audit_details"
    __table_args__ = (Index("ix_audit_details_person", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="audit_events.id", index=True)
    path: str = Field(max_length=200)
    person_id: int | None = None
    value: str | None = None
    salt: str | None = Field(default=None, max_length=64)
    erased_at: datetime | None = utc_field(nullable=True)


class AuditCheckpoint(SQLModel, table=True):
    """A signed statement of a chain's head (Prüfpunkt): seq and hash at a moment.

    Kept in the database and exported as a file to be kept elsewhere; against it a truncated
    tail or a chain rebuilt from some event on is detected. Retention removes events only up
    to a checkpoint, which then anchors verification of what remains.
    """

    __tablename__ = "audit_checkpoints"
    __table_args__ = (Index("ix_audit_checkpoints_chain_seq", "chain_key", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    chain_key: str = Field(max_length=64)
    seq: int
    hash: str = Field(max_length=64)
    event_ts: datetime = utc_field()
    signed_at: datetime = utc_field()
    key_id: str = Field(max_length=64)
    public_key: str = Field(max_length=64)
    signature: str = Field(max_length=128)
