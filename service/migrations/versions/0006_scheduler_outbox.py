"""scheduler periods and mail outbox

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 11:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import service.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reminder_key", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("entity_type", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("recipient_person_id", sa.Integer(), nullable=True),
        sa.Column("recipient_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("body_text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("body_html", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("ics", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("claim_token", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_at", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", service.db.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["recipient_person_id"], ["persons.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reminder_key", name="uq_outbox_reminder_key"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_status_next", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outbox_recipient_person_id"), ["recipient_person_id"], unique=False
        )

    op.create_table(
        "job_periods",
        sa.Column("job_id", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("period", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job_id"),
    )
    op.create_table(
        "status_update_rounds",
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("opened_at", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("update_due_on", sa.Date(), nullable=False),
        sa.Column("fva_meeting_id", sa.Integer(), nullable=True),
        sa.Column("fva_reminded_at", service.db.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["fva_meeting_id"], ["meetings.id"]),
        sa.PrimaryKeyConstraint("period"),
    )

    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminders_planned", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("next_reminder_at", service.db.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_deadlines_reminders", ["reminders_planned", "next_reminder_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_index("ix_deadlines_reminders")
        batch_op.drop_column("next_reminder_at")
        batch_op.drop_column("reminders_planned")
    op.drop_table("status_update_rounds")
    op.drop_table("job_periods")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_recipient_person_id"))
        batch_op.drop_index("ix_outbox_status_next")
    op.drop_table("outbox")
