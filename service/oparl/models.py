from datetime import datetime

from sqlmodel import Field, Index, SQLModel, UniqueConstraint

from service.columns import utc_field


class OparlRecord(SQLModel, table=True):
    """What OParl needs to know about one of our rows beyond the row itself.

    The server keeps ``created``/``modified`` per published object and remembers objects it
    no longer publishes (removed or made non-public) as ``deleted``, which OParl 1.1 demands
    so that clients syncing with ``modified_since`` learn of them. The import keeps the
    remote OParl id (``external_key``: the id without its scheme, since servers mix
    ``http`` and ``https``) and the system it came from, so that a second run finds the row.
    """

    __tablename__ = "oparl_records"
    __table_args__ = (
        UniqueConstraint("body_id", "entity_type", "entity_id", name="uq_oparl_records_entity"),
        Index("ix_oparl_records_external", "body_id", "entity_type", "external_key"),
        Index("ix_oparl_records_modified", "body_id", "entity_type", "modified"),
    )

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id")
    entity_type: str = Field(max_length=30)
    entity_id: int
    external_key: str | None = Field(default=None, max_length=500)
    source: str | None = Field(default=None, max_length=500)
    fingerprint: str | None = Field(default=None, max_length=64)
    created: datetime | None = utc_field(nullable=True)
    modified: datetime | None = utc_field(nullable=True)
    deleted: bool = False


class OparlSource(SQLModel, table=True):
    """A remote OParl system this body imports from: where an interrupted run stopped
    (``resume_list``/``resume_url``) and since when the next run asks (``synced_until``)."""

    __tablename__ = "oparl_sources"
    __table_args__ = (UniqueConstraint("body_id", "system_key", name="uq_oparl_sources_system"),)

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    system_key: str = Field(max_length=500)
    system_url: str = Field(max_length=500)
    remote_body: str | None = Field(default=None, max_length=500)
    resume_list: str | None = Field(default=None, max_length=30)
    resume_url: str | None = Field(default=None, max_length=2000)
    run_started_at: datetime | None = utc_field(nullable=True)
    synced_until: datetime | None = utc_field(nullable=True)
