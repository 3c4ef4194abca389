"""milestones keep the history of their dates: a past report shows them as they stood

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 12:00:00

A Sachstandsbericht is rebuilt as of its Stichtag, but a milestone kept only today's title,
due and done date: moving a due date or entering a done date later changed the traffic
light of every past report rebuilt since. ``milestone_changes`` holds each state of a
milestone with the moment from which it held. Existing milestones get one entry with their
values at the upgrade, dated when they were added (``created_at``): nothing earlier is known,
and a past report keeps showing what it showed before this migration.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import service.db

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

milestones = sa.table(
    "milestones",
    sa.column("id"),
    sa.column("created_at"),
    sa.column("title"),
    sa.column("due_on"),
    sa.column("done_on"),
)
COLUMNS = ("milestone_id", "changed_at", "title", "due_on", "done_on")


def upgrade() -> None:
    changes = op.create_table(
        "milestone_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["milestone_id"], ["milestones.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_milestone_changes_milestone_id_changed_at",
        "milestone_changes",
        ["milestone_id", "changed_at"],
    )
    assert changes is not None
    op.execute(
        changes.insert().from_select(
            list(COLUMNS),
            sa.select(
                milestones.c.id,
                milestones.c.created_at,
                milestones.c.title,
                milestones.c.due_on,
                milestones.c.done_on,
            ).order_by(milestones.c.id),
        )
    )


def downgrade() -> None:
    op.drop_table("milestone_changes")
