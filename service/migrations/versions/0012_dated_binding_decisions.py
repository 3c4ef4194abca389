"""dated decisions, the Beschlusstext, baselines, kinds of paper, structured Zuständigkeit

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 05:00:00

A decision's history entry is dated on its session (``at``) and keeps the moment it was
typed in (``recorded_at``; existing entries were typed when they took effect). A vote keeps
the wording adopted. A council decision freezes each measure's costs, target date and
description (``measure_baselines``); an Änderungsvorlage (``papers.kind``) replaces them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import service.db

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("history_entries") as batch_op:
        batch_op.add_column(
            sa.Column("recorded_at", service.db.UtcDateTime(timezone=True), nullable=True)
        )
    op.execute("UPDATE history_entries SET recorded_at = at")
    with op.batch_alter_table("votes") as batch_op:
        batch_op.add_column(sa.Column("decision_text", sa.Text(), nullable=True))
    with op.batch_alter_table("papers") as batch_op:
        batch_op.add_column(sa.Column("competence_law", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("competence_paragraph", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("competence_section", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column(
                "kind", sa.String(length=30), nullable=False, server_default="beschlussvorlage"
            )
        )
    op.create_table(
        "measure_baselines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("resolution_number", sa.String(length=50), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("one_off_cost", sa.Numeric(14, 2), nullable=True),
        sa.Column("recurring_cost", sa.Numeric(14, 2), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("recorded_at", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"]),
        sa.ForeignKeyConstraint(["measure_id"], ["measures.id"]),
        sa.ForeignKeyConstraint(["paper_id"], ["papers.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_measure_baselines_body_id", "measure_baselines", ["body_id"])
    op.create_index("ix_measure_baselines_measure", "measure_baselines", ["measure_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_measure_baselines_measure", table_name="measure_baselines")
    op.drop_index("ix_measure_baselines_body_id", table_name="measure_baselines")
    op.drop_table("measure_baselines")
    with op.batch_alter_table("papers") as batch_op:
        for column in ("kind", "competence_section", "competence_paragraph", "competence_law"):
            batch_op.drop_column(column)
    with op.batch_alter_table("votes") as batch_op:
        batch_op.drop_column("decision_text")
    with op.batch_alter_table("history_entries") as batch_op:
        batch_op.drop_column("recorded_at")
