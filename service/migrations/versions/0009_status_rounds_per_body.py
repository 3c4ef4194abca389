"""a half-yearly Sachstand round per body and half-year

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 02:30:00

The round was keyed by its half-year alone; with several bodies each opens its own round
with its own FVA meeting and reminder. The table is small, so it is copied into one with
the new key (the same on both backends) rather than altered.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import service.db

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = "period, opened_at, update_due_on, fva_meeting_id, fva_reminded_at"


def _rounds(name: str, *, per_body: bool) -> None:
    key = ["body_id", "period"] if per_body else ["period"]
    op.create_table(
        name,
        *([sa.Column("body_id", sa.Integer(), nullable=False)] if per_body else []),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("opened_at", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("update_due_on", sa.Date(), nullable=False),
        sa.Column("fva_meeting_id", sa.Integer(), nullable=True),
        sa.Column("fva_reminded_at", service.db.UtcDateTime(timezone=True), nullable=True),
        *([sa.ForeignKeyConstraint(["body_id"], ["bodies.id"])] if per_body else []),
        sa.ForeignKeyConstraint(["fva_meeting_id"], ["meetings.id"]),
        sa.PrimaryKeyConstraint(*key, name=f"pk_{name}"),
    )


def upgrade() -> None:
    _rounds("status_update_rounds_per_body", per_body=True)
    # A round belongs to the body of its FVA meeting; one without a meeting yet to the
    # deployment's body (before 0008 there was only one).
    op.execute(
        f"INSERT INTO status_update_rounds_per_body (body_id, {COLUMNS}) "
        "SELECT COALESCE((SELECT m.body_id FROM meetings m WHERE m.id = r.fva_meeting_id), "
        f"(SELECT min(id) FROM bodies)), {COLUMNS} FROM status_update_rounds r"
    )
    op.drop_table("status_update_rounds")
    op.rename_table("status_update_rounds_per_body", "status_update_rounds")


def downgrade() -> None:
    _rounds("status_update_rounds_one_body", per_body=False)
    op.execute(
        f"INSERT INTO status_update_rounds_one_body ({COLUMNS}) "
        f"SELECT {COLUMNS} FROM status_update_rounds r "
        "WHERE r.body_id = (SELECT min(id) FROM bodies)"
    )
    op.drop_table("status_update_rounds")
    op.rename_table("status_update_rounds_one_body", "status_update_rounds")
