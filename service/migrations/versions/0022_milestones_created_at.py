"""milestones know when they were added: a past report leaves out the later ones

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 09:30:00

A Sachstandsbericht is rebuilt as of its Stichtag; a milestone added afterwards must not
turn its measure's traffic light. Milestones had no creation time. Existing rows get their
measure's ``created_at``: the earliest moment they can have been added, so a past report
keeps showing every milestone it showed before this migration (none changes colour by it).
The event ``milestone.create`` in the audit trail holds the real moment, but its timestamp
is not tied to the row by anything a migration could rely on across retention.
"""

import warnings
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.exc import SAWarning

import service.db

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

milestones = sa.table("milestones", sa.column("measure_id"), sa.column("created_at"))
measures = sa.table("measures", sa.column("id"), sa.column("created_at"))


def upgrade() -> None:
    with warnings.catch_warnings():
        # SQLite's batch copy reflects the measures a milestone points to; their Kennung's
        # index on lower(code) cannot be reflected and is not touched here (a user running
        # ``ratsflow db upgrade`` saw SQLAlchemy's warning about it).
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
        _add_created_at()


def _add_created_at() -> None:
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("created_at", service.db.UtcDateTime(timezone=True), nullable=True)
        )
    op.execute(
        milestones.update().values(
            created_at=sa.select(measures.c.created_at)
            .where(measures.c.id == milestones.c.measure_id)
            .scalar_subquery()
        )
    )
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.alter_column(
            "created_at",
            existing_type=service.db.UtcDateTime(timezone=True),
            nullable=False,
        )


def downgrade() -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
        with op.batch_alter_table("milestones", schema=None) as batch_op:
            batch_op.drop_column("created_at")
