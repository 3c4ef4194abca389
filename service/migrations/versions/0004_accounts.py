"""accounts: deactivation, temporary passwords, deputies, login throttling

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 11:20:00

Deputies move from the three ``users.deputy_*`` columns (one deputy, ever) to a table of
deputyships (several, each for a period, withdrawn rather than deleted). The old columns
stay: dropping a foreign-key column on SQLite rebuilds ``users``, which most tables
reference; they were never written.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import service.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deputyships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("deputy_user_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", service.db.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["deputy_user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deputyships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deputyships_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_deputyships_deputy_user_id"), ["deputy_user_id"], unique=False
        )

    op.create_table(
        "login_throttles",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", service.db.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_throttles_last_failure_at"), ["last_failure_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_throttles_last_failure_at"))
    op.drop_table("login_throttles")
    with op.batch_alter_table("deputyships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deputyships_deputy_user_id"))
        batch_op.drop_index(batch_op.f("ix_deputyships_user_id"))
    op.drop_table("deputyships")
