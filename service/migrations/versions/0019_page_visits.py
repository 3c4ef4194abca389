"""a council member's last visit of the Beschlusskontrolle in a table of its own

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 14:30:00

Her task counts what the Beschlusskontrolle shows that it did not show at her last visit.
That visit was her latest ``deadline.read`` audit event, which every visit of a council
member wrote, even one that showed nothing non-public: a read nobody needed logged, kept in
the trail for years. ``page_visits`` keeps one moment per user and page instead, overwritten
on each visit. The last visit each user's audit events name is carried over, so nobody's
task starts from "Noch nicht angesehen" after the upgrade.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import service.db

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "page_visits",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("page", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("seen_at", service.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("user_id", "page"),
    )
    op.execute(
        "INSERT INTO page_visits (user_id, page, seen_at) "
        "SELECT actor_id, 'beschlusskontrolle', max(ts) FROM audit_events "
        "WHERE action = 'deadline.read' AND actor_id IN (SELECT id FROM users) "
        "GROUP BY actor_id"
    )


def downgrade() -> None:
    op.drop_table("page_visits")
