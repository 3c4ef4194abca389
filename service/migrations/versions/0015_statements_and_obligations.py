"""statement requests, Abwägung, Auflagen, obligations

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 04:45:00

Statements become tasks with consequences (a request with a deadline, the Verwaltungsleitung's
Abwägung after "ablehnend", each Auflage of "mit Auflagen" to fulfil), and the duties a
resolution imposes are obligations with due dates and recorded fulfilments (issue 14).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import service.db

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "obligations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("responsible_role", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("every_months", sa.Integer(), nullable=True),
        sa.Column("fulfilled_by", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("created_at", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["bodies.id"],
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["papers.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("obligations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_obligations_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_obligations_paper_id"), ["paper_id"], unique=False)

    op.create_table(
        "obligation_fulfilments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("obligation_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("fulfilled_on", sa.Date(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_person_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["bodies.id"],
        ),
        sa.ForeignKeyConstraint(
            ["obligation_id"],
            ["obligations.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_person_id"],
            ["persons.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("obligation_fulfilments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_obligation_fulfilments_body_id"), ["body_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_obligation_fulfilments_obligation_id"), ["obligation_id"], unique=False
        )

    op.create_table(
        "statement_conditions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("fulfilled_at", service.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("fulfilled_by_user_id", sa.Integer(), nullable=True),
        sa.Column("fulfilled_by_person_id", sa.Integer(), nullable=True),
        sa.Column("fulfilment_note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["bodies.id"],
        ),
        sa.ForeignKeyConstraint(
            ["fulfilled_by_person_id"],
            ["persons.id"],
        ),
        sa.ForeignKeyConstraint(
            ["fulfilled_by_user_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("statement_conditions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statement_conditions_body_id"), ["body_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_statement_conditions_measure_id"), ["measure_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_statement_conditions_statement_id"), ["statement_id"], unique=False
        )

    op.create_table(
        "statement_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("requested_at", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("due_at", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", service.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("statement_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["bodies.id"],
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("statement_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statement_requests_body_id"), ["body_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_statement_requests_measure_id"), ["measure_id"], unique=False
        )

    op.create_table(
        "statement_weighings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_person_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["bodies.id"],
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_person_id"],
            ["persons.id"],
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("statement_id"),
    )
    with op.batch_alter_table("statement_weighings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statement_weighings_body_id"), ["body_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_statement_weighings_measure_id"), ["measure_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("statement_weighings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_weighings_measure_id"))
        batch_op.drop_index(batch_op.f("ix_statement_weighings_body_id"))

    op.drop_table("statement_weighings")
    with op.batch_alter_table("statement_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_requests_measure_id"))
        batch_op.drop_index(batch_op.f("ix_statement_requests_body_id"))

    op.drop_table("statement_requests")
    with op.batch_alter_table("statement_conditions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_conditions_statement_id"))
        batch_op.drop_index(batch_op.f("ix_statement_conditions_measure_id"))
        batch_op.drop_index(batch_op.f("ix_statement_conditions_body_id"))

    op.drop_table("statement_conditions")
    with op.batch_alter_table("obligation_fulfilments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_obligation_fulfilments_obligation_id"))
        batch_op.drop_index(batch_op.f("ix_obligation_fulfilments_body_id"))

    op.drop_table("obligation_fulfilments")
    with op.batch_alter_table("obligations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_obligations_paper_id"))
        batch_op.drop_index(batch_op.f("ix_obligations_body_id"))

    op.drop_table("obligations")
