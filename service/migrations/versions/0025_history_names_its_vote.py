"""a history entry written by a vote names the vote

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 08:00:00

Who may not see a vote of a non-public session must not see what its history entries say
of it (the paper's step, the steps it carried to the measures, a correction). The entries
did not name their vote, and ``service.papers.shown`` matched them to votes by event, day
and the moment they were typed in: two votes of one day could be taken for each other. A
vote now writes its id into each entry it leaves. Existing entries keep none; they are still
matched as before.
"""

import warnings
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.exc import SAWarning
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Inline, the reference needs no copy of the table on SQLite (ALTER TABLE ADD COLUMN).
    op.add_column(
        "history_entries",
        sa.Column("vote_id", sa.Integer(), sa.ForeignKey("votes.id"), nullable=True),
        inline_references=True,
    )


def downgrade() -> None:
    # SQLite drops no column that references another table: the batch copies the table. Its
    # reflection follows the reference to votes and papers, whose expression index
    # (migration 0024) SQLAlchemy cannot reflect and warns about, as in 0022 and 0027.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
        with op.batch_alter_table("history_entries") as batch_op:
            batch_op.drop_column("vote_id")
