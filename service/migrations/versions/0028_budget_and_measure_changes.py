"""budget lines and a measure's Angaben keep their history: a past report shows them as they were

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-08 12:00:00

A Sachstandsbericht is rebuilt as of its Stichtag, but a Haushaltsansatz kept only today's
amounts and a measure only today's Kennung, title, description and responsible person: an
amount booked later, a line added later or a measure renamed later changed every past
report rebuilt since. ``budget_line_changes`` and ``measure_changes`` hold each state with
the moment from which it held.

Existing rows get one entry with their values at the upgrade; nothing earlier is known
(the audit trail holds the changes, but titles and names only as digests beside values a
person's erasure may have cleared). A measure's entry is dated when it was created, so a
past report names it as before this migration. A budget line has no time of its own: its
entry is dated by the line's ``budget_line.create`` event in the audit trail, so a line
added after a Stichtag is no longer counted in that report; where retention has removed
that event, by its measure's creation, the earliest the line can have existed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import service.db

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

measures = sa.table(
    "measures",
    sa.column("id"),
    sa.column("created_at"),
    sa.column("code"),
    sa.column("title"),
    sa.column("description"),
    sa.column("responsible_person_id"),
)
budget_lines = sa.table(
    "budget_lines",
    sa.column("id"),
    sa.column("measure_id"),
    sa.column("fiscal_year"),
    sa.column("product_account"),
    sa.column("one_off_planned"),
    sa.column("recurring_planned"),
    sa.column("approved"),
    sa.column("spent"),
)
audit_events = sa.table(
    "audit_events",
    sa.column("ts"),
    sa.column("action"),
    sa.column("entity_type"),
    sa.column("entity_id"),
)
MEASURE_VALUES = ("code", "title", "description", "responsible_person_id")
LINE_VALUES = (
    "fiscal_year",
    "product_account",
    "one_off_planned",
    "recurring_planned",
    "approved",
    "spent",
)


def upgrade() -> None:
    measure_changes = op.create_table(
        "measure_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("responsible_person_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["measure_id"], ["measures.id"]),
        sa.ForeignKeyConstraint(["responsible_person_id"], ["persons.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_measure_changes_measure_id_changed_at",
        "measure_changes",
        ["measure_id", "changed_at"],
    )
    line_changes = op.create_table(
        "budget_line_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("budget_line_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("product_account", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
        sa.Column("one_off_planned", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("recurring_planned", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("approved", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("spent", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.ForeignKeyConstraint(["budget_line_id"], ["budget_lines.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_budget_line_changes_line_id_changed_at",
        "budget_line_changes",
        ["budget_line_id", "changed_at"],
    )
    assert measure_changes is not None and line_changes is not None
    op.execute(
        measure_changes.insert().from_select(
            ["measure_id", "changed_at", *MEASURE_VALUES],
            sa.select(
                measures.c.id,
                measures.c.created_at,
                *(measures.c[name] for name in MEASURE_VALUES),
            ).order_by(measures.c.id),
        )
    )
    # The index (entity_type, entity_id, ts) of the trail answers this per line.
    created = (
        sa.select(sa.func.min(audit_events.c.ts))
        .where(
            audit_events.c.entity_type == "budget_line",
            audit_events.c.entity_id == budget_lines.c.id,
            audit_events.c.action == "budget_line.create",
        )
        .scalar_subquery()
    )
    measure_created = (
        sa.select(measures.c.created_at)
        .where(measures.c.id == budget_lines.c.measure_id)
        .scalar_subquery()
    )
    op.execute(
        line_changes.insert().from_select(
            ["budget_line_id", "changed_at", *LINE_VALUES],
            sa.select(
                budget_lines.c.id,
                sa.func.coalesce(created, measure_created),
                *(budget_lines.c[name] for name in LINE_VALUES),
            ).order_by(budget_lines.c.id),
        )
    )


def downgrade() -> None:
    op.drop_table("budget_line_changes")
    op.drop_table("measure_changes")
