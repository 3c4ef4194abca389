"""an item's open deadlines found by their own index

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 10:45:00

Every transition closes the item's open deadlines (``entity_type``, ``entity_id``,
``open``). With ``open`` outside the item's index, SQLite without statistics chose the index
of all open deadlines (``open``, ``due_at``) instead and walked every open deadline of every
item, per transition (issue 19). With ``open`` in the item's index the lookup is an equality
on three columns, which both databases prefer.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_index("ix_deadlines_entity")
        batch_op.create_index("ix_deadlines_entity", ["entity_type", "entity_id", "open"])


def downgrade() -> None:
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_index("ix_deadlines_entity")
        batch_op.create_index("ix_deadlines_entity", ["entity_type", "entity_id"])
