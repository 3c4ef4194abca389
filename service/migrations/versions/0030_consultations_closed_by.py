"""a step of the Beratungsfolge closed without its own vote says what closed it

Revision ID: 0030
Revises: 0027
Create Date: 2026-12-07 14:00:00

A step dropped without a vote showed „entfallen (Vorlage zurückverwiesen)“, the only way a
step was dropped so far. Now a withdrawn paper (``zurueckziehen``) drops its open steps too,
and the Sitzungsdienst may drop a Vorberatung the paper has already left behind, with a
reason. ``consultations.closed_by`` names what closed the step: the paper's event
(``zurueckverweisen``, ``zurueckziehen``) or the Sitzungsdienst's act
(``vorberatung_entfallen``). Until now only a referral closed steps without a vote, so the
steps it closed (``zurueckverwiesen``, ``entfallen``) are marked as its. The open steps of a
paper withdrawn before are dropped here, as the withdrawal now drops them. Nothing here
writes an audit event: a migration acts outside any actor (as 0024). A Vorberatung left
open behind a paper in its Entscheidung stays open: the Sitzungsdienst records its vote or
drops it with a reason (``service.papers.left_behind``). A downgrade drops the column and
leaves the results as they are.
"""

import warnings
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.exc import SAWarning

revision: str = "0030"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite's batch copy would reflect the papers a step points to, and
    # their expression index makes SQLAlchemy warn on ``ratsflow db upgrade``.
    op.add_column(
        "consultations",
        sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
    )
    op.execute(
        "UPDATE consultations SET closed_by = 'zurueckverweisen' "
        "WHERE result IN ('zurueckverwiesen', 'entfallen')"
    )
    op.execute(
        "UPDATE consultations SET result = 'entfallen', closed_by = 'zurueckziehen' "
        "WHERE result IS NULL AND paper_id IN "
        "(SELECT id FROM papers WHERE state = 'zurueckgezogen')"
    )


def downgrade() -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
        with op.batch_alter_table("consultations", schema=None) as batch_op:
            batch_op.drop_column("closed_by")
