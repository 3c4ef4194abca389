"""when each scheduler job last succeeded or failed, and the scheduler's heartbeat

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 04:45:00

``/metrics`` of every web worker reports the scheduler's state, which may live in another
process: so it is kept in a table. The request id of an audit event needs no migration: the
column and the hashed ``request`` member exist since 0001.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import service.db

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("job_id", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("succeeded_at", service.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("failed_at", service.db.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("job_id"),
    )


def downgrade() -> None:
    op.drop_table("job_runs")
