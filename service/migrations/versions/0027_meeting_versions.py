"""meetings know which version moved them, agenda items the version they came with

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 08:30:00

Sending the invitation again after an agenda item was added (a Nachtrag) reached only new
members: the meeting's SEQUENCE did not grow, and a grown one could not tell a Nachtrag
from a move. ``meetings.moved_in_sequence`` is the version in which start or place last
changed, ``agenda_items.added_in_sequence`` the version an item first appears in. Until now
only a move or a cancellation raised the sequence, so an existing meeting's last move is
its current version, and its items belong to the version it was first sent in (0).
"""

import warnings
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.exc import SAWarning

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite's batch copy would reflect the papers an agenda item points
    # to, and their expression index makes SQLAlchemy warn on ``ratsflow db upgrade``.
    op.add_column(
        "meetings",
        sa.Column("moved_in_sequence", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    op.add_column(
        "agenda_items",
        sa.Column("added_in_sequence", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    op.execute("UPDATE meetings SET moved_in_sequence = sequence")


def downgrade() -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
        with op.batch_alter_table("agenda_items", schema=None) as batch_op:
            batch_op.drop_column("added_in_sequence")
        with op.batch_alter_table("meetings", schema=None) as batch_op:
            batch_op.drop_column("moved_in_sequence")
