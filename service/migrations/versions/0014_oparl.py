"""OParl bookkeeping: created/modified/deleted of published objects, remote ids of imports

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 05:00:00

No existing table gets a column: what OParl needs about a row (its stamps for the server,
its remote id for the import) lives beside it, keyed by entity type and id.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import service.db

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oparl_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("external_key", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created", service.db.UtcDateTime(), nullable=True),
        sa.Column("modified", service.db.UtcDateTime(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("body_id", "entity_type", "entity_id", name="uq_oparl_records_entity"),
    )
    op.create_index(
        "ix_oparl_records_external", "oparl_records", ["body_id", "entity_type", "external_key"]
    )
    op.create_index(
        "ix_oparl_records_modified", "oparl_records", ["body_id", "entity_type", "modified"]
    )
    op.create_table(
        "oparl_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("system_key", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("system_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("remote_body", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("resume_list", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
        sa.Column("resume_url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("run_started_at", service.db.UtcDateTime(), nullable=True),
        sa.Column("synced_until", service.db.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("body_id", "system_key", name="uq_oparl_sources_system"),
    )
    op.create_index("ix_oparl_sources_body_id", "oparl_sources", ["body_id"])


def downgrade() -> None:
    op.drop_index("ix_oparl_sources_body_id", table_name="oparl_sources")
    op.drop_table("oparl_sources")
    op.drop_index("ix_oparl_records_modified", table_name="oparl_records")
    op.drop_index("ix_oparl_records_external", table_name="oparl_records")
    op.drop_table("oparl_records")
