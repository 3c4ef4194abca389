"""programmes carry a version number

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 07:45:00

A programme's version was a digest of its editable values, a hex text where every other
versioned item has a number. It becomes a column like the measures' own: every programme
starts at 1, and each edit that changes a value counts it up under a conditional UPDATE
(issue 20).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )


def downgrade() -> None:
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.drop_column("version")
